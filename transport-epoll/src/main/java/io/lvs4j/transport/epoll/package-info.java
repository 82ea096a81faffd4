/**
 * The epoll transport: raw sockets on Netty's {@code EpollIoHandler}, the direct-routing, NAT
 * and tunnel forwarders, ARP, and VRRP I/O.
 */
package io.lvs4j.transport.epoll;

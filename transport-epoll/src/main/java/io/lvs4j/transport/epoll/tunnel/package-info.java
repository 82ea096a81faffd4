/**
 * The real server's side of LVS tunnelling in user space: {@link
 * io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator} receives IPIP, IPv6-in-IPv6 and GUE
 * packets and injects the inner packets into a TUN device.
 */
package io.lvs4j.transport.epoll.tunnel;

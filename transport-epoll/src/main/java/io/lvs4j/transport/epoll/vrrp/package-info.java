/**
 * VRRP on the epoll transport: a raw IP socket of protocol 112 per interface and
 * {@link io.lvs4j.transport.epoll.vrrp.EpollVrrpRouter}, which runs a VRRP node on a Netty event
 * loop and owns the virtual addresses in user space (ARP) while master.
 */
package io.lvs4j.transport.epoll.vrrp;

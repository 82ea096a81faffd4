/**
 * Scale-out behind ECMP: the director's VIPs announced over BGP by a real routing daemon (FRR's
 * {@code bgpd} by default, or any daemon driven by commands), which runs as the director's child
 * and dies with it. {@link io.lvs4j.transport.epoll.bgp.RouteAnnouncer} decides when each VIP is
 * announced; lvs4j has no BGP code of its own.
 */
package io.lvs4j.transport.epoll.bgp;

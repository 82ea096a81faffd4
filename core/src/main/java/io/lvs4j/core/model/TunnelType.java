package io.lvs4j.core.model;

/**
 * The encapsulation of a tunnelled ({@link ForwardingMethod#TUNNEL}) real server, as IPVS's
 * {@code --tun-type}.
 */
public enum TunnelType {
    /** IP-in-IP: an outer IPv4 header (protocol 4); for an IPv6 real server IPv6-in-IPv6 (next header 41). */
    IPIP,
    /** Generic UDP Encapsulation: outer IP, UDP to the tunnel port, a 4-byte GUE header, the inner packet. */
    GUE
}

package io.lvs4j.transport.epoll;

/**
 * What a {@link PacketDirector} counts besides the parser's drop reasons (those are counted by
 * {@code io.lvs4j.core.packet.DropReason}). Per loop, summed on read.
 */
public enum DirectorCounter {
    /** Frames sent on to a real server. */
    FORWARDED,
    /** Connections created (a scheduler pick). */
    NEW_CONNECTIONS,
    /** Frames that were neither for a virtual service nor ARP for a VIP: left to the kernel. */
    IGNORED,
    /** ARP requests for an owned VIP answered. */
    ARP_REPLIES,
    /** Gratuitous ARPs sent for owned VIPs. */
    GRATUITOUS_ARPS,
    /** ARP requests sent to resolve real servers. */
    ARP_REQUESTS,
    /** Dropped: ARP claiming an owned VIP from another MAC. */
    DROP_ARP_SPOOF,
    /** Dropped: an IP fragment for a virtual service (no ports to schedule on). */
    DROP_FRAGMENT,
    /** Dropped: a TCP segment other than a SYN for no known connection. */
    DROP_NO_CONNECTION,
    /** Dropped: the scheduler had no real server for a new connection. */
    DROP_NO_DESTINATION,
    /** Dropped: the real server's MAC address is not (or no longer) resolved. */
    DROP_UNRESOLVED_NEIGHBOUR,
    /** NAT: real servers' replies rewritten and sent on to their clients. */
    REPLIES_FORWARDED,
    /** Tunnel: packets sent encapsulated (each segment of a super-frame counts). */
    TUNNEL_ENCAPSULATED,
    /** Tunnel: GSO super-frames split into segments before encapsulation. */
    TUNNEL_SUPER_FRAMES,
    /** Tunnel: packets without DF, too big for the tunnel, sent in outer IPv4 fragments. */
    TUNNEL_FRAGMENTED,
    /** Tunnel: ICMP "fragmentation needed" / ICMPv6 "packet too big" sent back to clients. */
    TUNNEL_ICMP_SENT,
    /** Dropped: a DF (or IPv6) packet too big for the tunnel MTU (answered by ICMP, rate-limited). */
    DROP_TUNNEL_TOO_BIG,
    /** Dropped: a frame the tunnel cannot carry (a super-frame of a GSO type other than TCP, too long to build). */
    DROP_TUNNEL_UNSUPPORTED
}

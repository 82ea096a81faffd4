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
    /**
     * Dropped: a packet of a connection whose real server is no longer available (removed, not
     * quiesced), as IPVS drops it with {@code expire_nodest_conn} off; the entry is kept.
     */
    DROP_DESTINATION_UNAVAILABLE,
    /**
     * Connections expired at their next packet because their real server is no longer
     * available, as IPVS does with {@code expire_nodest_conn} on.
     */
    EXPIRED_NO_DESTINATION,
    /** Dropped: the real server's MAC address is not (or no longer) resolved. */
    DROP_UNRESOLVED_NEIGHBOUR,
    /** NAT: real servers' replies rewritten and sent on to their clients. */
    REPLIES_FORWARDED,
    /**
     * NAT: frames (either way) whose TCP/UDP checksum was partial, to be completed by the
     * device ({@code NEEDS_CSUM}; every GSO super-frame), rewritten as such.
     */
    NAT_PARTIAL_CHECKSUMS,
    /** NAT: ICMP errors to a VIP about a reply, translated and sent on to the real server. */
    NAT_ICMP_TO_SERVER,
    /** NAT: ICMP errors from the real servers' side about a client's packet, translated for the client. */
    NAT_ICMP_TO_CLIENT,
    /** Neighbour solicitations for an owned IPv6 address answered (or, for a duplicate-address probe, defended). */
    NEIGHBOUR_ADVERTISEMENTS,
    /** Unsolicited neighbour advertisements sent for owned IPv6 addresses. */
    UNSOLICITED_ADVERTISEMENTS,
    /** Neighbour solicitations sent to resolve IPv6 real servers. */
    NEIGHBOUR_SOLICITATIONS,
    /** Dropped: a neighbour advertisement or solicitation claiming an owned IPv6 address from another MAC. */
    DROP_NDP_SPOOF,
    /**
     * ICMPv6 errors to a VIP about a direct-routing connection's reply relayed to its real server;
     * ICMP and ICMPv6 errors about a tunnelled connection's reply tunnelled to its real server.
     */
    ICMP_RELAYED,
    /**
     * Dropped: a full-NAT connection's first packet (a client's SYN) found no free local port
     * toward its real server on any local address; no entry was made.
     */
    DROP_LOCAL_PORT_EXHAUSTED,
    /** Full-NAT: real servers' replies to a local address rewritten and sent on to their clients. */
    FULL_NAT_REPLIES_FORWARDED,
    /** Full-NAT: ICMP errors to a local address about a connection, translated for its client. */
    FULL_NAT_ICMP_TO_CLIENT,
    /** Full-NAT: ICMP errors to a VIP about a connection's reply, translated for its real server. */
    FULL_NAT_ICMP_TO_SERVER,
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
    DROP_TUNNEL_UNSUPPORTED,
    /** NAT: a synced connection's replies sent to its client's (or the loop's) last client MAC before its own first frame. */
    NAT_SYNCED_CLIENT_MAC,
    /** Dropped: a NAT reply (or ICMP error) of a synced connection while this loop has seen no client frame (no MAC). */
    DROP_NAT_NO_CLIENT_MAC,
    /** Sync (master): connection and template records written into sync datagrams. */
    SYNC_RECORDS_SENT,
    /** Sync (master): sync datagrams sent. */
    SYNC_DATAGRAMS_SENT,
    /** Sync (master): sync datagrams the kernel refused (buffer full, no route): lost, as IPVS loses them. */
    SYNC_SEND_ERRORS,
    /** Sync (master): connections skipped because the v1 record cannot carry them (full-NAT). */
    SYNC_NOT_SYNCABLE,
    /** Sync (backup): sync datagrams received and passed to the decoder. */
    SYNC_DATAGRAMS_RECEIVED,
    /** Sync (backup): connections and templates installed from a peer's records. */
    SYNC_INSTALLED,
    /** Sync (backup): existing entries moved to a peer's state and timeout. */
    SYNC_UPDATED,
    /** Sync: dropped datagrams from a source that is neither a configured peer nor on the sync interface's subnet. */
    SYNC_DROP_BAD_SOURCE,
    /** Sync: dropped datagrams with another sync id. */
    SYNC_DROP_WRONG_SYNC_ID,
    /** Sync: dropped datagrams the decoder refused (truncated, malformed; it counts each reason on its own). */
    SYNC_DROP_MALFORMED,
    /** Sync: records the decoder refused on their own (unknown protocol or state, bad options). */
    SYNC_DROP_BAD_RECORD,
    /** Sync: datagrams ignored while this director is master: it never takes a peer's entry over its own. */
    SYNC_DROP_WHILE_MASTER,
    /** Sync: records of a virtual service this director does not have (or has with another method). */
    SYNC_DROP_UNKNOWN_SERVICE,
    /** Sync: records of a real server that is not in their virtual service here. */
    SYNC_DROP_UNKNOWN_SERVER,
    /** Sync: records not installed because the owning loop's table is full. */
    SYNC_DROP_TABLE_FULL,
    /** Sync: records of a kind lvs4j does not install (firewall-mark services, an address family without a table). */
    SYNC_DROP_UNSUPPORTED,
    /** Sync: records dropped because the owning loop had too many records still waiting to be installed. */
    SYNC_DROP_BACKLOG
}

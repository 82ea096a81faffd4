package io.lvs4j.core.packet;

/**
 * Why a frame was not forwarded. Parsers and the connection table return one of these instead
 * of throwing; {@link #NONE} means the frame passed. Each reason is counted by
 * {@link io.lvs4j.core.status.LoopCounters}.
 */
public enum DropReason {
    /** Not a drop: the frame passed the check. */
    NONE,
    /** Shorter than an Ethernet header, or than its 802.1Q tag. */
    ETHERNET_TRUNCATED,
    /** More than one 802.1Q tag (QinQ is not supported). */
    ETHERNET_STACKED_VLAN,
    /** An EtherType that is not IPv4, IPv6 or ARP. */
    UNSUPPORTED_ETHER_TYPE,
    /** Shorter than an ARP packet for Ethernet and IPv4. */
    ARP_TRUNCATED,
    /** ARP for another hardware or protocol type or address length. */
    ARP_UNSUPPORTED,
    /** Shorter than the IPv4 header or its total length. */
    IPV4_TRUNCATED,
    /** The IPv4 version field is not 4. */
    IPV4_BAD_VERSION,
    /** The IPv4 header length is below 20 bytes or beyond the total length. */
    IPV4_BAD_HEADER_LENGTH,
    /** The IPv4 header checksum does not verify. */
    IPV4_BAD_CHECKSUM,
    /** Shorter than the IPv6 header or its payload length. */
    IPV6_TRUNCATED,
    /** The IPv6 version field is not 6. */
    IPV6_BAD_VERSION,
    /** An IPv6 extension header runs past the packet. */
    IPV6_BAD_EXTENSION_HEADER,
    /** More IPv6 extension headers than the parser walks. */
    IPV6_TOO_MANY_EXTENSION_HEADERS,
    /** Shorter than the TCP header. */
    TCP_TRUNCATED,
    /** The TCP data offset is below 5 words or beyond the segment. */
    TCP_BAD_DATA_OFFSET,
    /** Shorter than the UDP header. */
    UDP_TRUNCATED,
    /** The UDP length field is below 8 or beyond the datagram. */
    UDP_BAD_LENGTH,
    /** Shorter than the ICMP or ICMPv6 header. */
    ICMP_TRUNCATED,
    /** An ICMP or ICMPv6 error whose quoted packet is too short or malformed. */
    ICMP_BAD_QUOTE,
    /** A new flow refused because the connection table is full. */
    CONNECTION_TABLE_FULL,
    /** A Neighbor Discovery message whose hop limit is not 255 (it may come from off-link). */
    NDP_BAD_HOP_LIMIT,
    /** A Neighbor Discovery message whose ICMPv6 checksum does not verify. */
    NDP_BAD_CHECKSUM,
    /** A Neighbor Discovery message with a non-zero code, shorter than 24 bytes, or with an option of length 0 or past its end. */
    NDP_MALFORMED,
    /** A Neighbor Discovery message breaking RFC 4861's address rules (multicast target, a bad duplicate-address probe, a solicited advertisement to multicast). */
    NDP_INVALID;

    private static final DropReason[] VALUES = values();

    /**
     * Returns the reason of an ordinal, without allocating.
     *
     * @param ordinal an ordinal of this enum
     * @return the reason
     */
    public static DropReason ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /**
     * Returns the number of reasons, {@link #NONE} included.
     *
     * @return the size of this enum
     */
    public static int count() {
        return VALUES.length;
    }
}

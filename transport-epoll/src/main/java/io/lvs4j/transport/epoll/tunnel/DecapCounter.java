package io.lvs4j.transport.epoll.tunnel;

/**
 * What a {@link TunnelDecapsulator} counts: packets and bytes in and out, and each reason to
 * drop a packet. Counted on the decapsulator's loop, read from any thread.
 */
public enum DecapCounter {
    /** Tunnel packets received (IPIP, IPv6-in-IPv6 or GUE datagrams). */
    RECEIVED,
    /** Bytes of the received tunnel packets, as the sockets returned them. */
    RECEIVED_BYTES,
    /** Inner packets written into the TUN device. */
    DECAPSULATED,
    /** Bytes of the inner packets written into the TUN device. */
    DECAPSULATED_BYTES,
    /**
     * Inner transport checksums completed before the write: GUE remote checksum offload, or TCP
     * segments that the kernel's GRO merged before the raw IPIP socket got them.
     */
    CHECKSUMS_COMPLETED,
    /** Dropped: longer than a receive slot (the kernel truncated it). */
    DROP_TRUNCATED,
    /** Dropped: the outer IPv4 header is malformed or shorter than its lengths say. */
    DROP_MALFORMED_OUTER,
    /** Dropped: the inner packet is malformed (header length, total or payload length, checksum). */
    DROP_MALFORMED_INNER,
    /** Dropped: the inner packet's IP version is not the one the tunnel announces. */
    DROP_WRONG_INNER_VERSION,
    /** Dropped: a GUE header of version 2 or 3, or shorter than its 4 bytes. */
    DROP_GUE_VERSION,
    /**
     * Dropped: a GUE control message, or a GUE header with flags or extension fields other than
     * IPVS's remote checksum offload.
     */
    DROP_GUE_UNSUPPORTED,
    /** Dropped: a GUE data message whose protocol is neither 4 (IPv4) nor 41 (IPv6). */
    DROP_GUE_PROTOCOL,
    /**
     * Dropped: the extension fields run past the datagram, or their checksum range is outside the
     * inner packet's transport header and payload.
     */
    DROP_GUE_BAD_OPTION,
    /** Dropped: from a source that is not one of the allowed directors. */
    DROP_UNKNOWN_SOURCE,
    /** Dropped: writing the inner packet into the TUN device failed. */
    DROP_TUN_WRITE,
    /** Receive calls that failed with an error other than "try again". */
    RECEIVE_ERRORS,
    /** Packets the kernel routed out of the TUN device, read and discarded. */
    TUN_DISCARDED
}

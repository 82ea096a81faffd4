package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ICMPv6 (RFC 4443) header, in network byte order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Rest of header (MTU of a "packet too big")          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Error messages: as much of the invoking packet as fits      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Destination unreachable (1), packet too big (2), time exceeded (3) and parameter problem (4) messages quote the IP header and at least the first 8 bytes of the transport header of the
 * packet that caused them, starting at {@link #QUOTE_OFFSET}; IPVS relays such errors (for
 * example "fragmentation needed") to the real server of the quoted connection. Not
 * thread-safe; no method allocates.
 */
public final class Icmpv6Header {

    /** Offset of the type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the code. */
    public static final int CODE_OFFSET = 1;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 2;
    /** Offset of the 4-byte rest of the header. */
    public static final int REST_OFFSET = 4;
    /** Offset of the MTU field of a "too big" error. */
    public static final int MTU_OFFSET = 4;
    /** Offset of the quoted packet in error messages. */
    public static final int QUOTE_OFFSET = 8;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;
    /** Type: destination unreachable. */
    public static final int TYPE_DESTINATION_UNREACHABLE = 1;
    /** Type: packet too big. */
    public static final int TYPE_PACKET_TOO_BIG = 2;
    /** Type: time exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 3;
    /** Type: echo request. */
    public static final int TYPE_ECHO_REQUEST = 128;
    /** Type: echo reply. */
    public static final int TYPE_ECHO_REPLY = 129;
    /** Type: neighbor solicitation. */
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    /** Type: neighbor advertisement. */
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public Icmpv6Header() {
    }

    /**
     * Points this flyweight at a header.
     *
     * @param segment the frame's memory
     * @param offset where the header starts
     * @return this
     */
    public Icmpv6Header wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /** @return where the header starts */
    public long offset() {
        return offset;
    }

    /**
     * Checks that the header fits.
     *
     * @param messageLength bytes of the message, header and data
     * @return {@link DropReason#NONE} or {@link DropReason#ICMP_TRUNCATED}
     */
    public DropReason validate(long messageLength) {
        return messageLength < HEADER_LENGTH ? DropReason.ICMP_TRUNCATED : DropReason.NONE;
    }

    /** @return the type */
    public int type() {
        return u8(segment, offset + TYPE_OFFSET);
    }

    /**
     * Sets the type.
     *
     * @param type the type
     * @return this
     */
    public Icmpv6Header type(int type) {
        u8(segment, offset + TYPE_OFFSET, type);
        return this;
    }

    /** @return the code */
    public int code() {
        return u8(segment, offset + CODE_OFFSET);
    }

    /**
     * Sets the code.
     *
     * @param code the code
     * @return this
     */
    public Icmpv6Header code(int code) {
        u8(segment, offset + CODE_OFFSET, code);
        return this;
    }

    /** @return the checksum */
    public int checksum() {
        return u16(segment, offset + CHECKSUM_OFFSET);
    }

    /**
     * Sets the checksum.
     *
     * @param checksum the checksum
     * @return this
     */
    public Icmpv6Header checksum(int checksum) {
        u16(segment, offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** @return the 4 bytes after the checksum */
    public int rest() {
        return u32(segment, offset + REST_OFFSET);
    }

    /**
     * Sets the 4 bytes after the checksum.
     *
     * @param rest the value
     * @return this
     */
    public Icmpv6Header rest(int rest) {
        u32(segment, offset + REST_OFFSET, rest);
        return this;
    }

    /** @return the MTU of a "too big" error */
    public int mtu() {
        return u32(segment, offset + MTU_OFFSET);
    }

    /**
     * Sets the MTU of a "too big" error.
     *
     * @param mtu the MTU
     * @return this
     */
    public Icmpv6Header mtu(int mtu) {
        u32(segment, offset + MTU_OFFSET, mtu);
        return this;
    }

    /** @return true if this message is an error that quotes a packet */
    public boolean isError() {
        int type = type();
        return type >= TYPE_DESTINATION_UNREACHABLE && type <= 4;
    }

    /** @return the absolute offset of the quoted packet */
    public long quoteOffset() {
        return offset + QUOTE_OFFSET;
    }

    /**
     * Computes and stores the checksum, which covers the IPv6 pseudo-header.
     *
     * @param ipOffset where the IPv6 header starts
     * @param messageLength the message's length
     * @return this
     */
    public Icmpv6Header updateChecksum(long ipOffset, int messageLength) {
        return checksum(Checksums.transportIpv6(segment, ipOffset, offset, messageLength,
                Ipv6Header.NEXT_ICMPV6, CHECKSUM_OFFSET));
    }
}

package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ICMP (RFC 792) header, in network byte order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Rest of header (unused, then next-hop MTU for code 4)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Error messages: as much of the invoking packet as fits      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Destination unreachable (3), source quench (4), time exceeded (11) and parameter problem (12) messages quote the IP header and at least the first 8 bytes of the transport header of the
 * packet that caused them, starting at {@link #QUOTE_OFFSET}; IPVS relays such errors (for
 * example "fragmentation needed") to the real server of the quoted connection. Not
 * thread-safe; no method allocates.
 */
public final class IcmpHeader {

    /** Offset of the type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the code. */
    public static final int CODE_OFFSET = 1;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 2;
    /** Offset of the 4-byte rest of the header. */
    public static final int REST_OFFSET = 4;
    /** Offset of the MTU field of a "too big" error. */
    public static final int MTU_OFFSET = 6;
    /** Offset of the quoted packet in error messages. */
    public static final int QUOTE_OFFSET = 8;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;
    /** Type: echo reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** Type: destination unreachable. */
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    /** Type: echo request. */
    public static final int TYPE_ECHO_REQUEST = 8;
    /** Type: time exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Destination-unreachable code: fragmentation needed and DF set (RFC 1191). */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public IcmpHeader() {
    }

    /**
     * Points this flyweight at a header.
     *
     * @param segment the frame's memory
     * @param offset where the header starts
     * @return this
     */
    public IcmpHeader wrap(MemorySegment segment, long offset) {
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
    public IcmpHeader type(int type) {
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
    public IcmpHeader code(int code) {
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
    public IcmpHeader checksum(int checksum) {
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
    public IcmpHeader rest(int rest) {
        u32(segment, offset + REST_OFFSET, rest);
        return this;
    }

    /** @return the MTU of a "too big" error */
    public int mtu() {
        return u16(segment, offset + MTU_OFFSET);
    }

    /**
     * Sets the MTU of a "too big" error.
     *
     * @param mtu the MTU
     * @return this
     */
    public IcmpHeader mtu(int mtu) {
        u16(segment, offset + MTU_OFFSET, mtu);
        return this;
    }

    /** @return true if this message is an error that quotes a packet */
    public boolean isError() {
        int type = type();
        return type == TYPE_DESTINATION_UNREACHABLE || type == 4 || type == TYPE_TIME_EXCEEDED || type == 12;
    }

    /** @return the absolute offset of the quoted packet */
    public long quoteOffset() {
        return offset + QUOTE_OFFSET;
    }

    /**
     * Computes and stores the checksum over the whole message.
     *
     * @param messageLength the message's length
     * @return this
     */
    public IcmpHeader updateChecksum(int messageLength) {
        long sum = Checksums.add(segment, offset, messageLength, 0) - checksum();
        return checksum(Checksums.finish(sum));
    }
}

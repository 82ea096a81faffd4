package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an IPv4 header (RFC 791), options included, in network byte order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Flags: bit 0 reserved, bit 1 DF (don't fragment), bit 2 MF (more fragments). Addresses are
 * returned as {@code int}s whose high byte is the first dotted byte. Not thread-safe; no
 * method allocates.
 */
public final class Ipv4Header {

    /** Offset of version and IHL. */
    public static final int VERSION_IHL_OFFSET = 0;
    /** Offset of the type of service (DSCP and ECN). */
    public static final int TOS_OFFSET = 1;
    /** Offset of the total length. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** Offset of the identification. */
    public static final int IDENTIFICATION_OFFSET = 4;
    /** Offset of flags and fragment offset. */
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    /** Offset of the time to live. */
    public static final int TTL_OFFSET = 8;
    /** Offset of the protocol. */
    public static final int PROTOCOL_OFFSET = 9;
    /** Offset of the header checksum. */
    public static final int CHECKSUM_OFFSET = 10;
    /** Offset of the source address. */
    public static final int SOURCE_OFFSET = 12;
    /** Offset of the destination address. */
    public static final int DESTINATION_OFFSET = 16;
    /** Offset of the first option. */
    public static final int OPTIONS_OFFSET = 20;
    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** The don't-fragment flag within the flags/fragment-offset word. */
    public static final int FLAG_DF = 0x4000;
    /** The more-fragments flag within the flags/fragment-offset word. */
    public static final int FLAG_MF = 0x2000;
    /** IP protocol number of ICMP. */
    public static final int PROTOCOL_ICMP = 1;
    /** IP protocol number of IP-in-IP. */
    public static final int PROTOCOL_IPIP = 4;
    /** IP protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** IP protocol number of UDP. */
    public static final int PROTOCOL_UDP = 17;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public Ipv4Header() {
    }

    /**
     * Points this flyweight at a header.
     *
     * @param segment the frame's memory
     * @param offset where the IPv4 header starts
     * @return this
     */
    public Ipv4Header wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /** @return the wrapped memory */
    public MemorySegment segment() {
        return segment;
    }

    /** @return where the header starts */
    public long offset() {
        return offset;
    }

    /**
     * Checks version, header length, total length against the bytes present, and the header
     * checksum. Bytes after the total length (Ethernet padding) are allowed.
     *
     * @param available bytes from the header's start to the end of the frame
     * @param verifyChecksum whether to verify the header checksum
     * @return {@link DropReason#NONE} or why the header is unusable
     */
    public DropReason validate(long available, boolean verifyChecksum) {
        if (available < MIN_HEADER_LENGTH) {
            return DropReason.IPV4_TRUNCATED;
        }
        if (version() != 4) {
            return DropReason.IPV4_BAD_VERSION;
        }
        int headerLength = headerLength();
        int totalLength = totalLength();
        if (headerLength < MIN_HEADER_LENGTH || headerLength > totalLength) {
            return DropReason.IPV4_BAD_HEADER_LENGTH;
        }
        if (totalLength > available) {
            return DropReason.IPV4_TRUNCATED;
        }
        if (verifyChecksum && !Checksums.ipv4HeaderValid(segment, offset, headerLength)) {
            return DropReason.IPV4_BAD_CHECKSUM;
        }
        return DropReason.NONE;
    }

    /** @return the version field, 4 for a valid header */
    public int version() {
        return u8(segment, offset) >>> 4;
    }

    /** @return the header length in bytes (IHL times 4), options included */
    public int headerLength() {
        return (u8(segment, offset) & 0x0F) << 2;
    }

    /**
     * Sets version 4 and the header length.
     *
     * @param bytes the header length in bytes, a multiple of 4 from 20 to 60
     * @return this
     */
    public Ipv4Header versionAndHeaderLength(int bytes) {
        u8(segment, offset, 0x40 | (bytes >>> 2));
        return this;
    }

    /** @return the type of service byte */
    public int tos() {
        return u8(segment, offset + TOS_OFFSET);
    }

    /**
     * Sets the type of service byte.
     *
     * @param tos the byte
     * @return this
     */
    public Ipv4Header tos(int tos) {
        u8(segment, offset + TOS_OFFSET, tos);
        return this;
    }

    /** @return the total length, header and payload */
    public int totalLength() {
        return u16(segment, offset + TOTAL_LENGTH_OFFSET);
    }

    /**
     * Sets the total length.
     *
     * @param length header and payload bytes
     * @return this
     */
    public Ipv4Header totalLength(int length) {
        u16(segment, offset + TOTAL_LENGTH_OFFSET, length);
        return this;
    }

    /** @return the identification */
    public int identification() {
        return u16(segment, offset + IDENTIFICATION_OFFSET);
    }

    /**
     * Sets the identification.
     *
     * @param id the identification
     * @return this
     */
    public Ipv4Header identification(int id) {
        u16(segment, offset + IDENTIFICATION_OFFSET, id);
        return this;
    }

    /** @return the flags and fragment offset word */
    public int flagsAndFragmentOffset() {
        return u16(segment, offset + FLAGS_FRAGMENT_OFFSET);
    }

    /**
     * Sets the flags and fragment offset word.
     *
     * @param word flags in the top 3 bits, the offset in 8-byte units below
     * @return this
     */
    public Ipv4Header flagsAndFragmentOffset(int word) {
        u16(segment, offset + FLAGS_FRAGMENT_OFFSET, word);
        return this;
    }

    /** @return true if the don't-fragment flag is set */
    public boolean dontFragment() {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    /** @return true if the more-fragments flag is set */
    public boolean moreFragments() {
        return (flagsAndFragmentOffset() & FLAG_MF) != 0;
    }

    /** @return the fragment offset in bytes */
    public int fragmentOffset() {
        return (flagsAndFragmentOffset() & 0x1FFF) << 3;
    }

    /** @return true if this packet is a fragment (offset above 0 or more fragments follow) */
    public boolean isFragment() {
        return (flagsAndFragmentOffset() & (FLAG_MF | 0x1FFF)) != 0;
    }

    /** @return the time to live */
    public int ttl() {
        return u8(segment, offset + TTL_OFFSET);
    }

    /**
     * Sets the time to live.
     *
     * @param ttl the time to live
     * @return this
     */
    public Ipv4Header ttl(int ttl) {
        u8(segment, offset + TTL_OFFSET, ttl);
        return this;
    }

    /** @return the protocol of the payload */
    public int protocol() {
        return u8(segment, offset + PROTOCOL_OFFSET);
    }

    /**
     * Sets the protocol of the payload.
     *
     * @param protocol an IP protocol number
     * @return this
     */
    public Ipv4Header protocol(int protocol) {
        u8(segment, offset + PROTOCOL_OFFSET, protocol);
        return this;
    }

    /** @return the header checksum */
    public int checksum() {
        return u16(segment, offset + CHECKSUM_OFFSET);
    }

    /**
     * Sets the header checksum.
     *
     * @param checksum the checksum
     * @return this
     */
    public Ipv4Header checksum(int checksum) {
        u16(segment, offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /**
     * Computes and stores the header checksum over the whole header.
     *
     * @return this
     */
    public Ipv4Header updateChecksum() {
        return checksum(Checksums.ipv4Header(segment, offset, headerLength()));
    }

    /** @return the source address */
    public int source() {
        return u32(segment, offset + SOURCE_OFFSET);
    }

    /**
     * Sets the source address, leaving the checksum as it is.
     *
     * @param address the address
     * @return this
     */
    public Ipv4Header source(int address) {
        u32(segment, offset + SOURCE_OFFSET, address);
        return this;
    }

    /** @return the destination address */
    public int destination() {
        return u32(segment, offset + DESTINATION_OFFSET);
    }

    /**
     * Sets the destination address, leaving the checksum as it is.
     *
     * @param address the address
     * @return this
     */
    public Ipv4Header destination(int address) {
        u32(segment, offset + DESTINATION_OFFSET, address);
        return this;
    }

    /**
     * Rewrites the source address and updates the header checksum incrementally (RFC 1624).
     *
     * @param address the new address
     * @return this
     */
    public Ipv4Header rewriteSource(int address) {
        int old = source();
        source(address);
        return checksum(Checksums.update32(checksum(), old, address));
    }

    /**
     * Rewrites the destination address and updates the header checksum incrementally.
     *
     * @param address the new address
     * @return this
     */
    public Ipv4Header rewriteDestination(int address) {
        int old = destination();
        destination(address);
        return checksum(Checksums.update32(checksum(), old, address));
    }

    /**
     * Decrements the time to live and updates the checksum incrementally.
     *
     * @return this
     */
    public Ipv4Header decrementTtl() {
        int oldWord = u16(segment, offset + TTL_OFFSET);
        int ttl = ttl();
        ttl(ttl - 1);
        return checksum(Checksums.update16(checksum(), oldWord, u16(segment, offset + TTL_OFFSET)));
    }
}

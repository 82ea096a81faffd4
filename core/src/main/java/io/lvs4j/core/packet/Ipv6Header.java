package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an IPv6 header (RFC 8200) and the walk of its common extension headers, in
 * network byte order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Source Address (128 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Destination Address (128 bits)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Extension headers walked by {@link #validate(long)}: hop-by-hop options (0), routing (43),
 * fragment (44), destination options (60), each with the generic layout
 * {@code next header (1), length in 8-byte units not counting the first (1), data}; and the
 * authentication header (51), whose length counts 4-byte units minus 2. After a successful
 * walk {@link #upperLayerProtocol()} and {@link #upperLayerOffset()} tell where the transport
 * header is. A non-first fragment carries no transport header. Not thread-safe; no method
 * allocates.
 */
public final class Ipv6Header {

    /** Offset of version, traffic class and flow label. */
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    /** Offset of the payload length. */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Offset of the next header. */
    public static final int NEXT_HEADER_OFFSET = 6;
    /** Offset of the hop limit. */
    public static final int HOP_LIMIT_OFFSET = 7;
    /** Offset of the source address. */
    public static final int SOURCE_OFFSET = 8;
    /** Offset of the destination address. */
    public static final int DESTINATION_OFFSET = 24;
    /** Length of the fixed header. */
    public static final int HEADER_LENGTH = 40;
    /** Next header: hop-by-hop options. */
    public static final int NEXT_HOP_BY_HOP = 0;
    /** Next header: routing. */
    public static final int NEXT_ROUTING = 43;
    /** Next header: fragment. */
    public static final int NEXT_FRAGMENT = 44;
    /** Next header: authentication header. */
    public static final int NEXT_AUTH = 51;
    /** Next header: destination options. */
    public static final int NEXT_DESTINATION_OPTIONS = 60;
    /** Next header: ICMPv6. */
    public static final int NEXT_ICMPV6 = 58;
    /** Next header: no next header. */
    public static final int NEXT_NONE = 59;
    /** The most extension headers the walk accepts. */
    public static final int MAX_EXTENSION_HEADERS = 8;

    private MemorySegment segment;
    private long offset;
    private int upperProtocol;
    private long upperOffset;
    private int fragmentWord;
    private boolean hasFragmentHeader;

    /** Creates an unwrapped flyweight. */
    public Ipv6Header() {
    }

    /**
     * Points this flyweight at a header.
     *
     * @param segment the frame's memory
     * @param offset where the IPv6 header starts
     * @return this
     */
    public Ipv6Header wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        this.upperProtocol = -1;
        this.upperOffset = -1;
        this.hasFragmentHeader = false;
        this.fragmentWord = 0;
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
     * Checks version and payload length, then walks the extension headers.
     *
     * @param available bytes from the header's start to the end of the frame
     * @return {@link DropReason#NONE} or why the packet is unusable
     */
    public DropReason validate(long available) {
        if (available < HEADER_LENGTH) {
            return DropReason.IPV6_TRUNCATED;
        }
        if (version() != 6) {
            return DropReason.IPV6_BAD_VERSION;
        }
        if (HEADER_LENGTH + (long) payloadLength() > available) {
            return DropReason.IPV6_TRUNCATED;
        }
        return walk(offset + HEADER_LENGTH + payloadLength());
    }

    /**
     * Checks the version and walks the extension headers of a packet quoted by an ICMPv6
     * error, where the payload length describes the original packet rather than the quote.
     *
     * @param available bytes of the quote from the header's start
     * @return {@link DropReason#NONE} or why the quoted packet is unusable
     */
    public DropReason validateQuoted(long available) {
        if (available < HEADER_LENGTH) {
            return DropReason.IPV6_TRUNCATED;
        }
        if (version() != 6) {
            return DropReason.IPV6_BAD_VERSION;
        }
        return walk(offset + available);
    }

    private DropReason walk(long end) {
        int next = nextHeader();
        long at = offset + HEADER_LENGTH;
        for (int count = 0; ; count++) {
            boolean generic = next == NEXT_HOP_BY_HOP || next == NEXT_ROUTING
                    || next == NEXT_DESTINATION_OPTIONS;
            if (!generic && next != NEXT_FRAGMENT && next != NEXT_AUTH) {
                break;
            }
            if (count == MAX_EXTENSION_HEADERS) {
                return DropReason.IPV6_TOO_MANY_EXTENSION_HEADERS;
            }
            if (next == NEXT_HOP_BY_HOP && count != 0) {
                return DropReason.IPV6_BAD_EXTENSION_HEADER;
            }
            if (at + 8 > end) {
                return DropReason.IPV6_BAD_EXTENSION_HEADER;
            }
            int length;
            if (next == NEXT_FRAGMENT) {
                length = 8;
                hasFragmentHeader = true;
                fragmentWord = u16(segment, at + 2);
            } else if (next == NEXT_AUTH) {
                length = (u8(segment, at + 1) + 2) << 2;
            } else {
                length = (u8(segment, at + 1) + 1) << 3;
            }
            if (at + length > end) {
                return DropReason.IPV6_BAD_EXTENSION_HEADER;
            }
            next = u8(segment, at);
            at += length;
        }
        upperProtocol = next;
        upperOffset = at;
        return DropReason.NONE;
    }

    /** @return the version field, 6 for a valid header */
    public int version() {
        return u8(segment, offset) >>> 4;
    }

    /**
     * Sets version 6, a traffic class and a flow label.
     *
     * @param trafficClass the traffic class byte
     * @param flowLabel the 20-bit flow label
     * @return this
     */
    public Ipv6Header versionClassFlow(int trafficClass, int flowLabel) {
        u32(segment, offset, (6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF));
        return this;
    }

    /** @return the payload length, extension headers included */
    public int payloadLength() {
        return u16(segment, offset + PAYLOAD_LENGTH_OFFSET);
    }

    /**
     * Sets the payload length.
     *
     * @param length bytes after the fixed header
     * @return this
     */
    public Ipv6Header payloadLength(int length) {
        u16(segment, offset + PAYLOAD_LENGTH_OFFSET, length);
        return this;
    }

    /** @return the next header of the fixed header */
    public int nextHeader() {
        return u8(segment, offset + NEXT_HEADER_OFFSET);
    }

    /**
     * Sets the next header of the fixed header.
     *
     * @param next a next-header number
     * @return this
     */
    public Ipv6Header nextHeader(int next) {
        u8(segment, offset + NEXT_HEADER_OFFSET, next);
        return this;
    }

    /** @return the hop limit */
    public int hopLimit() {
        return u8(segment, offset + HOP_LIMIT_OFFSET);
    }

    /**
     * Sets the hop limit.
     *
     * @param limit the hop limit
     * @return this
     */
    public Ipv6Header hopLimit(int limit) {
        u8(segment, offset + HOP_LIMIT_OFFSET, limit);
        return this;
    }

    /** @return the absolute offset of the source address in the segment */
    public long sourceOffset() {
        return offset + SOURCE_OFFSET;
    }

    /** @return the absolute offset of the destination address in the segment */
    public long destinationOffset() {
        return offset + DESTINATION_OFFSET;
    }

    /**
     * Copies an address into the source field.
     *
     * @param from memory holding 16 address bytes
     * @param fromOffset where they start
     * @return this
     */
    public Ipv6Header source(MemorySegment from, long fromOffset) {
        MemorySegment.copy(from, fromOffset, segment, offset + SOURCE_OFFSET, 16);
        return this;
    }

    /**
     * Copies an address into the destination field.
     *
     * @param from memory holding 16 address bytes
     * @param fromOffset where they start
     * @return this
     */
    public Ipv6Header destination(MemorySegment from, long fromOffset) {
        MemorySegment.copy(from, fromOffset, segment, offset + DESTINATION_OFFSET, 16);
        return this;
    }

    /** @return the transport protocol after the extension headers; valid after validate */
    public int upperLayerProtocol() {
        return upperProtocol;
    }

    /** @return the absolute offset of the transport header; valid after validate */
    public long upperLayerOffset() {
        return upperOffset;
    }

    /** @return the transport length (payload minus extension headers); valid after validate */
    public int upperLayerLength() {
        return (int) (offset + HEADER_LENGTH + payloadLength() - upperOffset);
    }

    /** @return true if a fragment header was found; valid after validate */
    public boolean isFragment() {
        return hasFragmentHeader && (fragmentWord & 0xFFF9) != 0;
    }

    /** @return the fragment offset in bytes, 0 when not fragmented; valid after validate */
    public int fragmentOffset() {
        return hasFragmentHeader ? fragmentWord & 0xFFF8 : 0;
    }
}

package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u48;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ICMPv6 neighbour solicitation (type 135) or neighbour advertisement
 * (type 136) of Neighbor Discovery (RFC 4861 sections 4.3, 4.4 and 4.6.1), in network byte
 * order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type 135/136 |    Code (0)   |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|S|O|          Reserved (NA flags; all reserved in an NS)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Target Address (128 bits)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Options: Type (1 source, 2 target link-layer address),      |
 * |   Length in units of 8 bytes, then for Ethernet the 6-byte MAC |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * {@link #validate} applies the receive checks of RFC 4861 sections 7.1.1 and 7.1.2 in order
 * and reports the first that fails as a {@link DropReason}; after it passes, the link-layer
 * address options are found by {@link #sourceLinkLayer()} and {@link #targetLinkLayer()}.
 * {@link NdpFrames} writes whole frames of these messages. Not thread-safe; no method
 * allocates.
 */
public final class NdpMessage {

    /** Offset of the type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the code. */
    public static final int CODE_OFFSET = 1;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 2;
    /** Offset of the flags word (R, S, O of an advertisement; reserved in a solicitation). */
    public static final int FLAGS_OFFSET = 4;
    /** Offset of the target address. */
    public static final int TARGET_OFFSET = 8;
    /** Offset of the first option. */
    public static final int OPTIONS_OFFSET = 24;
    /** Length of a message without options. */
    public static final int MIN_LENGTH = 24;
    /** Option type: source link-layer address. */
    public static final int OPTION_SOURCE_LINK_LAYER = 1;
    /** Option type: target link-layer address. */
    public static final int OPTION_TARGET_LINK_LAYER = 2;
    /** Length in bytes of a link-layer address option for Ethernet. */
    public static final int LINK_LAYER_OPTION_LENGTH = 8;
    /** Advertisement flag R: the sender is a router. */
    public static final int FLAG_ROUTER = 0x8000_0000;
    /** Advertisement flag S: sent in answer to a solicitation. */
    public static final int FLAG_SOLICITED = 0x4000_0000;
    /** Advertisement flag O: the link-layer address overrides a cached one. */
    public static final int FLAG_OVERRIDE = 0x2000_0000;
    /** The hop limit every Neighbor Discovery message is sent with and must arrive with. */
    public static final int HOP_LIMIT = 255;
    /** What the link-layer address accessors return when the option is absent. */
    public static final long NO_ADDRESS = -1L;

    private MemorySegment segment;
    private long offset;
    private long sourceLinkLayer = NO_ADDRESS;
    private long targetLinkLayer = NO_ADDRESS;

    /** Creates an unwrapped flyweight. */
    public NdpMessage() {
    }

    /**
     * Points this flyweight at a message and forgets the options found before.
     *
     * @param segment the frame's memory
     * @param offset where the ICMPv6 header starts
     * @return this
     */
    public NdpMessage wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        this.sourceLinkLayer = NO_ADDRESS;
        this.targetLinkLayer = NO_ADDRESS;
        return this;
    }

    /**
     * Checks a received solicitation or advertisement as RFC 4861 requires: hop limit 255,
     * checksum, code 0, at least 24 bytes, options of non-zero length within the message, a
     * target that is not multicast; for a solicitation from the unspecified address
     * (duplicate address detection), a solicited-node destination and no source link-layer
     * option; for an advertisement to a multicast address, the S flag clear.
     *
     * @param ip the IPv6 header that carried the message, already validated
     * @param length the ICMPv6 message's length
     * @param verifyChecksum false when the frame's checksum is known to be incomplete (a
     *        local sender's offloaded checksum)
     * @return {@link DropReason#NONE} or the first rule broken
     */
    public DropReason validate(Ipv6Header ip, int length, boolean verifyChecksum) {
        if (ip.hopLimit() != HOP_LIMIT) {
            return DropReason.NDP_BAD_HOP_LIMIT;
        }
        if (length < MIN_LENGTH || code() != 0 || (type() != Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION
                && type() != Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT)) {
            return DropReason.NDP_MALFORMED;
        }
        if (verifyChecksum && Checksums.finish(Checksums.add(segment, offset, length,
                pseudoHeaderSum(ip, length))) != 0) {
            return DropReason.NDP_BAD_CHECKSUM;
        }
        long at = offset + OPTIONS_OFFSET;
        long end = offset + length;
        while (at < end) {
            if (at + 2 > end) {
                return DropReason.NDP_MALFORMED;
            }
            int optionLength = u8(segment, at + 1) << 3;
            if (optionLength == 0 || at + optionLength > end) {
                return DropReason.NDP_MALFORMED;
            }
            int type = u8(segment, at);
            if (optionLength == LINK_LAYER_OPTION_LENGTH) {
                if (type == OPTION_SOURCE_LINK_LAYER) {
                    sourceLinkLayer = u48(segment, at + 2);
                } else if (type == OPTION_TARGET_LINK_LAYER) {
                    targetLinkLayer = u48(segment, at + 2);
                }
            }
            at += optionLength;
        }
        if (isMulticast(segment, targetOffset())) {
            return DropReason.NDP_INVALID;
        }
        if (isSolicitation()) {
            if (isUnspecified(ip.segment(), ip.sourceOffset())
                    && (!isSolicitedNode(ip.segment(), ip.destinationOffset()) || sourceLinkLayer != NO_ADDRESS)) {
                return DropReason.NDP_INVALID;
            }
        } else if (solicited() && isMulticast(ip.segment(), ip.destinationOffset())) {
            return DropReason.NDP_INVALID;
        }
        return DropReason.NONE;
    }

    private long pseudoHeaderSum(Ipv6Header ip, int length) {
        long sum = Checksums.add(ip.segment(), ip.sourceOffset(), 32, 0);
        return sum + Ipv6Header.NEXT_ICMPV6 + (length >>> 16) + (length & 0xFFFF);
    }

    /** @return where the message starts */
    public long offset() {
        return offset;
    }

    /** @return the ICMPv6 type */
    public int type() {
        return u8(segment, offset + TYPE_OFFSET);
    }

    /** @return true for a neighbour solicitation */
    public boolean isSolicitation() {
        return type() == Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION;
    }

    /** @return true for a neighbour advertisement */
    public boolean isAdvertisement() {
        return type() == Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT;
    }

    /** @return the code, 0 in a valid message */
    public int code() {
        return u8(segment, offset + CODE_OFFSET);
    }

    /** @return the checksum as stored */
    public int checksum() {
        return u16(segment, offset + CHECKSUM_OFFSET);
    }

    /** @return the flags word: {@link #FLAG_ROUTER}, {@link #FLAG_SOLICITED}, {@link #FLAG_OVERRIDE} */
    public int flags() {
        return u32(segment, offset + FLAGS_OFFSET);
    }

    /** @return true if the R flag is set */
    public boolean router() {
        return (flags() & FLAG_ROUTER) != 0;
    }

    /** @return true if the S flag is set */
    public boolean solicited() {
        return (flags() & FLAG_SOLICITED) != 0;
    }

    /** @return true if the O flag is set */
    public boolean override() {
        return (flags() & FLAG_OVERRIDE) != 0;
    }

    /** @return the absolute offset of the 16-byte target address */
    public long targetOffset() {
        return offset + TARGET_OFFSET;
    }

    /** @return the MAC of the source link-layer address option, {@link #NO_ADDRESS} if absent; valid after validate */
    public long sourceLinkLayer() {
        return sourceLinkLayer;
    }

    /** @return the MAC of the target link-layer address option, {@link #NO_ADDRESS} if absent; valid after validate */
    public long targetLinkLayer() {
        return targetLinkLayer;
    }

    /**
     * Tells whether an IPv6 address is multicast ({@code ff00::/8}).
     *
     * @param segment the memory
     * @param offset where the 16 address bytes start
     * @return true if multicast
     */
    public static boolean isMulticast(MemorySegment segment, long offset) {
        return u8(segment, offset) == 0xFF;
    }

    /**
     * Tells whether an IPv6 address is the unspecified address {@code ::}.
     *
     * @param segment the memory
     * @param offset where the 16 address bytes start
     * @return true if all zero
     */
    public static boolean isUnspecified(MemorySegment segment, long offset) {
        return segment.get(NetworkOrder.U64, offset) == 0 && segment.get(NetworkOrder.U64, offset + 8) == 0;
    }

    /**
     * Tells whether an IPv6 address is a solicited-node multicast address
     * ({@code ff02::1:ff00:0/104}).
     *
     * @param segment the memory
     * @param offset where the 16 address bytes start
     * @return true if it is one
     */
    public static boolean isSolicitedNode(MemorySegment segment, long offset) {
        return segment.get(NetworkOrder.U64, offset) == 0xFF02_0000_0000_0000L
                && (segment.get(NetworkOrder.U64, offset + 8) & 0xFFFF_FFFF_FF00_0000L) == 0x0000_0001_FF00_0000L;
    }
}

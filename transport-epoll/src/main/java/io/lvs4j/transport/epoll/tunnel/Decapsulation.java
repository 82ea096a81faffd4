package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.core.packet.Checksums;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.Ipv6Header;

import java.lang.foreign.MemorySegment;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

/**
 * Checks a received tunnel packet and finds the inner IP packet in it, as the sockets of a
 * {@link TunnelDecapsulator} hand them over:
 * <ul>
 * <li>{@link #ipip} (raw IPv4 socket of protocol 4): the outer IPv4 header, then an IPv4 packet;
 * <li>{@link #ip6ip6} (raw IPv6 socket of protocol 41): the inner IPv6 packet alone, the kernel
 *     having removed the outer header;
 * <li>{@link #gue} (UDP socket): the UDP payload, either a GUE version-0 header then the inner
 *     packet, or GUE "variant 1", the inner packet itself (its first two bits, 01, are the
 *     variant).
 * </ul>
 * The GUE version-0 header (draft-ietf-intarea-gue), as Linux IPVS writes it in
 * {@code ipvs_gue_encap} (a 4-byte header, no options unless remote checksum offload is on):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|C|   Hlen  |  Proto/ctype  |             Flags             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Extension fields (Hlen words)                |
 * </pre>
 * A data message (C = 0) with protocol 4 carries IPv4, with 41 IPv6. The one extension accepted
 * is IPVS's remote checksum offload ({@code --tun-flags remcsum}): flag {@code PRIV} (0x0001),
 * Hlen 2, private flags {@code REMCSUM} (0x80000000), then the 16-bit start of the checksummed
 * range and the offset of the checksum field, both counted from the inner packet's start; the
 * inner transport checksum is then completed here, as the kernel's {@code gue_remcsum} does.
 * Control messages and other flags or extension fields are refused.
 *
 * <p>Each check returns {@link DecapCounter#DECAPSULATED} and sets {@link #innerOffset()} and
 * {@link #innerLength()} (the inner packet's own length; bytes after it are ignored), or returns
 * the drop reason. The inner IPv4 header checksum is verified; the check may write the inner
 * transport checksum (remote checksum offload, or a TCP segment merged by GRO: see
 * {@link #checksumCompleted()}) but nothing else. Not thread-safe; allocates
 * nothing.
 */
final class Decapsulation {

    /** GUE protocol of an inner IPv4 packet (IP-in-IP). */
    static final int GUE_PROTOCOL_IPV4 = 4;
    /** GUE protocol of an inner IPv6 packet. */
    static final int GUE_PROTOCOL_IPV6 = 41;
    /** Length of the GUE version-0 header without extension fields. */
    static final int GUE_HEADER_LENGTH = 4;
    private static final int TCP_MIN_HEADER_LENGTH = 20;
    private static final int TCP_CHECKSUM_OFFSET = 16;
    /** GUE flag: a 4-byte private-flags field follows the header. */
    static final int GUE_FLAG_PRIV = 0x0001;
    /** Private flag: remote checksum offload, a 4-byte field of start and offset follows. */
    static final int GUE_PFLAG_REMCSUM = 0x80000000;
    /** Hlen of IPVS's remote checksum offload: private flags and the start/offset field. */
    static final int REMCSUM_WORDS = 2;

    private long innerOffset;
    private int innerLength;
    private boolean checksumCompleted;

    /** @return where the inner packet starts, after a successful check */
    long innerOffset() {
        return innerOffset;
    }

    /** @return the inner packet's length, after a successful check */
    int innerLength() {
        return innerLength;
    }

    /** @return whether the last successful check completed the inner transport checksum */
    boolean checksumCompleted() {
        return checksumCompleted;
    }

    /**
     * Checks an IPv4 packet of protocol 4 as a raw IPv4 socket returns it, outer header included.
     *
     * @param s the receive buffer
     * @param offset where the outer header starts
     * @param length the bytes received
     * @return {@link DecapCounter#DECAPSULATED} or the drop reason
     */
    DecapCounter ipip(MemorySegment s, long offset, int length) {
        checksumCompleted = false;
        if (length < Ipv4Header.MIN_HEADER_LENGTH || u8(s, offset) >>> 4 != 4) {
            return DecapCounter.DROP_MALFORMED_OUTER;
        }
        int headerLength = (u8(s, offset) & 0x0F) << 2;
        int totalLength = u16(s, offset + Ipv4Header.TOTAL_LENGTH_OFFSET);
        if (headerLength < Ipv4Header.MIN_HEADER_LENGTH || headerLength > totalLength || totalLength > length
                || u8(s, offset + Ipv4Header.PROTOCOL_OFFSET) != Ipv4Header.PROTOCOL_IPIP) {
            return DecapCounter.DROP_MALFORMED_OUTER;
        }
        DecapCounter result = inner(s, offset + headerLength, totalLength - headerLength, 4);
        if (result == DecapCounter.DECAPSULATED) {
            completeMergedTcp(s, 4);
        }
        return result;
    }

    /**
     * Checks the payload of an IPv6 packet of next header 41 as a raw IPv6 socket returns it.
     *
     * @param s the receive buffer
     * @param offset where the inner packet starts
     * @param length the bytes received
     * @return {@link DecapCounter#DECAPSULATED} or the drop reason
     */
    DecapCounter ip6ip6(MemorySegment s, long offset, int length) {
        checksumCompleted = false;
        DecapCounter result = inner(s, offset, length, 6);
        if (result == DecapCounter.DECAPSULATED) {
            completeMergedTcp(s, 6);
        }
        return result;
    }

    /**
     * Checks the payload of a GUE datagram.
     *
     * @param s the receive buffer
     * @param offset where the UDP payload starts
     * @param length the payload's length
     * @return {@link DecapCounter#DECAPSULATED} or the drop reason
     */
    DecapCounter gue(MemorySegment s, long offset, int length) {
        checksumCompleted = false;
        if (length < 1) {
            return DecapCounter.DROP_GUE_VERSION;
        }
        int first = u8(s, offset);
        switch (first >>> 6) {
            case 0 -> {
                if (length < GUE_HEADER_LENGTH) {
                    return DecapCounter.DROP_GUE_VERSION;
                }
                int words = first & 0x1F;
                int flags = u16(s, offset + 2);
                boolean remoteChecksum = words == REMCSUM_WORDS && flags == GUE_FLAG_PRIV;
                // A data message (C = 0) with no flags, or with exactly IPVS's remote checksum option.
                if ((first & 0x20) != 0 || !(words == 0 && flags == 0 || remoteChecksum)) {
                    return DecapCounter.DROP_GUE_UNSUPPORTED;
                }
                int header = GUE_HEADER_LENGTH + 4 * words;
                if (length < header) {
                    return DecapCounter.DROP_GUE_BAD_OPTION;
                }
                if (remoteChecksum && u32(s, offset + GUE_HEADER_LENGTH) != GUE_PFLAG_REMCSUM) {
                    return DecapCounter.DROP_GUE_UNSUPPORTED;
                }
                int protocol = u8(s, offset + 1);
                int version = protocol == GUE_PROTOCOL_IPV4 ? 4 : protocol == GUE_PROTOCOL_IPV6 ? 6 : 0;
                if (version == 0) {
                    return DecapCounter.DROP_GUE_PROTOCOL;
                }
                DecapCounter result = inner(s, offset + header, length - header, version);
                if (result != DecapCounter.DECAPSULATED || !remoteChecksum) {
                    return result;
                }
                long option = offset + GUE_HEADER_LENGTH + 4;
                return completeChecksum(s, u16(s, option), u16(s, option + 2));
            }
            case 1 -> {
                int version = first >>> 4;
                if (version != 4 && version != 6) {
                    return DecapCounter.DROP_WRONG_INNER_VERSION;
                }
                return inner(s, offset, length, version);
            }
            default -> {
                return DecapCounter.DROP_GUE_VERSION;
            }
        }
    }

    /**
     * Completes the inner transport checksum that the director left partial (remote checksum
     * offload): the field holds the pseudo-header sum, and the checksum of the bytes from
     * {@code start} to the end, that field included, is the one to store there. The range lies
     * after the inner IP header: a director checksums the transport header and payload, and a
     * write into the IP header, verified already, would change its addresses unchecked.
     */
    private DecapCounter completeChecksum(MemorySegment s, int start, int field) {
        int ipHeader = u8(s, innerOffset) >>> 4 == 4 ? (u8(s, innerOffset) & 0x0F) << 2 : Ipv6Header.HEADER_LENGTH;
        if (start < ipHeader || start >= innerLength || field < start || field + 2 > innerLength) {
            return DecapCounter.DROP_GUE_BAD_OPTION;
        }
        int checksum = Checksums.finish(Checksums.add(s, innerOffset + start, innerLength - start, 0));
        // 0 and 0xFFFF are the same in ones' complement; UDP reserves 0 for "no checksum".
        u16(s, innerOffset + field, checksum == 0 ? 0xFFFF : checksum);
        checksumCompleted = true;
        return DecapCounter.DECAPSULATED;
    }

    /**
     * Completes the TCP checksum of an inner segment that the kernel's GRO merged from several
     * (it does so for IP-in-IP even without the tunnel modules): such a super-segment reaches the
     * raw socket with only the pseudo-header sum in its checksum field, as for a checksum offload,
     * and a TUN device would hand it to TCP as it is, to be dropped. A segment whose checksum
     * verifies is left alone; one that fails and holds exactly its pseudo-header sum gets the
     * checksum computed; any other is left for the kernel to drop and count. Only TCP right after
     * the IP header, and no fragment, is considered.
     */
    private void completeMergedTcp(MemorySegment s, int version) {
        long tcp;
        int tcpLength;
        long pseudo;
        if (version == 4) {
            int headerLength = (u8(s, innerOffset) & 0x0F) << 2;
            if (u8(s, innerOffset + Ipv4Header.PROTOCOL_OFFSET) != Ipv4Header.PROTOCOL_TCP
                    || (u16(s, innerOffset + Ipv4Header.FLAGS_FRAGMENT_OFFSET) & 0x3FFF) != 0) {
                return;
            }
            tcp = innerOffset + headerLength;
            tcpLength = innerLength - headerLength;
            pseudo = Checksums.add(s, innerOffset + Ipv4Header.SOURCE_OFFSET, 8, 0);
        } else {
            if (u8(s, innerOffset + Ipv6Header.NEXT_HEADER_OFFSET) != Ipv4Header.PROTOCOL_TCP) {
                return;
            }
            tcp = innerOffset + Ipv6Header.HEADER_LENGTH;
            tcpLength = innerLength - Ipv6Header.HEADER_LENGTH;
            pseudo = Checksums.add(s, innerOffset + Ipv6Header.SOURCE_OFFSET, 32, 0);
        }
        if (tcpLength < TCP_MIN_HEADER_LENGTH) {
            return;
        }
        pseudo += Ipv4Header.PROTOCOL_TCP + tcpLength;
        long sum = Checksums.add(s, tcp, tcpLength, pseudo);
        if (Checksums.finish(sum) == 0) {
            return;
        }
        int field = u16(s, tcp + TCP_CHECKSUM_OFFSET);
        if (field != (~Checksums.finish(pseudo) & 0xFFFF)) {
            return;
        }
        u16(s, tcp + TCP_CHECKSUM_OFFSET, Checksums.finish(sum - field));
        checksumCompleted = true;
    }

    private DecapCounter inner(MemorySegment s, long offset, int available, int version) {
        if (available < 1) {
            return DecapCounter.DROP_MALFORMED_INNER;
        }
        if (u8(s, offset) >>> 4 != version) {
            return DecapCounter.DROP_WRONG_INNER_VERSION;
        }
        int length;
        if (version == 4) {
            if (available < Ipv4Header.MIN_HEADER_LENGTH) {
                return DecapCounter.DROP_MALFORMED_INNER;
            }
            int headerLength = (u8(s, offset) & 0x0F) << 2;
            length = u16(s, offset + Ipv4Header.TOTAL_LENGTH_OFFSET);
            if (headerLength < Ipv4Header.MIN_HEADER_LENGTH || headerLength > length || length > available
                    || !Checksums.ipv4HeaderValid(s, offset, headerLength)) {
                return DecapCounter.DROP_MALFORMED_INNER;
            }
        } else {
            if (available < Ipv6Header.HEADER_LENGTH) {
                return DecapCounter.DROP_MALFORMED_INNER;
            }
            length = Ipv6Header.HEADER_LENGTH + u16(s, offset + Ipv6Header.PAYLOAD_LENGTH_OFFSET);
            if (length > available) {
                return DecapCounter.DROP_MALFORMED_INNER;
            }
        }
        innerOffset = offset;
        innerLength = length;
        return DecapCounter.DECAPSULATED;
    }
}

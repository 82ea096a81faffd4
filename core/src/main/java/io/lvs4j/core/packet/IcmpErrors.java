package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u48;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Builds the "too big" error a director sends back to a client whose packet no longer fits the
 * tunnel, as IPVS does with {@code icmp_send} and {@code icmpv6_send}: ICMP destination
 * unreachable, fragmentation needed (type 3 code 4, RFC 792 with the next-hop MTU of RFC 1191)
 * for IPv4, ICMPv6 packet too big (type 2, RFC 4443) for IPv6.
 *
 * <p>The reply frame goes back the way the packet came: Ethernet addresses swapped (an 802.1Q
 * tag kept), IP source = the address the packet was sent to (the virtual address, which the
 * director owns), destination = the packet's source. It quotes as much of the offending packet
 * as the RFCs allow: 548 bytes for IPv4, so that the error is at most 576 bytes (RFC 1812
 * 4.3.2.3), 1,232 bytes for IPv6, so that it is at most 1,280 (RFC 4443 2.4 (c)). IPv4 header:
 * TOS of the packet's precedence class "internetwork control" (0xC0) plus its TOS bits, as Linux
 * sends errors, TTL 64, DF clear, identification from a counter; IPv6: traffic class 0, hop
 * limit 64.
 *
 * <p>No error is built about an ICMP error, a non-first fragment, or a packet from an unspecified,
 * multicast or broadcast source (RFC 1122 3.2.2, RFC 4443 2.4 (e)). Not thread-safe (the
 * identification counter): one instance per event loop. Never allocates.
 */
public final class IcmpErrors {

    /** Bytes of the offending IPv4 packet an error quotes at most (576 - 20 - 8). */
    public static final int IPV4_MAX_QUOTE = 576 - Ipv4Header.MIN_HEADER_LENGTH - IcmpHeader.HEADER_LENGTH;
    /** Bytes of the offending IPv6 packet an error quotes at most (1280 - 40 - 8). */
    public static final int IPV6_MAX_QUOTE = 1280 - Ipv6Header.HEADER_LENGTH - Icmpv6Header.HEADER_LENGTH;
    /** The longest frame this class builds: a tagged Ethernet header and a 1,280-byte IPv6 error. */
    public static final int MAX_FRAME = EthernetHeader.TAGGED_HEADER_LENGTH + 1280;
    /** TTL and hop limit of the errors (Linux's default). */
    public static final int HOP_LIMIT = 64;

    private static final int PRECEDENCE_INTERNETWORK_CONTROL = 0xC0;
    private static final int TOS_MASK = 0x1E;

    private int identification;

    /** Creates a builder whose IPv4 identification counter starts at 0. */
    public IcmpErrors() {
    }

    /**
     * Creates a builder whose IPv4 identification counter starts at a given value.
     *
     * @param firstIdentification the identification of the first IPv4 error
     */
    public IcmpErrors(int firstIdentification) {
        this.identification = firstIdentification & 0xFFFF;
    }

    /**
     * Builds an ICMP "fragmentation needed" frame about an IPv4 frame.
     *
     * @param frame a parser that returned {@link DropReason#NONE} for the offending IPv4 frame
     * @param mtu the next-hop MTU to report (the tunnel's: link MTU minus encapsulation)
     * @param out the memory to write the reply frame to
     * @param outOffset where its Ethernet header goes
     * @return the reply frame's length, or 0 if no error is due or {@code out} is too short
     */
    public int fragmentationNeeded(FrameParser frame, int mtu, MemorySegment out, long outOffset) {
        if (frame.ipVersion() != 4 || !firstFragment(frame) || isIcmpError(frame)) {
            return 0;
        }
        MemorySegment in = frame.segment();
        long inIp = frame.l3Offset();
        int client = u32(in, inIp + Ipv4Header.SOURCE_OFFSET);
        int top = client >>> 24;
        if (client == 0 || client == -1 || top >= 224 || top == 0 || top == 127) {
            return 0;
        }
        int l2 = (int) (inIp - frame.ethernet().offset());
        int quote = Math.min(frame.ipv4().totalLength(), IPV4_MAX_QUOTE);
        int ipLength = Ipv4Header.MIN_HEADER_LENGTH + IcmpHeader.HEADER_LENGTH + quote;
        if (outOffset < 0 || outOffset + l2 + ipLength > out.byteSize()) {
            return 0;
        }
        swapEthernet(frame, l2, out, outOffset);
        long ip = outOffset + l2;
        int tos = (u8(in, inIp + Ipv4Header.TOS_OFFSET) & TOS_MASK) | PRECEDENCE_INTERNETWORK_CONTROL;
        long icmp = ip + Ipv4Header.MIN_HEADER_LENGTH;
        // The quote first: out may be the frame's own memory only if it does not overlap.
        MemorySegment.copy(in, inIp, out, icmp + IcmpHeader.QUOTE_OFFSET, quote);
        u32(out, ip, (0x45 << 24) | (tos << 16) | ipLength);
        u32(out, ip + Ipv4Header.IDENTIFICATION_OFFSET, identification << 16);
        identification = (identification + 1) & 0xFFFF;
        u32(out, ip + Ipv4Header.TTL_OFFSET, (HOP_LIMIT << 24) | (Ipv4Header.PROTOCOL_ICMP << 16));
        u32(out, ip + Ipv4Header.SOURCE_OFFSET, u32(in, inIp + Ipv4Header.DESTINATION_OFFSET));
        u32(out, ip + Ipv4Header.DESTINATION_OFFSET, client);
        u16(out, ip + Ipv4Header.CHECKSUM_OFFSET, Checksums.ipv4Header(out, ip, Ipv4Header.MIN_HEADER_LENGTH));
        u32(out, icmp, (IcmpHeader.TYPE_DESTINATION_UNREACHABLE << 24)
                | (IcmpHeader.CODE_FRAGMENTATION_NEEDED << 16));
        u32(out, icmp + IcmpHeader.REST_OFFSET, mtu & 0xFFFF);
        int icmpLength = IcmpHeader.HEADER_LENGTH + quote;
        u16(out, icmp + IcmpHeader.CHECKSUM_OFFSET, Checksums.finish(Checksums.add(out, icmp, icmpLength, 0)));
        return l2 + ipLength;
    }

    /**
     * Builds an ICMPv6 "packet too big" frame about an IPv6 frame.
     *
     * @param frame a parser that returned {@link DropReason#NONE} for the offending IPv6 frame
     * @param mtu the MTU to report (the tunnel's; at least 1,280 on a conforming link)
     * @param out the memory to write the reply frame to
     * @param outOffset where its Ethernet header goes
     * @return the reply frame's length, or 0 if no error is due or {@code out} is too short
     */
    public int packetTooBig(FrameParser frame, int mtu, MemorySegment out, long outOffset) {
        if (frame.ipVersion() != 6 || !firstFragment(frame) || isIcmpError(frame)) {
            return 0;
        }
        MemorySegment in = frame.segment();
        long inIp = frame.l3Offset();
        long source = inIp + Ipv6Header.SOURCE_OFFSET;
        if (u8(in, source) == 0xFF || (in.get(NetworkOrder.U64, source) == 0 && in.get(NetworkOrder.U64, source + 8) == 0)) {
            return 0;
        }
        int l2 = (int) (inIp - frame.ethernet().offset());
        int quote = Math.min(Ipv6Header.HEADER_LENGTH + frame.ipv6().payloadLength(), IPV6_MAX_QUOTE);
        int icmpLength = Icmpv6Header.HEADER_LENGTH + quote;
        if (outOffset < 0 || outOffset + l2 + Ipv6Header.HEADER_LENGTH + icmpLength > out.byteSize()) {
            return 0;
        }
        swapEthernet(frame, l2, out, outOffset);
        long ip = outOffset + l2;
        long icmp = ip + Ipv6Header.HEADER_LENGTH;
        MemorySegment.copy(in, inIp, out, icmp + Icmpv6Header.QUOTE_OFFSET, quote);
        u32(out, ip, 6 << 28);
        u32(out, ip + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (icmpLength << 16) | (Ipv6Header.NEXT_ICMPV6 << 8) | HOP_LIMIT);
        MemorySegment.copy(in, inIp + Ipv6Header.DESTINATION_OFFSET, out, ip + Ipv6Header.SOURCE_OFFSET, 16);
        MemorySegment.copy(in, source, out, ip + Ipv6Header.DESTINATION_OFFSET, 16);
        u32(out, icmp, Icmpv6Header.TYPE_PACKET_TOO_BIG << 24);
        u32(out, icmp + Icmpv6Header.MTU_OFFSET, mtu);
        u16(out, icmp + Icmpv6Header.CHECKSUM_OFFSET, Checksums.transportIpv6(out, ip, icmp, icmpLength,
                Ipv6Header.NEXT_ICMPV6, Icmpv6Header.CHECKSUM_OFFSET));
        return l2 + Ipv6Header.HEADER_LENGTH + icmpLength;
    }

    private static boolean firstFragment(FrameParser frame) {
        return frame.l4Offset() >= 0;
    }

    private static boolean isIcmpError(FrameParser frame) {
        int protocol = frame.protocol();
        if (frame.ipVersion() == 4) {
            return protocol == Ipv4Header.PROTOCOL_ICMP && frame.icmp().isError();
        }
        return protocol == Ipv6Header.NEXT_ICMPV6 && frame.icmpv6().isError();
    }

    /** Copies the received Ethernet header (and tag) with source and destination swapped. */
    private static void swapEthernet(FrameParser frame, int l2, MemorySegment out, long outOffset) {
        MemorySegment in = frame.segment();
        long eth = frame.ethernet().offset();
        MemorySegment.copy(in, eth, out, outOffset, l2);
        u48(out, outOffset + EthernetHeader.DESTINATION_OFFSET, u48(in, eth + EthernetHeader.SOURCE_OFFSET));
        u48(out, outOffset + EthernetHeader.SOURCE_OFFSET, u48(in, eth + EthernetHeader.DESTINATION_OFFSET));
    }
}

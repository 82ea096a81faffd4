package io.lvs4j.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * The rewrite of full-NAT (DPVS's FNAT) on a parsed IPv4 frame: source and destination address
 * and port all replaced in one pass, the IPv4 header checksum and the TCP or UDP checksum
 * updated incrementally (RFC 1624) with one fold each.
 *
 * <p>A frame whose transport checksum is partial ({@code CHECKSUM_PARTIAL}: a sender on the
 * same host, or GRO, left the checksum to be completed on transmit, as a virtio-net header
 * says) holds in its checksum field the folded sum of the pseudo-header only, not complemented;
 * the ports are part of the data that the kernel or the device sums later. For such a frame only
 * the address change is folded into the field, uncomplemented. A UDP checksum of 0 (none) stays
 * 0; a computed 0 is sent as 0xFFFF. Frames without ports (a non-first fragment, ICMP) get their
 * addresses and the header checksum only.
 *
 * <p>Stateless and allocation-free; the parser must have returned {@link DropReason#NONE}.
 */
public final class FullNatRewriter {

    private FullNatRewriter() {
    }

    /**
     * Rewrites all four fields of an IPv4 frame.
     *
     * @param frame a parser positioned on an IPv4 frame
     * @param source the new source address (high byte first)
     * @param sourcePort the new source port (ignored without TCP/UDP)
     * @param destination the new destination address
     * @param destinationPort the new destination port (ignored without TCP/UDP)
     * @param partialChecksum whether the transport checksum is partial (pseudo-header sum only)
     */
    public static void rewriteIpv4(FrameParser frame, int source, int sourcePort, int destination,
            int destinationPort, boolean partialChecksum) {
        MemorySegment s = frame.segment();
        long ip = frame.l3Offset();
        int oldSource = s.get(NetworkOrder.U32, ip + Ipv4Header.SOURCE_OFFSET);
        int oldDestination = s.get(NetworkOrder.U32, ip + Ipv4Header.DESTINATION_OFFSET);
        s.set(NetworkOrder.U32, ip + Ipv4Header.SOURCE_OFFSET, source);
        s.set(NetworkOrder.U32, ip + Ipv4Header.DESTINATION_OFFSET, destination);
        long addressDelta = delta32(oldSource, source) + delta32(oldDestination, destination);
        long ipChecksum = ip + Ipv4Header.CHECKSUM_OFFSET;
        NetworkOrder.u16(s, ipChecksum,
                Checksums.finish((~NetworkOrder.u16(s, ipChecksum) & 0xFFFF) + addressDelta));
        rewritePorts(frame, addressDelta, sourcePort, destinationPort, partialChecksum, true);
    }

    /**
     * Rewrites all four fields of an IPv6 frame: the addresses (IPv6 has no header checksum)
     * and the ports, with the TCP or UDP checksum updated as for IPv4 (partial checksums stay
     * partial; a computed UDP checksum of 0 is sent as 0xFFFF, as IPv6 requires one).
     *
     * @param frame a parser positioned on an IPv6 frame
     * @param source memory holding the new 16-byte source address
     * @param sourceOffset where it starts
     * @param sourcePort the new source port (ignored without TCP/UDP)
     * @param destination memory holding the new 16-byte destination address
     * @param destinationOffset where it starts
     * @param destinationPort the new destination port (ignored without TCP/UDP)
     * @param partialChecksum whether the transport checksum is partial (pseudo-header sum only)
     */
    public static void rewriteIpv6(FrameParser frame, MemorySegment source, long sourceOffset, int sourcePort,
            MemorySegment destination, long destinationOffset, int destinationPort, boolean partialChecksum) {
        MemorySegment s = frame.segment();
        long sourceAt = frame.sourceAddressOffset();
        long destinationAt = frame.destinationAddressOffset();
        long addressDelta = delta128(s, sourceAt, source, sourceOffset)
                + delta128(s, destinationAt, destination, destinationOffset);
        MemorySegment.copy(source, sourceOffset, s, sourceAt, 16);
        MemorySegment.copy(destination, destinationOffset, s, destinationAt, 16);
        rewritePorts(frame, addressDelta, sourcePort, destinationPort, partialChecksum, false);
    }

    /**
     * Writes both ports and folds the address and port changes into the TCP or UDP checksum:
     * a partial checksum (the pseudo-header sum) takes the address change alone, uncomplemented;
     * a UDP checksum of 0 over IPv4 means none and stays 0; a computed UDP checksum of 0 is sent
     * as 0xFFFF.
     */
    private static void rewritePorts(FrameParser frame, long addressDelta, int sourcePort, int destinationPort,
            boolean partialChecksum, boolean ipv4) {
        if (!frame.hasPorts()) {
            return;
        }
        MemorySegment s = frame.segment();
        long l4 = frame.l4Offset();
        boolean tcp = frame.protocol() == Ipv4Header.PROTOCOL_TCP;
        long checksumAt = l4 + (tcp ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET);
        int checksum = NetworkOrder.u16(s, checksumAt);
        int oldSourcePort = NetworkOrder.u16(s, l4 + TcpHeader.SOURCE_PORT_OFFSET);
        int oldDestinationPort = NetworkOrder.u16(s, l4 + TcpHeader.DESTINATION_PORT_OFFSET);
        NetworkOrder.u16(s, l4 + TcpHeader.SOURCE_PORT_OFFSET, sourcePort);
        NetworkOrder.u16(s, l4 + TcpHeader.DESTINATION_PORT_OFFSET, destinationPort);
        if (partialChecksum) {
            // The field is the pseudo-header sum itself: add the change, no complement.
            NetworkOrder.u16(s, checksumAt, ~Checksums.finish(checksum + addressDelta) & 0xFFFF);
            return;
        }
        if (ipv4 && !tcp && checksum == 0) {
            return;
        }
        long portDelta = (~oldSourcePort & 0xFFFF) + (sourcePort & 0xFFFF) + (~oldDestinationPort & 0xFFFF)
                + (destinationPort & 0xFFFF);
        int updated = Checksums.finish((~checksum & 0xFFFF) + addressDelta + portDelta);
        NetworkOrder.u16(s, checksumAt, !tcp && updated == 0 ? 0xFFFF : updated);
    }

    /** The one's complement difference of two 128-bit addresses as a sum of 16-bit words. */
    private static long delta128(MemorySegment old, long oldOffset, MemorySegment value, long valueOffset) {
        long sum = 0;
        for (int i = 0; i < 16; i += 2) {
            sum += (~NetworkOrder.u16(old, oldOffset + i) & 0xFFFF) + NetworkOrder.u16(value, valueOffset + i);
        }
        return sum;
    }

    /**
     * Rewrites an ICMP error about a full-NAT connection for the other side, as IPVS's
     * {@code ip_vs_nat_icmp} does for NAT but with both ends of the quote replaced: the outer
     * source and destination, and the quoted packet's addresses and ports. The outer header
     * checksum is updated incrementally, the quoted header's and the ICMP message's are
     * recomputed. The quoted transport checksum is left as it is (a quote is usually cut short
     * and no one checks it).
     *
     * @param frame a parser that parsed an IPv4 ICMP error with an IPv4 quote
     * @param source the new outer source
     * @param destination the new outer destination
     * @param quotedSource the quoted packet's new source address
     * @param quotedSourcePort its new source port (ignored without TCP/UDP)
     * @param quotedDestination the quoted packet's new destination address
     * @param quotedDestinationPort its new destination port (ignored without TCP/UDP)
     */
    public static void icmpIpv4(FrameParser frame, int source, int destination, int quotedSource,
            int quotedSourcePort, int quotedDestination, int quotedDestinationPort) {
        MemorySegment s = frame.segment();
        long ip = frame.l3Offset();
        int oldSource = s.get(NetworkOrder.U32, ip + Ipv4Header.SOURCE_OFFSET);
        int oldDestination = s.get(NetworkOrder.U32, ip + Ipv4Header.DESTINATION_OFFSET);
        s.set(NetworkOrder.U32, ip + Ipv4Header.SOURCE_OFFSET, source);
        s.set(NetworkOrder.U32, ip + Ipv4Header.DESTINATION_OFFSET, destination);
        long ipChecksum = ip + Ipv4Header.CHECKSUM_OFFSET;
        NetworkOrder.u16(s, ipChecksum, Checksums.finish((~NetworkOrder.u16(s, ipChecksum) & 0xFFFF)
                + delta32(oldSource, source) + delta32(oldDestination, destination)));
        long quote = frame.quotedL3Offset();
        s.set(NetworkOrder.U32, quote + Ipv4Header.SOURCE_OFFSET, quotedSource);
        s.set(NetworkOrder.U32, quote + Ipv4Header.DESTINATION_OFFSET, quotedDestination);
        int headerLength = (NetworkOrder.u8(s, quote) & 0x0F) << 2;
        NetworkOrder.u16(s, quote + Ipv4Header.CHECKSUM_OFFSET, Checksums.ipv4Header(s, quote, headerLength));
        int protocol = frame.quotedProtocol();
        if (protocol == Ipv4Header.PROTOCOL_TCP || protocol == Ipv4Header.PROTOCOL_UDP) {
            long l4 = frame.quotedL4Offset();
            NetworkOrder.u16(s, l4 + TcpHeader.SOURCE_PORT_OFFSET, quotedSourcePort);
            NetworkOrder.u16(s, l4 + TcpHeader.DESTINATION_PORT_OFFSET, quotedDestinationPort);
        }
        frame.icmp().updateChecksum(frame.l4Length());
    }

    /** The one's complement difference of two 32-bit values as a sum of 16-bit words. */
    private static long delta32(int old, int value) {
        return (~old >>> 16 & 0xFFFF) + (~old & 0xFFFF) + (value >>> 16 & 0xFFFF) + (value & 0xFFFF);
    }
}

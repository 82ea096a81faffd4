package io.lvs4j.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Address and port rewrites of NAT (IPVS's masquerading) on a parsed frame, with incremental
 * checksum updates (RFC 1624): the IPv4 header checksum, and the TCP or UDP checksum, which
 * covers the addresses through its pseudo-header. A UDP checksum of 0 over IPv4 (none) stays
 * 0. A non-first fragment has no transport header: only its addresses change.
 *
 * <p>Stateless and allocation-free; the parser passed in must have returned
 * {@link DropReason#NONE} for the frame.
 */
public final class NatRewriter {

    private NatRewriter() {
    }

    /**
     * Rewrites the destination of an IPv4 packet (client to real server).
     *
     * @param frame a parser positioned on an IPv4 frame
     * @param address the new destination address
     * @param port the new destination port (ignored without TCP/UDP)
     */
    public static void destinationIpv4(FrameParser frame, int address, int port) {
        rewriteIpv4(frame, address, port, Ipv4Header.DESTINATION_OFFSET, TcpHeader.DESTINATION_PORT_OFFSET);
    }

    /**
     * Rewrites the source of an IPv4 packet (real server's reply back to the virtual address).
     *
     * @param frame a parser positioned on an IPv4 frame
     * @param address the new source address
     * @param port the new source port (ignored without TCP/UDP)
     */
    public static void sourceIpv4(FrameParser frame, int address, int port) {
        rewriteIpv4(frame, address, port, Ipv4Header.SOURCE_OFFSET, TcpHeader.SOURCE_PORT_OFFSET);
    }

    /**
     * Rewrites one IPv4 address and the matching port, folding the address and port changes
     * into one incremental update of the transport checksum (RFC 1624 equation 3).
     */
    private static void rewriteIpv4(FrameParser frame, int address, int port, int addressField,
            int portField) {
        MemorySegment s = frame.segment();
        long ip = frame.l3Offset();
        int old = s.get(NetworkOrder.U32, ip + addressField);
        s.set(NetworkOrder.U32, ip + addressField, address);
        long addressDelta = (~old >>> 16 & 0xFFFF) + (~old & 0xFFFF) + (address >>> 16 & 0xFFFF)
                + (address & 0xFFFF);
        long ipChecksum = ip + Ipv4Header.CHECKSUM_OFFSET;
        NetworkOrder.u16(s, ipChecksum,
                Checksums.finish((~NetworkOrder.u16(s, ipChecksum) & 0xFFFF) + addressDelta));
        if (!frame.hasPorts()) {
            return;
        }
        long l4 = frame.l4Offset();
        boolean tcp = frame.protocol() == Ipv4Header.PROTOCOL_TCP;
        long checksumAt = l4 + (tcp ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET);
        int checksum = NetworkOrder.u16(s, checksumAt);
        int oldPort = NetworkOrder.u16(s, l4 + portField);
        NetworkOrder.u16(s, l4 + portField, port);
        if (!tcp && checksum == 0) {
            return;
        }
        int updated = Checksums.finish((~checksum & 0xFFFF) + addressDelta + (~oldPort & 0xFFFF)
                + (port & 0xFFFF));
        NetworkOrder.u16(s, checksumAt, !tcp && updated == 0 ? 0xFFFF : updated);
    }

    /**
     * Rewrites the destination of an IPv6 packet.
     *
     * @param frame a parser positioned on an IPv6 frame
     * @param address memory holding the new 16-byte address
     * @param addressOffset where it starts
     * @param port the new destination port (ignored without TCP/UDP)
     */
    public static void destinationIpv6(FrameParser frame, MemorySegment address, long addressOffset,
            int port) {
        rewriteIpv6(frame, frame.destinationAddressOffset(), address, addressOffset);
        if (!frame.hasPorts()) {
            return;
        }
        if (frame.protocol() == Ipv4Header.PROTOCOL_TCP) {
            frame.tcp().rewriteDestinationPort(port);
        } else {
            frame.udp().rewriteDestinationPort(port);
        }
    }

    /**
     * Rewrites the source of an IPv6 packet.
     *
     * @param frame a parser positioned on an IPv6 frame
     * @param address memory holding the new 16-byte address
     * @param addressOffset where it starts
     * @param port the new source port (ignored without TCP/UDP)
     */
    public static void sourceIpv6(FrameParser frame, MemorySegment address, long addressOffset,
            int port) {
        rewriteIpv6(frame, frame.sourceAddressOffset(), address, addressOffset);
        if (!frame.hasPorts()) {
            return;
        }
        if (frame.protocol() == Ipv4Header.PROTOCOL_TCP) {
            frame.tcp().rewriteSourcePort(port);
        } else {
            frame.udp().rewriteSourcePort(port);
        }
    }

    private static void rewriteIpv6(FrameParser frame, long fieldOffset, MemorySegment address,
            long addressOffset) {
        MemorySegment s = frame.segment();
        if (frame.hasPorts()) {
            if (frame.protocol() == Ipv4Header.PROTOCOL_TCP) {
                TcpHeader tcp = frame.tcp();
                tcp.checksum(Checksums.update128(tcp.checksum(), s, fieldOffset, address, addressOffset));
            } else {
                UdpHeader udp = frame.udp();
                int updated = Checksums.update128(udp.checksum(), s, fieldOffset, address, addressOffset);
                udp.checksum(updated == 0 ? 0xFFFF : updated);
            }
        }
        MemorySegment.copy(address, addressOffset, s, fieldOffset, 16);
    }

    /**
     * Rewrites an ICMP error that a client (or a router on its side) sends about a NAT reply,
     * as IPVS's {@code ip_vs_nat_icmp} does inbound: the outer destination (the virtual
     * address) becomes the real server, and so do the quoted packet's source address and
     * port; both IPv4 header checksums are updated and the ICMP checksum recomputed. Find the
     * connection first with the quoted packet read backwards: client = quoted destination,
     * virtual = quoted source.
     *
     * @param frame a parser that parsed an ICMP error with a quote ({@code quotedVersion() == 4})
     * @param serverAddress the real server address
     * @param serverPort the real server port
     */
    public static void icmpToServerIpv4(FrameParser frame, int serverAddress, int serverPort) {
        frame.ipv4().rewriteDestination(serverAddress);
        rewriteQuote(frame, Ipv4Header.SOURCE_OFFSET, serverAddress, TcpHeader.SOURCE_PORT_OFFSET,
                serverPort);
    }

    /**
     * Rewrites an ICMP error that a real server (or a router on its side) sends about a
     * client's packet, as IPVS's {@code ip_vs_nat_icmp} does outbound: the outer source
     * becomes the virtual address, and so do the quoted packet's destination address and
     * port. Find the connection first with {@code lookupReply} on the quote read backwards:
     * server = quoted destination, client = quoted source.
     *
     * @param frame a parser that parsed an ICMP error with a quote ({@code quotedVersion() == 4})
     * @param virtualAddress the virtual address
     * @param virtualPort the virtual port
     */
    public static void icmpToClientIpv4(FrameParser frame, int virtualAddress, int virtualPort) {
        frame.ipv4().rewriteSource(virtualAddress);
        rewriteQuote(frame, Ipv4Header.DESTINATION_OFFSET, virtualAddress,
                TcpHeader.DESTINATION_PORT_OFFSET, virtualPort);
    }

    private static void rewriteQuote(FrameParser frame, int addressField, int address,
            int portField, int port) {
        MemorySegment s = frame.segment();
        long quote = frame.quotedL3Offset();
        s.set(NetworkOrder.U32, quote + addressField, address);
        int headerLength = (NetworkOrder.u8(s, quote) & 0x0F) << 2;
        NetworkOrder.u16(s, quote + Ipv4Header.CHECKSUM_OFFSET, Checksums.ipv4Header(s, quote, headerLength));
        int protocol = frame.quotedProtocol();
        if (protocol == Ipv4Header.PROTOCOL_TCP || protocol == Ipv4Header.PROTOCOL_UDP) {
            NetworkOrder.u16(s, frame.quotedL4Offset() + portField, port);
        }
        frame.icmp().updateChecksum(frame.l4Length());
    }
}

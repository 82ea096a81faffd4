package io.lvs4j.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Address and port rewrites of NAT (IPVS's masquerading) on a parsed frame, with incremental
 * checksum updates (RFC 1624): the IPv4 header checksum, and the TCP or UDP checksum, which
 * covers the addresses through its pseudo-header. A UDP checksum of 0 over IPv4 (none) stays
 * 0. A non-first fragment has no transport header: only its addresses change.
 *
 * <p><b>Partial checksums.</b> A frame from a local sender (virtio-net {@code NEEDS_CSUM},
 * the kernel's {@code CHECKSUM_PARTIAL}; every GSO super-frame) carries in its TCP or UDP
 * checksum field the folded sum of the pseudo-header alone, not complemented, and the device
 * (or the kernel's software fallback) later adds the transport header and data and stores the
 * complement. The {@code partialChecksum} variants keep that invariant as the kernel's
 * {@code inet_proto_csum_replace4} and {@code inet_proto_csum_replace_by_diff} do for such
 * packets: an address change is added to the field without complementing it, and a port
 * change is not applied to it at all (the ports are summed later with the rest of the header).
 *
 * <p>ICMP and ICMPv6 errors about a NAT'ed connection are translated as IPVS's
 * {@code ip_vs_nat_icmp} and {@code ip_vs_nat_icmp_v6} do: the outer address and the quoted
 * packet's address and port are rewritten, the quoted transport checksum is left as it was
 * sent, and the ICMP checksum is computed again in full (errors are short).
 *
 * <p>Stateless and allocation-free; the parser passed in must have returned
 * {@link DropReason#NONE} for the frame.
 */
public final class NatRewriter {

    private NatRewriter() {
    }

    /**
     * Rewrites the destination of an IPv4 packet (client to real server) whose transport
     * checksum is complete.
     *
     * @param frame a parser positioned on an IPv4 frame
     * @param address the new destination address
     * @param port the new destination port (ignored without TCP/UDP)
     */
    public static void destinationIpv4(FrameParser frame, int address, int port) {
        destinationIpv4(frame, address, port, false);
    }

    /**
     * Rewrites the destination of an IPv4 packet (client to real server).
     *
     * @param frame a parser positioned on an IPv4 frame
     * @param address the new destination address
     * @param port the new destination port (ignored without TCP/UDP)
     * @param partialChecksum true if the TCP/UDP checksum field holds the pseudo-header sum
     *     of a frame whose checksum the device completes ({@code NEEDS_CSUM})
     */
    public static void destinationIpv4(FrameParser frame, int address, int port, boolean partialChecksum) {
        rewriteIpv4(frame, address, port, Ipv4Header.DESTINATION_OFFSET, TcpHeader.DESTINATION_PORT_OFFSET,
                partialChecksum);
    }

    /**
     * Rewrites the source of an IPv4 packet (real server's reply back to the virtual address)
     * whose transport checksum is complete.
     *
     * @param frame a parser positioned on an IPv4 frame
     * @param address the new source address
     * @param port the new source port (ignored without TCP/UDP)
     */
    public static void sourceIpv4(FrameParser frame, int address, int port) {
        sourceIpv4(frame, address, port, false);
    }

    /**
     * Rewrites the source of an IPv4 packet (real server's reply back to the virtual address).
     *
     * @param frame a parser positioned on an IPv4 frame
     * @param address the new source address
     * @param port the new source port (ignored without TCP/UDP)
     * @param partialChecksum true if the TCP/UDP checksum field holds the pseudo-header sum
     *     of a frame whose checksum the device completes ({@code NEEDS_CSUM})
     */
    public static void sourceIpv4(FrameParser frame, int address, int port, boolean partialChecksum) {
        rewriteIpv4(frame, address, port, Ipv4Header.SOURCE_OFFSET, TcpHeader.SOURCE_PORT_OFFSET,
                partialChecksum);
    }

    /**
     * Rewrites one IPv4 address and the matching port, folding the address and port changes
     * into one incremental update of the transport checksum (RFC 1624 equation 3); with a
     * partial checksum, only the address change, uncomplemented.
     */
    private static void rewriteIpv4(FrameParser frame, int address, int port, int addressField,
            int portField, boolean partial) {
        MemorySegment s = frame.segment();
        long ip = frame.l3Offset();
        int old = s.get(NetworkOrder.U32, ip + addressField);
        s.set(NetworkOrder.U32, ip + addressField, address);
        long addressDelta = (~old >>> 16 & 0xFFFF) + (~old & 0xFFFF) + (address >>> 16 & 0xFFFF)
                + (address & 0xFFFF);
        long ipChecksum = ip + Ipv4Header.CHECKSUM_OFFSET;
        NetworkOrder.u16(s, ipChecksum,
                Checksums.finish((~NetworkOrder.u16(s, ipChecksum) & 0xFFFF) + addressDelta));
        if (frame.hasPorts()) {
            rewritePort(frame, addressDelta, portField, port, partial, true);
        }
    }

    /**
     * Rewrites the destination of an IPv6 packet whose transport checksum is complete.
     *
     * @param frame a parser positioned on an IPv6 frame
     * @param address memory holding the new 16-byte address
     * @param addressOffset where it starts
     * @param port the new destination port (ignored without TCP/UDP)
     */
    public static void destinationIpv6(FrameParser frame, MemorySegment address, long addressOffset,
            int port) {
        destinationIpv6(frame, address, addressOffset, port, false);
    }

    /**
     * Rewrites the destination of an IPv6 packet.
     *
     * @param frame a parser positioned on an IPv6 frame
     * @param address memory holding the new 16-byte address
     * @param addressOffset where it starts
     * @param port the new destination port (ignored without TCP/UDP)
     * @param partialChecksum true if the TCP/UDP checksum field holds the pseudo-header sum
     *     of a frame whose checksum the device completes ({@code NEEDS_CSUM})
     */
    public static void destinationIpv6(FrameParser frame, MemorySegment address, long addressOffset,
            int port, boolean partialChecksum) {
        rewriteIpv6(frame, frame.destinationAddressOffset(), address, addressOffset,
                TcpHeader.DESTINATION_PORT_OFFSET, port, partialChecksum);
    }

    /**
     * Rewrites the source of an IPv6 packet whose transport checksum is complete.
     *
     * @param frame a parser positioned on an IPv6 frame
     * @param address memory holding the new 16-byte address
     * @param addressOffset where it starts
     * @param port the new source port (ignored without TCP/UDP)
     */
    public static void sourceIpv6(FrameParser frame, MemorySegment address, long addressOffset,
            int port) {
        sourceIpv6(frame, address, addressOffset, port, false);
    }

    /**
     * Rewrites the source of an IPv6 packet.
     *
     * @param frame a parser positioned on an IPv6 frame
     * @param address memory holding the new 16-byte address
     * @param addressOffset where it starts
     * @param port the new source port (ignored without TCP/UDP)
     * @param partialChecksum true if the TCP/UDP checksum field holds the pseudo-header sum
     *     of a frame whose checksum the device completes ({@code NEEDS_CSUM})
     */
    public static void sourceIpv6(FrameParser frame, MemorySegment address, long addressOffset,
            int port, boolean partialChecksum) {
        rewriteIpv6(frame, frame.sourceAddressOffset(), address, addressOffset,
                TcpHeader.SOURCE_PORT_OFFSET, port, partialChecksum);
    }

    /**
     * Rewrites one IPv6 address (read before it is overwritten, so the new one may be any
     * memory but the field itself) and the matching port, with one checksum update.
     */
    private static void rewriteIpv6(FrameParser frame, long fieldOffset, MemorySegment address,
            long addressOffset, int portField, int port, boolean partial) {
        MemorySegment s = frame.segment();
        if (!frame.hasPorts()) {
            MemorySegment.copy(address, addressOffset, s, fieldOffset, 16);
            return;
        }
        long delta = 0;
        for (int i = 0; i < 16; i += 2) {
            delta += (~NetworkOrder.u16(s, fieldOffset + i) & 0xFFFF) + NetworkOrder.u16(address, addressOffset + i);
        }
        MemorySegment.copy(address, addressOffset, s, fieldOffset, 16);
        rewritePort(frame, delta, portField, port, partial, false);
    }

    /**
     * Writes one port and folds the address change and the port change into the TCP or UDP
     * checksum: a partial checksum (the pseudo-header sum) takes the address change alone,
     * uncomplemented; a UDP checksum of 0 over IPv4 means none and stays 0; a computed UDP
     * checksum of 0 is sent as 0xFFFF (over IPv6 UDP has no "no checksum", RFC 8200 8.1).
     */
    private static void rewritePort(FrameParser frame, long addressDelta, int portField, int port, boolean partial,
            boolean ipv4) {
        MemorySegment s = frame.segment();
        long l4 = frame.l4Offset();
        boolean tcp = frame.protocol() == Ipv4Header.PROTOCOL_TCP;
        long checksumAt = l4 + (tcp ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET);
        int checksum = NetworkOrder.u16(s, checksumAt);
        int oldPort = NetworkOrder.u16(s, l4 + portField);
        NetworkOrder.u16(s, l4 + portField, port);
        if (partial) {
            NetworkOrder.u16(s, checksumAt, fold(checksum + addressDelta));
            return;
        }
        if (ipv4 && !tcp && checksum == 0) {
            return;
        }
        int updated = Checksums.finish((~checksum & 0xFFFF) + addressDelta + (~oldPort & 0xFFFF)
                + (port & 0xFFFF));
        NetworkOrder.u16(s, checksumAt, !tcp && updated == 0 ? 0xFFFF : updated);
    }

    /** Folds a running sum to 16 bits without complementing it (a partial checksum's form). */
    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
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

    /**
     * Rewrites an ICMPv6 error (destination unreachable, packet too big, time exceeded,
     * parameter problem) that a client or a router on its side sends about a NAT reply, the
     * IPv6 form of {@link #icmpToServerIpv4}: the outer destination (the virtual address)
     * becomes the real server, and so do the quoted packet's source address and port; the
     * ICMPv6 checksum, which covers the pseudo-header, is computed again. Find the connection
     * first with the quoted packet read backwards: client = quoted destination, virtual =
     * quoted source.
     *
     * @param frame a parser that parsed an ICMPv6 error with a quote ({@code quotedVersion() == 6})
     * @param server memory holding the real server's 16-byte address
     * @param serverOffset where it starts
     * @param serverPort the real server port
     */
    public static void icmpToServerIpv6(FrameParser frame, MemorySegment server, long serverOffset,
            int serverPort) {
        rewriteQuoteIpv6(frame, frame.destinationAddressOffset(), frame.quotedSourceAddressOffset(),
                server, serverOffset, TcpHeader.SOURCE_PORT_OFFSET, serverPort);
    }

    /**
     * Rewrites an ICMPv6 error that a real server or a router on its side sends about a
     * client's packet, the IPv6 form of {@link #icmpToClientIpv4}: the outer source becomes
     * the virtual address, and so do the quoted packet's destination address and port; the
     * ICMPv6 checksum is computed again. Find the connection first with {@code lookupReply} on
     * the quote read backwards: server = quoted destination, client = quoted source.
     *
     * @param frame a parser that parsed an ICMPv6 error with a quote ({@code quotedVersion() == 6})
     * @param virtual memory holding the virtual address
     * @param virtualOffset where it starts
     * @param virtualPort the virtual port
     */
    public static void icmpToClientIpv6(FrameParser frame, MemorySegment virtual, long virtualOffset,
            int virtualPort) {
        rewriteQuoteIpv6(frame, frame.sourceAddressOffset(), frame.quotedDestinationAddressOffset(),
                virtual, virtualOffset, TcpHeader.DESTINATION_PORT_OFFSET, virtualPort);
    }

    private static void rewriteQuoteIpv6(FrameParser frame, long outerField, long quotedField,
            MemorySegment address, long addressOffset, int portField, int port) {
        MemorySegment s = frame.segment();
        MemorySegment.copy(address, addressOffset, s, outerField, 16);
        MemorySegment.copy(address, addressOffset, s, quotedField, 16);
        int protocol = frame.quotedProtocol();
        if (protocol == Ipv4Header.PROTOCOL_TCP || protocol == Ipv4Header.PROTOCOL_UDP) {
            NetworkOrder.u16(s, frame.quotedL4Offset() + portField, port);
        }
        frame.icmpv6().updateChecksum(frame.l3Offset(), frame.l4Length());
    }
}

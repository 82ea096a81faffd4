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
        Ipv4Header ip = frame.ipv4();
        int old = ip.destination();
        ip.rewriteDestination(address);
        if (!frame.hasPorts()) {
            return;
        }
        if (frame.protocol() == Ipv4Header.PROTOCOL_TCP) {
            frame.tcp().pseudoHeaderAddressChanged(old, address).rewriteDestinationPort(port);
        } else {
            frame.udp().pseudoHeaderAddressChanged(old, address).rewriteDestinationPort(port);
        }
    }

    /**
     * Rewrites the source of an IPv4 packet (real server's reply back to the virtual address).
     *
     * @param frame a parser positioned on an IPv4 frame
     * @param address the new source address
     * @param port the new source port (ignored without TCP/UDP)
     */
    public static void sourceIpv4(FrameParser frame, int address, int port) {
        Ipv4Header ip = frame.ipv4();
        int old = ip.source();
        ip.rewriteSource(address);
        if (!frame.hasPorts()) {
            return;
        }
        if (frame.protocol() == Ipv4Header.PROTOCOL_TCP) {
            frame.tcp().pseudoHeaderAddressChanged(old, address).rewriteSourcePort(port);
        } else {
            frame.udp().pseudoHeaderAddressChanged(old, address).rewriteSourcePort(port);
        }
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
}

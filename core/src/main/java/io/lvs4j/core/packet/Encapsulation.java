package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Writes the outer headers of IPVS's tunnelling method in front of an inner IP packet that is
 * already in memory: an outer IPv4 header (protocol 4 for IPv4 inside, 41 for IPv6 inside) or
 * an outer IPv6 header (next header 4 or 41), optionally followed by UDP and a 4-byte GUE
 * header (variant 0, version 0, no options, proto/ctype 4 or 41), as the kernel's
 * {@code ip_vs_tunnel_xmit}, {@code ip_vs_tunnel_xmit_v6} and {@code ipvs_gue_encap} write them.
 *
 * <pre>
 *  outer IP | [UDP | GUE: 0x00 proto 0x0000] | inner IP packet
 * </pre>
 *
 * <ul>
 *   <li>TTL (hop limit) copied from the inner packet; the DSCP copied and the ECN bits
 *       encapsulated as RFC 6040's normal mode does (CE inside becomes ECT(0) outside).</li>
 *   <li>Outer IPv4: DF copied from an inner IPv4 packet; 0 for an inner IPv6 packet (IPVS leaves
 *       DF clear then: the IPv6 sender never fragments, the tunnel may); no options; the
 *       identification from a counter of this instance.</li>
 *   <li>Outer IPv6: flow label 0, no extension headers.</li>
 *   <li>UDP source port: a hash of the inner flow (addresses, protocol, TCP/UDP ports) mapped
 *       onto Linux's default local port range 32768 to 60999, as {@code udp_flow_src_port} does,
 *       so that routers spread tunnels by ECMP; the checksum is 0 over IPv4 (RFC 768) and
 *       computed over IPv6 (RFC 8200 requires one).</li>
 * </ul>
 *
 * <p>The inner packet's own checksums are taken as they are: complete them first
 * ({@link TransportChecksums}) when the frame came with a partial checksum. Not thread-safe (the
 * identification counter): one instance per event loop. Never allocates.
 */
public final class Encapsulation {

    /** Length of an outer IPv4 header. */
    public static final int IPV4_OVERHEAD = Ipv4Header.MIN_HEADER_LENGTH;
    /** Length of an outer IPv6 header. */
    public static final int IPV6_OVERHEAD = Ipv6Header.HEADER_LENGTH;
    /** Length of the UDP and GUE headers that GUE adds after the outer IP header. */
    public static final int GUE_OVERHEAD = UdpHeader.HEADER_LENGTH + 4;
    /** IP protocol number of IPv6 encapsulated in IP (RFC 2473). */
    public static final int PROTOCOL_IPV6 = 41;
    /** First UDP source port of the GUE range (Linux's default {@code ip_local_port_range}). */
    public static final int SOURCE_PORT_MIN = 32768;
    /** One past the last UDP source port of the GUE range. */
    public static final int SOURCE_PORT_MAX = 61000;

    private static final int ECN_MASK = 0x03;
    private static final int ECN_CE = 0x03;
    private static final int ECN_ECT0 = 0x02;

    private int identification;

    /** Creates an encapsulator whose IPv4 identification counter starts at 0. */
    public Encapsulation() {
    }

    /**
     * Creates an encapsulator whose IPv4 identification counter starts at a given value (a random
     * one per loop, so that two loops do not send the same sequence).
     *
     * @param firstIdentification the identification of the first outer IPv4 header
     */
    public Encapsulation(int firstIdentification) {
        this.identification = firstIdentification & 0xFFFF;
    }

    /**
     * The bytes that encapsulation adds in front of the inner packet.
     *
     * @param outerVersion 4 or 6
     * @param gue whether UDP and GUE headers follow the outer IP header
     * @return 20, 40, 32 or 52
     */
    public static int overhead(int outerVersion, boolean gue) {
        return (outerVersion == 6 ? IPV6_OVERHEAD : IPV4_OVERHEAD) + (gue ? GUE_OVERHEAD : 0);
    }

    /**
     * Writes an outer IPv4 header (and UDP and GUE headers when {@code guePort} is above 0) at
     * {@code offset}; the inner packet must already start at {@code offset + overhead(4, gue)}.
     *
     * @param segment the memory holding both
     * @param offset where the outer header goes
     * @param innerLength the inner packet's length in bytes (its IP total or payload length plus header)
     * @param source the outer source address (the director's)
     * @param destination the outer destination address (the real server's)
     * @param guePort the GUE destination port, or 0 for IP-in-IP
     * @return the outer headers' length, or -1 if the inner packet is neither IPv4 nor IPv6, or
     *         too long to encapsulate, or the memory too short
     */
    public int ipv4(MemorySegment segment, long offset, int innerLength, int source, int destination,
            int guePort) {
        boolean gue = guePort > 0;
        int overhead = overhead(4, gue);
        long inner = offset + overhead;
        if (innerLength < 1 || overhead + innerLength > 0xFFFF || offset < 0
                || inner + innerLength > segment.byteSize()) {
            return -1;
        }
        int innerVersion = u8(segment, inner) >>> 4;
        int dsfield;
        int ttl;
        int df;
        if (innerVersion == 4 && innerLength >= Ipv4Header.MIN_HEADER_LENGTH) {
            dsfield = u8(segment, inner + Ipv4Header.TOS_OFFSET);
            ttl = u8(segment, inner + Ipv4Header.TTL_OFFSET);
            df = u16(segment, inner + Ipv4Header.FLAGS_FRAGMENT_OFFSET) & Ipv4Header.FLAG_DF;
        } else if (innerVersion == 6 && innerLength >= Ipv6Header.HEADER_LENGTH) {
            dsfield = (u16(segment, inner) >>> 4) & 0xFF;
            ttl = u8(segment, inner + Ipv6Header.HOP_LIMIT_OFFSET);
            df = 0;
        } else {
            return -1;
        }
        int protocol = innerVersion == 4 ? Ipv4Header.PROTOCOL_IPIP : PROTOCOL_IPV6;
        if (gue) {
            writeUdpGue(segment, offset + IPV4_OVERHEAD, innerLength, guePort, protocol, inner, innerVersion);
            protocol = Ipv4Header.PROTOCOL_UDP;
        }
        // version/IHL, TOS, total length in one word; identification, flags in the next.
        u32(segment, offset, (0x45 << 24) | (encapsulateEcn(dsfield) << 16) | (overhead + innerLength));
        u32(segment, offset + Ipv4Header.IDENTIFICATION_OFFSET, (identification << 16) | df);
        identification = (identification + 1) & 0xFFFF;
        u32(segment, offset + Ipv4Header.TTL_OFFSET, (ttl << 24) | (protocol << 16));
        u32(segment, offset + Ipv4Header.SOURCE_OFFSET, source);
        u32(segment, offset + Ipv4Header.DESTINATION_OFFSET, destination);
        u16(segment, offset + Ipv4Header.CHECKSUM_OFFSET,
                Checksums.ipv4Header(segment, offset, Ipv4Header.MIN_HEADER_LENGTH));
        return overhead;
    }

    /**
     * Writes an outer IPv6 header (and UDP and GUE headers when {@code guePort} is above 0) at
     * {@code offset}; the inner packet must already start at {@code offset + overhead(6, gue)}.
     *
     * @param segment the memory holding both
     * @param offset where the outer header goes
     * @param innerLength the inner packet's length in bytes
     * @param source memory holding the outer source address (the director's)
     * @param sourceOffset where that 16-byte address starts
     * @param destination memory holding the outer destination address (the real server's)
     * @param destinationOffset where that 16-byte address starts
     * @param guePort the GUE destination port, or 0 for IP-in-IPv6
     * @return the outer headers' length, or -1 if the inner packet is neither IPv4 nor IPv6, or
     *         too long to encapsulate, or the memory too short
     */
    public int ipv6(MemorySegment segment, long offset, int innerLength, MemorySegment source,
            long sourceOffset, MemorySegment destination, long destinationOffset, int guePort) {
        boolean gue = guePort > 0;
        int overhead = overhead(6, gue);
        long inner = offset + overhead;
        int payloadLength = overhead - IPV6_OVERHEAD + innerLength;
        if (innerLength < 1 || payloadLength > 0xFFFF || offset < 0
                || inner + innerLength > segment.byteSize()) {
            return -1;
        }
        int innerVersion = u8(segment, inner) >>> 4;
        int dsfield;
        int hopLimit;
        if (innerVersion == 4 && innerLength >= Ipv4Header.MIN_HEADER_LENGTH) {
            dsfield = u8(segment, inner + Ipv4Header.TOS_OFFSET);
            hopLimit = u8(segment, inner + Ipv4Header.TTL_OFFSET);
        } else if (innerVersion == 6 && innerLength >= Ipv6Header.HEADER_LENGTH) {
            dsfield = (u16(segment, inner) >>> 4) & 0xFF;
            hopLimit = u8(segment, inner + Ipv6Header.HOP_LIMIT_OFFSET);
        } else {
            return -1;
        }
        int next = innerVersion == 4 ? Ipv4Header.PROTOCOL_IPIP : PROTOCOL_IPV6;
        if (gue) {
            writeUdpGue(segment, offset + IPV6_OVERHEAD, innerLength, guePort, next, inner, innerVersion);
            next = Ipv4Header.PROTOCOL_UDP;
        }
        u32(segment, offset, (6 << 28) | (encapsulateEcn(dsfield) << 20));
        u32(segment, offset + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (payloadLength << 16) | (next << 8) | hopLimit);
        MemorySegment.copy(source, sourceOffset, segment, offset + Ipv6Header.SOURCE_OFFSET, 16);
        MemorySegment.copy(destination, destinationOffset, segment, offset + Ipv6Header.DESTINATION_OFFSET, 16);
        if (gue) {
            long udp = offset + IPV6_OVERHEAD;
            int checksum = Checksums.transportIpv6(segment, offset, udp, payloadLength,
                    Ipv4Header.PROTOCOL_UDP, UdpHeader.CHECKSUM_OFFSET);
            u16(segment, udp + UdpHeader.CHECKSUM_OFFSET, checksum == 0 ? 0xFFFF : checksum);
        }
        return overhead;
    }

    private static void writeUdpGue(MemorySegment segment, long udp, int innerLength, int port, int proto,
            long inner, int innerVersion) {
        int sourcePort = sourcePort(flowHash(segment, inner, innerLength, innerVersion));
        u32(segment, udp, (sourcePort << 16) | (port & 0xFFFF));
        u32(segment, udp + UdpHeader.LENGTH_OFFSET, (GUE_OVERHEAD + innerLength) << 16);
        // GUE: version 0, C 0, Hlen 0 | proto/ctype | flags 0.
        u32(segment, udp + UdpHeader.HEADER_LENGTH, proto << 16);
    }

    /**
     * The ECN bits of the outer header from the inner traffic class (RFC 6040 normal mode, Linux's
     * {@code INET_ECN_encapsulate}): DSCP and ECN copied, except that CE becomes ECT(0).
     */
    static int encapsulateEcn(int inner) {
        return (inner & ECN_MASK) == ECN_CE ? (inner & ~ECN_MASK) | ECN_ECT0 : inner;
    }

    /**
     * Maps a flow hash onto the GUE source port range, as Linux's {@code udp_flow_src_port}
     * does (the hash's low half folded into its high half first).
     *
     * @param hash a flow hash
     * @return a port from {@link #SOURCE_PORT_MIN} to {@code SOURCE_PORT_MAX - 1}
     */
    public static int sourcePort(int hash) {
        int folded = hash ^ (hash << 16);
        return (int) (((folded & 0xFFFF_FFFFL) * (SOURCE_PORT_MAX - SOURCE_PORT_MIN)) >>> 32) + SOURCE_PORT_MIN;
    }

    /**
     * Hashes an IP packet's flow: addresses, protocol, and for TCP and UDP (first fragment or
     * unfragmented, header directly after the fixed IPv6 header) the ports. The same flow always
     * gives the same value.
     *
     * @param segment the memory
     * @param ip where the IP header starts
     * @param length the packet's length
     * @param version 4 or 6
     * @return the hash
     */
    static int flowHash(MemorySegment segment, long ip, int length, int version) {
        int hash;
        int protocol;
        long transport;
        if (version == 4) {
            protocol = u8(segment, ip + Ipv4Header.PROTOCOL_OFFSET);
            hash = mix(0x9E37_79B9, u32(segment, ip + Ipv4Header.SOURCE_OFFSET));
            hash = mix(hash, u32(segment, ip + Ipv4Header.DESTINATION_OFFSET));
            boolean firstFragment = (u16(segment, ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET) & 0x1FFF) == 0;
            transport = firstFragment ? ip + ((u8(segment, ip) & 0x0F) << 2) : -1;
        } else {
            protocol = u8(segment, ip + Ipv6Header.NEXT_HEADER_OFFSET);
            hash = 0x9E37_79B9;
            for (int i = 0; i < 32; i += 4) {
                hash = mix(hash, u32(segment, ip + Ipv6Header.SOURCE_OFFSET + i));
            }
            transport = ip + Ipv6Header.HEADER_LENGTH;
        }
        hash = mix(hash, protocol);
        if ((protocol == Ipv4Header.PROTOCOL_TCP || protocol == Ipv4Header.PROTOCOL_UDP)
                && transport >= 0 && transport + 4 <= ip + length) {
            hash = mix(hash, u32(segment, transport));
        }
        // murmur3's finaliser spreads every input bit over the result.
        hash ^= hash >>> 16;
        hash *= 0x85EB_CA6B;
        hash ^= hash >>> 13;
        hash *= 0xC2B2_AE35;
        return hash ^ (hash >>> 16);
    }

    private static int mix(int hash, int value) {
        int k = value * 0xCC9E_2D51;
        k = Integer.rotateLeft(k, 15) * 0x1B87_3593;
        hash ^= k;
        return Integer.rotateLeft(hash, 13) * 5 + 0xE654_6B64;
    }
}

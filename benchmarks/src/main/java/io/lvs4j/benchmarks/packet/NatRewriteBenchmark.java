package io.lvs4j.benchmarks.packet;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.packet.Checksums;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.NatRewriter;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * NAT's per-packet rewrites, in memory, each measured as a round trip (the packet rewritten for
 * the real server, then back for the client, so that every operation starts from the same
 * bytes): a full-sized (1,500-byte) TCP packet parsed and its destination rewritten with a
 * complete checksum, the same with a partial checksum (a local sender's {@code NEEDS_CSUM}
 * frame), the same over IPv6, and an ICMP port unreachable about a UDP request translated for
 * the client (outer source, quoted destination and port, ICMP checksum computed again).
 */
public class NatRewriteBenchmark extends AbstractBenchmark {

    private static final int VIP = 0xC6120064;
    private static final int SERVER = 0xC6120107;

    private final FrameParser parser = new FrameParser();
    private Arena arena;
    private MemorySegment full;
    private MemorySegment partial;
    private MemorySegment ipv6;
    private MemorySegment icmp;
    private MemorySegment addresses;

    /** Builds the frames. */
    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        byte[] data = new byte[1448];
        new SplittableRandom(3).nextBytes(data);
        full = copy(new PacketBuilder().ipv4("198.18.1.11", "198.18.0.100").dontFragment()
                .tcp(40000, 80, TcpHeader.ACK).tcpOptions(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})
                .payload(data).build());
        partial = copy(new PacketBuilder().ipv4("198.18.1.11", "198.18.0.100").dontFragment()
                .tcp(40000, 80, TcpHeader.ACK).tcpOptions(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})
                .payload(data).build());
        long sum = Checksums.add(partial, 14 + Ipv4Header.SOURCE_OFFSET, 8, 0) + Ipv4Header.PROTOCOL_TCP
                + (partial.byteSize() - 34);
        NetworkOrder.u16(partial, 34 + TcpHeader.CHECKSUM_OFFSET, ~Checksums.finish(sum) & 0xFFFF);
        ipv6 = copy(new PacketBuilder().ipv6("2001:db8:7::b", "2001:db8:6::200").tcp(40000, 80, TcpHeader.ACK)
                .tcpOptions(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})
                .payload(java.util.Arrays.copyOf(data, 1428)).build());
        byte[] request = new PacketBuilder().ipv4("198.18.1.11", "198.18.1.7").udp(40000, 5353)
                .payload(new byte[32]).buildIpPacket();
        icmp = copy(new PacketBuilder().ipv4("198.18.1.7", "198.18.1.11")
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0).payload(request).build());
        addresses = arena.allocate(32);
        MemorySegment.copy(HexFormat.of().parseHex("20010db8000600000000000000000200"
                + "20010db800060000000000000000000d"), 0, addresses, ValueLayout.JAVA_BYTE, 0, 32);
    }

    private MemorySegment copy(byte[] frame) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return segment;
    }

    /** Frees the frames. */
    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private int roundTripIpv4(MemorySegment frame, boolean partialChecksum) {
        if (parser.parse(frame, 0, frame.byteSize()) != DropReason.NONE) {
            return -1;
        }
        NatRewriter.destinationIpv4(parser, SERVER, 8080, partialChecksum);
        NatRewriter.destinationIpv4(parser, VIP, 80, partialChecksum);
        return parser.tcp().checksum();
    }

    /** @return the checksum after a round trip of a packet with a complete checksum */
    @Benchmark
    @HotPath
    public int ipv4Full() {
        return roundTripIpv4(full, false);
    }

    /** @return the checksum after a round trip of a packet with a partial checksum */
    @Benchmark
    @HotPath
    public int ipv4Partial() {
        return roundTripIpv4(partial, true);
    }

    /** @return the checksum after a round trip of an IPv6 packet with a complete checksum */
    @Benchmark
    @HotPath
    public int ipv6Full() {
        if (parser.parse(ipv6, 0, ipv6.byteSize()) != DropReason.NONE) {
            return -1;
        }
        NatRewriter.destinationIpv6(parser, addresses, 16, 8080, false);
        NatRewriter.destinationIpv6(parser, addresses, 0, 80, false);
        return parser.tcp().checksum();
    }

    /** @return the ICMP checksum after translating a port unreachable for the client and back */
    @Benchmark
    @HotPath
    public int icmpToClient() {
        if (parser.parse(icmp, 0, icmp.byteSize()) != DropReason.NONE) {
            return -1;
        }
        NatRewriter.icmpToClientIpv4(parser, VIP, 53);
        NatRewriter.icmpToClientIpv4(parser, SERVER, 5353);
        return parser.icmp().checksum();
    }
}

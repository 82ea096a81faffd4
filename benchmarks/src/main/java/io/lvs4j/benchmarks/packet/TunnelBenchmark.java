package io.lvs4j.benchmarks.packet;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.Encapsulation;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpErrors;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.packet.TcpSegmenter;
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
 * The tunnel forwarder's per-packet work, in memory: a full-sized (1,500-byte) TCP packet copied
 * behind room for the outer headers and encapsulated in IP-in-IP, GUE over IPv4 (no UDP checksum)
 * or GUE over IPv6 (UDP checksum over the whole packet); a 64 KiB TCP super-frame split into 45
 * segments with their checksums; and the ICMP "fragmentation needed" reply to a packet too big.
 */
public class TunnelBenchmark extends AbstractBenchmark {

    private static final int DIRECTOR = 0xC6120002;
    private static final int SERVER = 0xC6120107;
    private static final int ETHERNET = 14;

    private final Encapsulation encapsulation = new Encapsulation();
    private final TcpSegmenter segmenter = new TcpSegmenter();
    private final IcmpErrors errors = new IcmpErrors();
    private final FrameParser parser = new FrameParser();
    private Arena arena;
    private MemorySegment packet;
    private int packetLength;
    private MemorySegment superFrame;
    private int superLength;
    private MemorySegment addresses;
    private MemorySegment out;

    /** Builds the packets. */
    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        byte[] data = new byte[65535 - 52];
        new SplittableRandom(5).nextBytes(data);
        byte[] frame = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").dontFragment()
                .tcp(40000, 80, TcpHeader.ACK).tcpOptions(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})
                .payload(java.util.Arrays.copyOf(data, 1448)).build();
        packet = copy(frame);
        packetLength = frame.length;
        byte[] big = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").dontFragment()
                .tcp(40000, 80, TcpHeader.ACK | TcpHeader.PSH)
                .tcpOptions(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})
                .payload(java.util.Arrays.copyOf(data, 45 * 1448)).buildIpPacket();
        superFrame = copy(big);
        superLength = big.length;
        addresses = copy(HexFormat.of().parseHex("20010db800000000000000000000000220010db8000100000000000000000007"));
        out = arena.allocate(4096, 64);
    }

    private MemorySegment copy(byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }

    /** Frees memory. */
    @TearDown(Level.Trial)
    public void close() {
        arena.close();
    }

    private int encapsulate(int outerVersion, int guePort) {
        int inner = packetLength - ETHERNET;
        int at = ETHERNET + Encapsulation.overhead(outerVersion, guePort > 0);
        MemorySegment.copy(packet, ETHERNET, out, at, inner);
        return outerVersion == 4
                ? encapsulation.ipv4(out, ETHERNET, inner, DIRECTOR, SERVER, guePort)
                : encapsulation.ipv6(out, ETHERNET, inner, addresses, 0, addresses, 16, guePort);
    }

    /**
     * IP-in-IP: copy a 1,500-byte packet and write an outer IPv4 header.
     *
     * @return the overhead written
     */
    @Benchmark
    @HotPath
    public int ipip() {
        return encapsulate(4, 0);
    }

    /**
     * GUE over IPv4: copy, outer IPv4, UDP (checksum 0, port from the flow hash), GUE.
     *
     * @return the overhead written
     */
    @Benchmark
    @HotPath
    public int gueIpv4() {
        return encapsulate(4, 6080);
    }

    /**
     * GUE over IPv6: copy, outer IPv6, UDP with its checksum over 1,512 bytes, GUE.
     *
     * @return the overhead written
     */
    @Benchmark
    @HotPath
    public int gueIpv6() {
        return encapsulate(6, 6080);
    }

    /**
     * Software GSO: split a 64 KiB super-frame into 45 segments of 1,448 bytes of payload, each
     * written and checksummed (IPv4 header and TCP), in one buffer in turn.
     *
     * @return the bytes written
     */
    @Benchmark
    @HotPath
    public int segment64k() {
        int n = segmenter.wrap(superFrame, 0, superLength, 1448);
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += segmenter.write(i, out, ETHERNET + Encapsulation.IPV4_OVERHEAD);
        }
        return bytes;
    }

    /**
     * The ICMP error about a 1,500-byte DF packet: parse it and build the 590-byte reply.
     *
     * @return the reply's length
     */
    @Benchmark
    @HotPath
    public int fragmentationNeeded() {
        if (parser.parse(packet, 0, packetLength) != DropReason.NONE) {
            return 0;
        }
        return errors.fragmentationNeeded(parser, 1480, out, 0);
    }
}

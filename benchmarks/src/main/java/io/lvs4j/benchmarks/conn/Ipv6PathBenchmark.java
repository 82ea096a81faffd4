package io.lvs4j.benchmarks.conn;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.NdpFrames;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The director's IPv6 per-frame work, in memory: direct routing of an established TCP
 * connection (copy the frame into an off-heap buffer, parse Ethernet/IPv6/TCP, look the
 * connection up among 100,000 others in an IPv6 table, feed the TCP state machine, rewrite both
 * MACs), and answering a neighbour solicitation for a VIP (parse, the RFC 4861 checks with the
 * ICMPv6 checksum, write the solicited advertisement with its checksum).
 */
public class Ipv6PathBenchmark extends AbstractBenchmark {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_64L;
    private static final long SERVER_MAC = 0x02_00_00_00_01_07L;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_01L;

    private final FrameParser parser = new FrameParser();
    private final FlowTuple tuple = new FlowTuple();
    private final NdpMessage ndp = new NdpMessage();
    private final NdpFrames frames = new NdpFrames();
    private Arena arena;
    private MemorySegment received;
    private int length;
    private MemorySegment solicitation;
    private int solicitationLength;
    private MemorySegment ring;
    private MemorySegment out;
    private ConnectionTable table;

    /** Builds the frames and an IPv6 table with the frame's connection among 100,000. */
    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        arena = Arena.ofConfined();
        byte[] frame = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100")
                .tcp(40000, 80, TcpHeader.ACK | TcpHeader.PSH).sequence(1, 1).payload(new byte[64]).build();
        received = copy(frame);
        length = frame.length;
        byte[] target = InetAddress.getByName("2001:db8::100").getAddress();
        byte[] payload = new byte[24];
        System.arraycopy(target, 0, payload, 0, 16);
        payload[16] = NdpMessage.OPTION_SOURCE_LINK_LAYER;
        payload[17] = 1;
        payload[23] = 1;
        byte[] ns = new PacketBuilder().ethernet(CLIENT_MAC, 0x3333_FF00_0100L).ipv6("2001:db8::1", "ff02::1:ff00:100")
                .ttl(NdpMessage.HOP_LIMIT).icmpv6(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0).payload(payload).build();
        solicitation = copy(ns);
        solicitationLength = ns.length;
        ring = arena.allocate(2048, 64);
        out = arena.allocate(NdpFrames.FRAME_LENGTH, 64);
        DestinationRegistry registry = new DestinationRegistry(1);
        registry.register(0, new ConnectionCounters(), 1);
        table = ConnectionTable.builder().ipv6().capacity(1 << 17).registry(registry).build();
        MemorySegment key = arena.allocate(48);
        MemorySegment.copy(frame, 14 + 8, key, ValueLayout.JAVA_BYTE, 0, 32);
        key.set(ValueLayout.JAVA_BYTE, 47, (byte) 7);
        MemorySegment.copy(key, 16, key, 32, 15);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            key.set(ValueLayout.JAVA_INT_UNALIGNED, 8, random.nextInt());
            table.insert(tuple.ipVersion(6).protocol(6).client(key, 0, 1024 + random.nextInt(30000))
                    .virtual(key, 16, 80).server(key, 32, 80), 0, ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        }
        MemorySegment.copy(frame, 14 + 8, key, ValueLayout.JAVA_BYTE, 0, 16);
        int e = table.insert(tuple.protocol(6).client(key, 0, 40000).virtual(key, 16, 80).server(key, 32, 80), 0,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        table.onTcpPacket(e, PacketDirection.INPUT, TcpHeader.SYN);
        table.onTcpPacket(e, PacketDirection.INPUT, TcpHeader.ACK);
    }

    private MemorySegment copy(byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }

    /** Frees memory. */
    @TearDown(Level.Trial)
    public void close() {
        table.close();
        arena.close();
    }

    /**
     * IPv6 direct routing: parse, look up, track, rewrite both MAC addresses.
     *
     * @return the entry
     */
    @Benchmark
    @HotPath
    public int directRoute() {
        MemorySegment.copy(received, 0, ring, 0, length);
        if (parser.parse(ring, 0, length) != DropReason.NONE || !parser.hasPorts()) {
            return ConnectionTable.MISS;
        }
        int e = table.lookup(tuple.fromClient(parser));
        if (e != ConnectionTable.MISS) {
            table.onTcpPacket(e, PacketDirection.INPUT, parser.tcpFlags());
            parser.ethernet().destination(SERVER_MAC).source(DIRECTOR_MAC);
        }
        return e;
    }

    /**
     * A neighbour solicitation for the VIP answered: parse, validate with the checksum, write
     * the solicited advertisement.
     *
     * @return the answer's length
     */
    @Benchmark
    @HotPath
    public int answerSolicitation() {
        if (parser.parse(solicitation, 0, solicitationLength) != DropReason.NONE
                || ndp.wrap(solicitation, parser.l4Offset()).validate(parser.ipv6(), parser.l4Length(), true)
                        != DropReason.NONE) {
            return 0;
        }
        return frames.solicitedAdvertisement(out, 0, DIRECTOR_MAC, ndp.sourceLinkLayer(), solicitation,
                parser.ipv6().sourceOffset(), solicitation, ndp.targetOffset());
    }
}

package io.lvs4j.benchmarks.conn;

import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.NatRewriter;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole per-frame path of a director for an established TCP connection, in memory: copy
 * the received frame into an off-heap buffer (as a receive ring would hold it), parse
 * Ethernet/IPv4/TCP with IPv4 header checksum verification, look the connection up among
 * 100,000 others, feed the TCP state machine, and rewrite: MAC addresses for direct routing,
 * or destination address and port with incremental IPv4 and TCP checksum updates for NAT.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class FramePathBenchmark {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_64L;
    private static final long SERVER_MAC = 0x02_00_00_00_01_07L;

    private final FrameParser parser = new FrameParser();
    private final FlowTuple tuple = new FlowTuple();
    private Arena arena;
    private MemorySegment received;
    private MemorySegment ring;
    private long length;
    private ConnectionTable table;

    /** Builds the frame and a table with the frame's connection among 100,000. */
    @Setup(Level.Trial)
    public void setUp() {
        byte[] frame = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100")
                .tcp(40000, 80, TcpHeader.ACK | TcpHeader.PSH).sequence(1, 1).payload(new byte[64]).build();
        arena = Arena.ofConfined();
        received = arena.allocate(frame.length, 64);
        MemorySegment.copy(frame, 0, received, ValueLayout.JAVA_BYTE, 0, frame.length);
        ring = arena.allocate(2048, 64);
        length = frame.length;
        DestinationRegistry registry = new DestinationRegistry(1);
        registry.register(0, new ConnectionCounters(), 1);
        table = ConnectionTable.builder().capacity(1 << 17).registry(registry).build();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            table.insert(tuple.ipv4(6, 0x0A000000 | random.nextInt(1 << 24), 1024 + random.nextInt(30000), 0xC6120064,
                    80).server(0xC6120107, 8080), 0, ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
        }
        int e = table.insert(tuple.ipv4(6, 0xC6120001, 40000, 0xC6120064, 80).server(0xC6120107, 8080), 0,
                ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
        table.onTcpPacket(e, PacketDirection.INPUT, TcpHeader.SYN);
        table.onTcpPacket(e, PacketDirection.INPUT, TcpHeader.ACK);
    }

    /** Frees memory. */
    @TearDown(Level.Trial)
    public void close() {
        table.close();
        arena.close();
    }

    private int parseAndTrack() {
        MemorySegment.copy(received, 0, ring, 0, length);
        if (parser.parse(ring, 0, length) != DropReason.NONE || !parser.hasPorts()) {
            return ConnectionTable.MISS;
        }
        int e = table.lookup(tuple.fromClient(parser));
        if (e != ConnectionTable.MISS) {
            table.onTcpPacket(e, PacketDirection.INPUT, parser.tcpFlags());
        }
        return e;
    }

    /**
     * Direct routing: parse, look up, track, rewrite both MAC addresses.
     *
     * @return the entry
     */
    @Benchmark
    @HotPath
    public int directRoute() {
        int e = parseAndTrack();
        if (e != ConnectionTable.MISS) {
            parser.ethernet().destination(SERVER_MAC).source(DIRECTOR_MAC);
        }
        return e;
    }

    /**
     * NAT: parse, look up, track, rewrite destination address and port with incremental
     * checksums.
     *
     * @return the entry
     */
    @Benchmark
    @HotPath
    public int nat() {
        int e = parseAndTrack();
        if (e != ConnectionTable.MISS) {
            NatRewriter.destinationIpv4(parser, table.destinationAddressIpv4(e), table.destinationPort(e));
        }
        return e;
    }

    /**
     * Parsing alone (copy into the ring, Ethernet/IPv4/TCP with header checksum check), for
     * comparison with the whole paths.
     *
     * @return the parse result
     */
    @Benchmark
    @HotPath
    public DropReason parseOnly() {
        MemorySegment.copy(received, 0, ring, 0, length);
        return parser.parse(ring, 0, length);
    }
}

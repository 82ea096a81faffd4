package io.lvs4j.benchmarks.conn;

import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.time.NanoClock;
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
 * Steady insert-and-expire churn: every operation inserts a new connection, feeds it a SYN
 * (SYN_RECV, 60 s) and moves a virtual clock by 120 µs, so that about 500,000 connections
 * stay live and each wheel tick expires about 830 of them. The cost per operation includes
 * the insert, the state change, the counter updates and the amortized expiry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ConnectionChurnBenchmark {

    private static final long STEP_NANOS = 120_000L;

    private final long[] time = {0};
    private ConnectionTable table;
    private final FlowTuple tuple = new FlowTuple();
    private int counter;

    /** Creates the table on a virtual clock. */
    @Setup(Level.Trial)
    public void create() {
        DestinationRegistry registry = new DestinationRegistry(1);
        registry.register(0, new ConnectionCounters(), 1);
        NanoClock clock = () -> time[0];
        table = ConnectionTable.builder().capacity(1 << 20).clock(clock).registry(registry).build();
    }

    /** Frees the table. */
    @TearDown(Level.Trial)
    public void close() {
        table.close();
    }

    /**
     * Inserts one connection and expires what is due.
     *
     * @return the new entry
     */
    @Benchmark
    @HotPath
    public int insertAndExpire() {
        int i = counter++;
        time[0] += STEP_NANOS;
        table.expire();
        int e = table.insert(tuple.ipv4(6, 0x0A000000 | (i >>> 16), i & 0xFFFF, 0xC6120064, 80).server(0xC6120107, 80),
                0, ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        if (e != ConnectionTable.MISS) {
            table.onTcpPacket(e, PacketDirection.INPUT, 0x02);
        }
        return e;
    }
}

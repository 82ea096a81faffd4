package io.lvs4j.benchmarks.conn;

import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.ConnectionTableBuilder;
import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.LookupPrefetch;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lookup of random connections in a full IPv4 table of 1 thousand and 10 million entries:
 * hits (keys present, visited in random order) and misses (same clients, other ports).
 *
 * <p>Two floors put the lookups in proportion to this machine's memory: {@link #memoryFloor}
 * reads 8 bytes at a random place of a segment as large as the table (records and indexes,
 * on huge pages when the table is), one independent read per operation, as a lookup of the
 * next key is independent of the last; {@link #memoryLatency} makes each read's address
 * depend on the previous read's value, so that it measures the full latency of a miss.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class ConnectionLookupBenchmark {

    private static final int VIP = 0xC6120064;
    /** Lookups per invocation of the batch benchmarks, in calls of {@link #batch} keys. */
    private static final int LOOKUPS = 256;

    /** Entries in the table. */
    @Param({"1000", "10000000"})
    public int entries;

    /** Keys per batch call of the batch benchmarks (each invocation makes {@link #LOOKUPS} lookups). */
    @Param({"32"})
    public int batch;

    /**
     * Whether the table asks for transparent huge pages: {@code default} leaves it to the
     * table (on for large tables when the core has native access), or {@code true}/{@code false}.
     */
    @Param({"default"})
    public String hugePages;

    private ConnectionTable table;
    private final FlowTuple tuple = new FlowTuple();
    private int[] clients;
    private int[] ports;
    private int cursor;
    private int batchCursor;
    private int[] vips;
    private int[] vports;
    private int[] missPorts;
    private final int[] results = new int[LOOKUPS];
    private LookupPrefetch prefetch;
    private Arena floorArena;
    private MemorySegment floor;
    private long floorWords;
    private int[] floorIndexes;
    private long chase;
    private long steps;

    /** Fills the table with random client endpoints. */
    @Setup(Level.Trial)
    public void fill() {
        DestinationRegistry registry = new DestinationRegistry(1);
        registry.register(0, new ConnectionCounters(), 1);
        ConnectionTableBuilder builder = ConnectionTable.builder().capacity(entries).registry(registry);
        if (!"default".equals(hugePages)) {
            builder.hugePages(Boolean.parseBoolean(hugePages));
        }
        table = builder.build();
        System.out.printf("%n%d entries: %d bytes (%.1f per entry), huge pages %s%n", entries,
                table.memoryBytes(), (double) table.memoryBytes() / entries, table.hugePages());
        SplittableRandom random = new SplittableRandom(1);
        clients = new int[entries];
        ports = new int[entries];
        for (int i = 0; i < entries; i++) {
            int client;
            int port;
            do {
                client = 0x0A000000 | random.nextInt(1 << 24);
                port = 1024 + random.nextInt(30000);
            } while (table.lookup(tuple.ipv4(6, client, port, VIP, 80)) != ConnectionTable.MISS);
            clients[i] = client;
            ports[i] = port;
            table.insert(tuple.ipv4(6, client, port, VIP, 80).server(0xC6120107, 80), 0, ForwardingMethod.DIRECT_ROUTE,
                    ConnectionTable.MISS);
        }
        vips = new int[entries];
        vports = new int[entries];
        java.util.Arrays.fill(vips, VIP);
        java.util.Arrays.fill(vports, 80);
        prefetch = new LookupPrefetch(table, ConnectionTable.BATCH);
        fillFloor(random);
        // Visit the keys in an order unrelated to insertion.
        for (int i = entries - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int c = clients[i];
            clients[i] = clients[j];
            clients[j] = c;
            int p = ports[i];
            ports[i] = ports[j];
            ports[j] = p;
        }
        missPorts = new int[entries];
        for (int i = 0; i < entries; i++) {
            missPorts[i] = ports[i] + 32768;
        }
    }

    /**
     * Allocates the floor segment, as large as the table's memory and on huge pages when the
     * table asks for them, writes random words all over it (untouched pages would all read the
     * one zero page), and draws the word indexes of the independent reads.
     */
    private void fillFloor(SplittableRandom random) {
        floorArena = Arena.ofShared();
        long bytes = table.memoryBytes() & ~7L;
        boolean huge = table.hugePages();
        floor = floorArena.allocate(bytes, huge ? 2L << 20 : 64);
        if (huge) {
            madviseHugePages(floor);
        }
        floorWords = bytes / 8;
        for (long w = 0; w < floorWords; w++) {
            floor.setAtIndex(ValueLayout.JAVA_LONG, w, random.nextLong());
        }
        floorIndexes = new int[entries];
        for (int i = 0; i < entries; i++) {
            floorIndexes[i] = (int) random.nextLong(floorWords);
        }
    }

    @SuppressWarnings("restricted")
    private static void madviseHugePages(MemorySegment segment) {
        Linker linker = Linker.nativeLinker();
        MethodHandle madvise = linker.downcallHandle(linker.defaultLookup().find("madvise").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT));
        try {
            int rc = (int) madvise.invokeExact(segment, segment.byteSize() & ~4095L, 14); // MADV_HUGEPAGE
            if (rc != 0) {
                System.err.println("madvise(MADV_HUGEPAGE) failed for the floor segment: " + rc);
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Frees the table and the floor segment. */
    @TearDown(Level.Trial)
    public void close() {
        table.close();
        floorArena.close();
    }

    private int next() {
        int i = cursor;
        cursor = i + 1 == entries ? 0 : i + 1;
        return i;
    }

    /**
     * Looks up a present connection.
     *
     * @return the entry
     */
    @Benchmark
    @HotPath
    public int lookupHit() {
        int i = next();
        return table.lookup(tuple.ipv4(6, clients[i], ports[i], VIP, 80));
    }

    /**
     * Looks up an absent connection: ports 33792 to 63791, above those inserted (1024 to
     * 31023) and valid, so that every miss probes the index.
     *
     * @return {@link ConnectionTable#MISS}
     */
    @Benchmark
    @HotPath
    public int lookupMiss() {
        int i = next();
        return table.lookup(tuple.ipv4(6, clients[i], ports[i] + 32768, VIP, 80));
    }

    /**
     * Looks up {@link #LOOKUPS} present connections with batch calls of {@link #batch} keys, as
     * a loop does for its batches of received frames; the score is per lookup.
     *
     * @return the last entry found
     */
    @Benchmark
    @HotPath
    @OperationsPerInvocation(LOOKUPS)
    public int lookupHitBatch() {
        return batchOf(ports);
    }

    /**
     * Looks up {@link #LOOKUPS} absent connections (the ports of {@link #lookupMiss}) with batch
     * calls of {@link #batch} keys; the score is per lookup.
     *
     * @return {@link ConnectionTable#MISS}
     */
    @Benchmark
    @HotPath
    @OperationsPerInvocation(LOOKUPS)
    public int lookupMissBatch() {
        return batchOf(missPorts);
    }

    private int batchOf(int[] clientPorts) {
        int from = batchCursor;
        if (from + LOOKUPS > entries) {
            from = 0;
        }
        batchCursor = from + LOOKUPS;
        int n = Math.min(LOOKUPS, entries - from);
        for (int done = 0; done < n; done += batch) {
            table.lookupBatch(6, clients, clientPorts, vips, vports, from + done, Math.min(batch, n - done), results);
        }
        return results[0];
    }

    /**
     * Looks up {@link #LOOKUPS} present connections one by one with {@link ConnectionTable#lookup},
     * each piece of {@link #batch} keys after a {@link LookupPrefetch} of it: what the data
     * path's pre-pass over a received batch does; the score is per lookup.
     *
     * @return the sum of the entries found
     */
    @Benchmark
    @HotPath
    @OperationsPerInvocation(LOOKUPS)
    public int lookupHitPrefetched() {
        int from = batchCursor;
        if (from + LOOKUPS > entries) {
            from = 0;
        }
        batchCursor = from + LOOKUPS;
        int end = Math.min(from + LOOKUPS, entries);
        int sum = 0;
        for (int start = from; start < end; start += batch) {
            int stop = Math.min(start + batch, end);
            for (int i = start; i < stop; i++) {
                prefetch.connection(6, clients[i], ports[i], VIP, 80);
            }
            prefetch.run();
            for (int i = start; i < stop; i++) {
                sum += table.lookup(tuple.ipv4(6, clients[i], ports[i], VIP, 80));
            }
        }
        return sum;
    }

    /**
     * The floor: one random 8-byte read from a segment as large as the table, its address
     * independent of earlier reads (the index comes from an array read in order, as the keys
     * of the lookups do).
     *
     * @return the word read
     */
    @Benchmark
    public long memoryFloor() {
        int i = next();
        return floor.getAtIndex(ValueLayout.JAVA_LONG, floorIndexes[i]);
    }

    /**
     * The latency floor: one random 8-byte read whose address depends on the word the
     * previous read returned, so that no two reads overlap.
     *
     * @return the word read
     */
    @Benchmark
    public long memoryLatency() {
        // The step keeps the walk from falling into a short cycle that would fit in a cache.
        long key = chase + (++steps) * 0x9E37_79B9_7F4A_7C15L;
        long v = floor.getAtIndex(ValueLayout.JAVA_LONG, ((key >>> 32) * floorWords) >>> 32);
        chase = v;
        return v;
    }
}

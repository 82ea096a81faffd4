package io.lvs4j.benchmarks.sched;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Lookup in a weighted Maglev table of 65537 slots over 2, 16 and 256 servers (the counts
 * Dubbo's consistent hashing is measured at): each operation fills the loop's flow key with
 * the next of 65536 client address and port pairs, hashes it and reads its slot.
 */
public class MaglevLookupBenchmark extends AbstractBenchmark {

    /** The name the Maglev scheduler is registered under. */
    static final String MAGLEV = "maglev";
    /** The table size, a prime. */
    static final int TABLE_SIZE = 65537;

    /** How many real servers. */
    @Param({"2", "16", "256"})
    public int servers;

    private Scheduler maglev;
    private final FlowKey flow = new FlowKey();
    private int next;

    /** Creates the benchmark; JMH fills the parameters. */
    public MaglevLookupBenchmark() {
    }

    /** Builds the table. */
    @Setup
    public void setUp() {
        maglev = Schedulers.create(MAGLEV, SchedulerOptions.DEFAULTS.withTableSize(TABLE_SIZE));
        Servers.service(maglev, servers, true);
        if (lookup() == null) {
            throw new IllegalStateException("Maglev picked no server");
        }
    }

    /**
     * Finds the server of the next flow.
     *
     * @return the destination
     */
    @Benchmark
    @HotPath
    public Destination lookup() {
        int i = next++;
        return maglev.pick(flow.ipv4(Protocol.TCP.number(), Servers.CLIENT_BASE + (i & 0xFF),
                1024 + (i >>> 8 & 0xFF), Servers.VIP, Servers.VPORT));
    }
}

package io.lvs4j.benchmarks.sched;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Building a weighted Maglev table of 65537 slots for 100 and 1000 servers: each operation
 * hands the scheduler a new destination set, alternating between two sets that differ by one
 * server (as a health check taking one server out and another in would), so that every
 * operation is a full rebuild. Control-plane work: it may allocate.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MaglevBuildBenchmark extends AbstractBenchmark {

    /** How many real servers. */
    @Param({"100", "1000"})
    public int servers;

    private Scheduler maglev;
    private DestinationSet first;
    private DestinationSet second;
    private boolean flip;

    /** Creates the benchmark; JMH fills the parameters. */
    public MaglevBuildBenchmark() {
    }

    /** Makes the two sets. */
    @Setup
    public void setUp() {
        maglev = Schedulers.create(MaglevLookupBenchmark.MAGLEV,
                SchedulerOptions.DEFAULTS.withTableSize(MaglevLookupBenchmark.TABLE_SIZE));
        first = set(0, 1);
        second = set(1, 2);
    }

    private DestinationSet set(int from, long generation) {
        List<Destination> list = new ArrayList<>(servers);
        for (int i = from + servers - 1; i >= from; i--) {
            list.add(new Destination(Servers.server(i, Servers.weight(i)), new ConnectionCounters()));
        }
        return new DestinationSet(list, generation);
    }

    /**
     * Rebuilds the table for the other set.
     *
     * @return the scheduler
     */
    @Benchmark
    public Scheduler build() {
        flip = !flip;
        maglev.update(flip ? second : first);
        return maglev;
    }
}

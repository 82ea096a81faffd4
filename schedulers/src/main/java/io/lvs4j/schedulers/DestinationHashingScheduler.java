package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code dh}: destination hashing over IPVS's 256-bucket table, filled with one server
 * per bucket in list order (most recently added first), round and round; weights do not
 * count. A flow goes to bucket {@code hash_32(ntohl(fold(destination)), 8)} and fails if that
 * server has weight 0 or is overloaded. Thread-safe; picks are lock-free and allocate nothing.
 */
public final class DestinationHashingScheduler implements Scheduler {

    /** The IPVS name. */
    public static final String NAME = "dh";

    private static final int BITS = 8;
    private static final int SIZE = 1 << BITS;

    private volatile Destination[] buckets = new Destination[SIZE];

    /** Creates the scheduler with no destination. */
    public DestinationHashingScheduler() {
    }

    /**
     * Creates the scheduler from options; {@code dh} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public DestinationHashingScheduler(SchedulerOptions options) {
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void update(DestinationSet destinations) {
        Destination[] table = new Destination[SIZE];
        int n = destinations.size();
        if (n > 0) {
            for (int i = 0; i < SIZE; i++) {
                table[i] = destinations.get(i % n);
            }
        }
        buckets = table;
    }

    @Override
    public Destination pick(FlowKey flow) {
        Destination d = buckets[IpvsHash.hash32(IpvsHash.destinationFold(flow), BITS)];
        if (d == null || d.weight() <= 0 || d.overloaded()) {
            return null;
        }
        return d;
    }
}

package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code nq}: the first server (in list order) with no active connection, if any;
 * otherwise as {@code sed}, the least {@code (active + 1) / weight}. Servers of weight 0 and
 * overloaded ones are skipped.
 *
 * <p>Thread-safe; picks are lock-free and allocate nothing.
 */
public final class NeverQueueScheduler extends ListScheduler {

    /** The IPVS name. */
    public static final String NAME = "nq";

    /** Creates the scheduler with no destination. */
    public NeverQueueScheduler() {
    }

    /**
     * Creates the scheduler from options; {@code nq} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public NeverQueueScheduler(SchedulerOptions options) {
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Destination pick(FlowKey flow) {
        Destination[] d = dests;
        Destination least = null;
        long loh = 0;
        for (Destination x : d) {
            if (x.overloaded() || x.weight() == 0) {
                continue;
            }
            int active = x.activeConnections();
            long doh = active + 1L;
            if (active == 0) {
                return x;
            }
            if (least == null || loh * x.weight() > doh * least.weight()) {
                least = x;
                loh = doh;
            }
        }
        return least;
    }
}

package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code lc}: the server with the least overhead, {@code (active << 8) + inactive},
 * skipping servers of weight 0 and overloaded ones; on a tie the first in list order wins.
 *
 * <p>Thread-safe; picks are lock-free and allocate nothing.
 */
public final class LeastConnectionScheduler extends ListScheduler {

    /** The IPVS name. */
    public static final String NAME = "lc";

    /** Creates the scheduler with no destination. */
    public LeastConnectionScheduler() {
    }

    /**
     * Creates the scheduler from options; {@code lc} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public LeastConnectionScheduler(SchedulerOptions options) {
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
        int loh = 0;
        for (Destination x : d) {
            if (x.overloaded() || x.weight() == 0) {
                continue;
            }
            int doh = x.overhead();
            if (least == null || doh < loh) {
                least = x;
                loh = doh;
            }
        }
        return least;
    }
}

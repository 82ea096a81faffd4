package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code fo}: the server of highest weight that is not overloaded; weight 0 never
 * wins, and on a tie the first in list order wins.
 *
 * <p>Thread-safe; picks are lock-free and allocate nothing.
 */
public final class WeightedFailoverScheduler extends ListScheduler {

    /** The IPVS name. */
    public static final String NAME = "fo";

    /** Creates the scheduler with no destination. */
    public WeightedFailoverScheduler() {
    }

    /**
     * Creates the scheduler from options; {@code fo} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public WeightedFailoverScheduler(SchedulerOptions options) {
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Destination pick(FlowKey flow) {
        Destination[] d = dests;
        Destination best = null;
        int hw = 0;
        for (Destination x : d) {
            if (!x.overloaded() && x.weight() > hw) {
                best = x;
                hw = x.weight();
            }
        }
        return best;
    }
}

package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code ovf}: the server of highest weight whose active connections do not exceed its
 * weight, skipping weight 0 and overloaded servers; on a tie the first in list order wins.
 * Traffic overflows to the next server once the heaviest is full.
 *
 * <p>Thread-safe; picks are lock-free and allocate nothing.
 */
public final class WeightedOverflowScheduler extends ListScheduler {

    /** The IPVS name. */
    public static final String NAME = "ovf";

    /** Creates the scheduler with no destination. */
    public WeightedOverflowScheduler() {
    }

    /**
     * Creates the scheduler from options; {@code ovf} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public WeightedOverflowScheduler(SchedulerOptions options) {
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
            int w = x.weight();
            if (x.overloaded() || x.activeConnections() > w || w == 0) {
                continue;
            }
            if (best == null || w > hw) {
                best = x;
                hw = w;
            }
        }
        return best;
    }
}

package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code wlc}: the server with the least overhead per weight, compared without division
 * as IPVS does ({@code loh * dw > doh * lw} in 64 bits). The first server of weight above 0
 * that is not overloaded is the first candidate; later servers replace it only when strictly
 * less loaded, so ties go to the first in list order.
 *
 * <p>Thread-safe; picks are lock-free and allocate nothing.
 */
public final class WeightedLeastConnectionScheduler extends ListScheduler {

    /** The IPVS name. */
    public static final String NAME = "wlc";

    /** Creates the scheduler with no destination. */
    public WeightedLeastConnectionScheduler() {
    }

    /**
     * Creates the scheduler from options; {@code wlc} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public WeightedLeastConnectionScheduler(SchedulerOptions options) {
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Destination pick(FlowKey flow) {
        Destination[] d = dests;
        int n = d.length;
        int i = 0;
        Destination least = null;
        for (; i < n; i++) {
            Destination x = d[i];
            if (!x.overloaded() && x.weight() > 0) {
                least = x;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = least.overhead();
        for (i = i + 1; i < n; i++) {
            Destination x = d[i];
            if (x.overloaded()) {
                continue;
            }
            long doh = x.overhead();
            if (loh * x.weight() > doh * least.weight()) {
                least = x;
                loh = doh;
            }
        }
        return least;
    }
}

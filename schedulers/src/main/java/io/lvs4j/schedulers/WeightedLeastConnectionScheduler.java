package io.lvs4j.schedulers;

import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code wlc}: the server with the least overhead per weight, compared without division
 * as IPVS does ({@code loh * dw > doh * lw} in 64 bits). The first server of weight above 0
 * that is not overloaded is the first candidate; later servers replace it only when strictly
 * less loaded, so ties go to the first in list order.
 *
 * <p>Thread-safe; picks read an index ({@link IndexedScheduler}) in constant time, are lock-free
 * and allocate nothing.
 */
public final class WeightedLeastConnectionScheduler extends IndexedScheduler {

    /** The IPVS name. */
    public static final String NAME = "wlc";

    /** Creates the scheduler with no destination. */
    public WeightedLeastConnectionScheduler() {
        super(LeastLoadIndex.WLC);
    }

    /**
     * Creates the scheduler from options; {@code wlc} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public WeightedLeastConnectionScheduler(SchedulerOptions options) {
        super(LeastLoadIndex.WLC);
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }
}

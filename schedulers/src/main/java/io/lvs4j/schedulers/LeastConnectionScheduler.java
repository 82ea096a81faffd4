package io.lvs4j.schedulers;

import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code lc}: the server with the least overhead, {@code (active << 8) + inactive},
 * skipping servers of weight 0 and overloaded ones; on a tie the first in list order wins.
 *
 * <p>Thread-safe; picks read an index ({@link IndexedScheduler}) in constant time, are lock-free
 * and allocate nothing.
 */
public final class LeastConnectionScheduler extends IndexedScheduler {

    /** The IPVS name. */
    public static final String NAME = "lc";

    /** Creates the scheduler with no destination. */
    public LeastConnectionScheduler() {
        super(LeastLoadIndex.LC);
    }

    /**
     * Creates the scheduler from options; {@code lc} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public LeastConnectionScheduler(SchedulerOptions options) {
        super(LeastLoadIndex.LC);
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }
}

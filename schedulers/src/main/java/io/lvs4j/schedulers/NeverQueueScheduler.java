package io.lvs4j.schedulers;

import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code nq}: the first server (in list order) with no active connection, if any;
 * otherwise as {@code sed}, the least {@code (active + 1) / weight}. Servers of weight 0 and
 * overloaded ones are skipped.
 *
 * <p>Thread-safe; picks read an index ({@link IndexedScheduler}) in constant time, are lock-free
 * and allocate nothing.
 */
public final class NeverQueueScheduler extends IndexedScheduler {

    /** The IPVS name. */
    public static final String NAME = "nq";

    /** Creates the scheduler with no destination. */
    public NeverQueueScheduler() {
        super(LeastLoadIndex.NQ);
    }

    /**
     * Creates the scheduler from options; {@code nq} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public NeverQueueScheduler(SchedulerOptions options) {
        super(LeastLoadIndex.NQ);
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }
}

package io.lvs4j.schedulers;

import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code sed}: the server with the least {@code (active + 1) / weight}, compared
 * cross-multiplied in 64 bits; the first server of weight above 0 that is not overloaded is
 * the first candidate, and ties go to the first in list order. Inactive connections do not
 * count.
 *
 * <p>Thread-safe; picks read an index ({@link IndexedScheduler}) in constant time, are lock-free
 * and allocate nothing.
 */
public final class ShortestExpectedDelayScheduler extends IndexedScheduler {

    /** The IPVS name. */
    public static final String NAME = "sed";

    /** Creates the scheduler with no destination. */
    public ShortestExpectedDelayScheduler() {
        super(LeastLoadIndex.SED);
    }

    /**
     * Creates the scheduler from options; {@code sed} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public ShortestExpectedDelayScheduler(SchedulerOptions options) {
        super(LeastLoadIndex.SED);
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }
}

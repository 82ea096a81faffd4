package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code sed}: the server with the least {@code (active + 1) / weight}, compared
 * cross-multiplied in 64 bits; the first server of weight above 0 that is not overloaded is
 * the first candidate, and ties go to the first in list order. Inactive connections do not
 * count.
 *
 * <p>Thread-safe; picks are lock-free and allocate nothing.
 */
public final class ShortestExpectedDelayScheduler extends ListScheduler {

    /** The IPVS name. */
    public static final String NAME = "sed";

    /** Creates the scheduler with no destination. */
    public ShortestExpectedDelayScheduler() {
    }

    /**
     * Creates the scheduler from options; {@code sed} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public ShortestExpectedDelayScheduler(SchedulerOptions options) {
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
        long loh = least.activeConnections() + 1L;
        for (i = i + 1; i < n; i++) {
            Destination x = d[i];
            if (x.overloaded()) {
                continue;
            }
            long doh = x.activeConnections() + 1L;
            if (loh * x.weight() > doh * least.weight()) {
                least = x;
                loh = doh;
            }
        }
        return least;
    }
}

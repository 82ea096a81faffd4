package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * IPVS's {@code twos}: power of two choices. Two random numbers {@code r1, r2} are drawn in
 * {@code [0, total weight]} (the total over servers of weight above 0 that are not overloaded,
 * plus 1, as IPVS draws them); walking the list, each number is reduced by each server's weight
 * and the server at which it reaches 0 or below is that number's choice. The second choice wins
 * if {@code weight2 * overhead1 > weight1 * overhead2}.
 *
 * <p>The random numbers come from a SplitMix64 sequence seeded with
 * {@link SchedulerOptions#seed()}, advanced by one atomic add per pick, so one thread picking
 * from a given seed always sees the same choices. Thread-safe; picks are lock-free and
 * allocate nothing.
 */
public final class TwoChoicesScheduler extends ListScheduler {

    /** The IPVS name. */
    public static final String NAME = "twos";

    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private final AtomicLong random;

    /**
     * Creates the scheduler with no destination.
     *
     * @param seed the seed of its random numbers
     */
    public TwoChoicesScheduler(long seed) {
        this.random = new AtomicLong(seed);
    }

    /**
     * Creates the scheduler from options: the seed is {@link SchedulerOptions#seed()}.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public TwoChoicesScheduler(SchedulerOptions options) {
        this(Options.check(NAME, options, false).seed());
    }

    @Override
    public String name() {
        return NAME;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public Destination pick(FlowKey flow) {
        Destination[] d = dests;
        int total = 0;
        boolean any = false;
        for (Destination x : d) {
            if (!x.overloaded() && x.weight() > 0) {
                total += x.weight();
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        total += 1;
        long base = random.getAndAdd(2 * GAMMA);
        int r1 = (int) ((mix(base + GAMMA) >>> 32) % total);
        int r2 = (int) ((mix(base + 2 * GAMMA) >>> 32) % total);
        Destination choice1 = null;
        Destination choice2 = null;
        int weight1 = -1;
        int weight2 = -1;
        int overhead1 = 0;
        int overhead2 = 0;
        for (Destination x : d) {
            if (x.overloaded()) {
                continue;
            }
            int w = x.weight();
            if (w <= 0) {
                continue;
            }
            r1 -= w;
            r2 -= w;
            if (r1 <= 0 && weight1 == -1) {
                choice1 = x;
                weight1 = w;
                overhead1 = x.overhead();
            }
            if (r2 <= 0 && weight2 == -1) {
                choice2 = x;
                weight2 = w;
                overhead2 = x.overhead();
            }
            if (weight1 != -1 && weight2 != -1) {
                break;
            }
        }
        if (choice2 != null && (long) weight2 * overhead1 > (long) weight1 * overhead2) {
            return choice2;
        }
        return choice1;
    }
}

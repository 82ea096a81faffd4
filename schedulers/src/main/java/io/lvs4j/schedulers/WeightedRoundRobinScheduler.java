package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code wrr}: weighted round robin by IPVS's passes. Each pass walks the list (the most
 * recently added server first) and picks the servers whose weight reaches the current weight
 * {@code cw}; between passes {@code cw} drops by the gcd {@code di} of the weights, from
 * {@code mw} = max weight - (di - 1) down to 1. Servers of weight 0 and overloaded servers are
 * skipped.
 *
 * <p>Every update is one IPVS {@code dest_changed}: the position returns to the list head, and
 * {@code cw} becomes {@code mw} if it was above it or 0, otherwise it is rounded down to a
 * multiple of the new {@code di} plus 1. So servers added C:2, B:3, A:4 to an empty service,
 * one update each, give A B C A A B A B C A B C. The position and {@code cw} are shared by all
 * event loops through compare-and-set. Thread-safe; picks are lock-free and allocate nothing.
 */
public final class WeightedRoundRobinScheduler extends CursorScheduler {

    /** The IPVS name. */
    public static final String NAME = "wrr";

    /** Creates the scheduler with no destination. */
    public WeightedRoundRobinScheduler() {
        super(new CursorState(new Destination[0], null, 1, 0, 0));
    }

    /**
     * Creates the scheduler from options; {@code wrr} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public WeightedRoundRobinScheduler(SchedulerOptions options) {
        this();
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    private static long pack(int position, int cw) {
        return ((long) (position + 1) << 32) | (cw & 0xFFFF_FFFFL);
    }

    @Override
    CursorState next(CursorState old, DestinationSet destinations) {
        Destination[] dests = Options.toArray(destinations);
        int g = 0;
        int max = 0;
        for (Destination d : dests) {
            int w = d.weight();
            if (w > 0) {
                g = g > 0 ? IpvsHash.gcd(w, g) : w;
            }
            max = Math.max(max, w);
        }
        int di = g > 0 ? g : 1;
        return new CursorState(dests, null, di, max - (di - 1), CursorState.UNSET);
    }

    @Override
    long carry(long cursor, CursorState to) {
        int cw = (int) cursor;
        if (cw > to.mw || cw == 0) {
            cw = to.mw;
        } else if (to.di > 1) {
            cw = (cw / to.di) * to.di + 1;
        }
        return pack(-1, cw);
    }

    @Override
    public Destination pick(FlowKey flow) {
        CursorState s = state();
        for (;;) {
            long c = s.cursor();
            if (unusable(c)) {
                s = settle(s, c);
                continue;
            }
            if (s.mw == 0) {
                return null;
            }
            Destination[] d = s.dests;
            int n = d.length;
            int di = s.di;
            int mw = s.mw;
            int last = (int) (c >>> 32) - 1;
            int cw = (int) c;
            int stop = -2;
            boolean lastPass = false;
            boolean restarted = false;
            int idx = last;
            Destination found = null;
            search:
            for (;;) {
                for (idx = idx + 1; idx < n; idx++) {
                    Destination x = d[idx];
                    if (!x.overloaded() && x.weight() >= cw) {
                        found = x;
                        break search;
                    }
                    if (idx == stop) {
                        break search;
                    }
                }
                idx = -1;
                cw -= di;
                if (cw <= 0) {
                    cw = mw;
                    if (lastPass || last == -1) {
                        break;
                    }
                    restarted = true;
                }
                lastPass = cw <= di;
                if (lastPass && restarted && last != -1) {
                    stop = last;
                }
            }
            if (s.compareAndSet(c, pack(idx, cw))) {
                return found;
            }
        }
    }
}

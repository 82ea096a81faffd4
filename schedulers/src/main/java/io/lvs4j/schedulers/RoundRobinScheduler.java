package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;
import java.util.Map;

/**
 * IPVS's {@code rr}: round robin over the servers in list order (the most recently added
 * first), skipping servers of weight 0 and overloaded ones.
 *
 * <p>As in {@code ip_vs_rr.c}, the cursor is a position in the list and survives updates: it
 * stays on its server when servers are added or changed, and when its server is removed it
 * moves back to the nearest preceding server that remains (or to the list head), so the next
 * pick is the server that followed the removed one. An update that both removes and adds
 * servers behaves as if the removals came first. All event loops share the cursor through
 * compare-and-set, so the picks of all loops together follow IPVS's order. Thread-safe; picks
 * are lock-free and allocate nothing.
 */
public final class RoundRobinScheduler extends CursorScheduler {

    /** The IPVS name. */
    public static final String NAME = "rr";

    /** Creates the scheduler with no destination. */
    public RoundRobinScheduler() {
        super(new CursorState(new Destination[0], new int[0], 1, 0, 0));
    }

    /**
     * Creates the scheduler from options; {@code rr} takes none.
     *
     * @param options the options
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public RoundRobinScheduler(SchedulerOptions options) {
        this();
        Options.check(NAME, options, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    CursorState next(CursorState old, DestinationSet destinations) {
        Destination[] dests = Options.toArray(destinations);
        Map<Endpoint, Integer> positions = Endpoint.positions(dests);
        int[] carry = new int[old.dests.length];
        int previous = -1;
        for (int i = 0; i < carry.length; i++) {
            Integer now = positions.get(Endpoint.of(old.dests[i]));
            carry[i] = now != null ? now : previous;
            previous = carry[i];
        }
        return new CursorState(dests, carry, 1, 0, CursorState.UNSET);
    }

    @Override
    long carry(long cursor, CursorState to) {
        int position = (int) cursor - 1;
        return position < 0 ? 0 : to.carry[position] + 1;
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
            Destination[] d = s.dests;
            int n = d.length;
            int start = (int) c - 1;
            int found = -1;
            int idx = start;
            int pass = 0;
            search:
            do {
                for (idx = idx + 1; idx < n; idx++) {
                    Destination x = d[idx];
                    if (!x.overloaded() && x.weight() > 0) {
                        found = idx;
                        break search;
                    }
                    if (idx == start) {
                        break search;
                    }
                }
                pass++;
                idx = -1;
            } while (pass < 2 && start != -1);
            if (found < 0) {
                return null;
            }
            if (s.compareAndSet(c, found + 1)) {
                return d[found];
            }
        }
    }
}

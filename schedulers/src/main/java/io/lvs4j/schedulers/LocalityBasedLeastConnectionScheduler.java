package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code lblc}: locality-based least connection. Each destination address (the packet's
 * destination, as for a cache cluster) is remembered with the server it was last sent to; the
 * next flow to that address goes there again while the server is in the service, has weight
 * above 0 and is not locally overloaded (more active connections than its weight while some
 * server has fewer than half its weight). Otherwise the weighted least-connection server is
 * chosen and remembered.
 *
 * <p>Entries expire by IPVS's rules on the clock of {@link SchedulerOptions#clock()}: unused
 * for 24 hours at the 30-minute full check, or for 6 minutes once the cache exceeds 16384
 * addresses (see the collection rules of {@code ip_vs_lblc.c}). Thread-safe and lock-free;
 * the first flow to a new destination address allocates its cache entry, later picks allocate
 * nothing.
 */
public final class LocalityBasedLeastConnectionScheduler extends LocalityScheduler {

    /** The IPVS name. */
    public static final String NAME = "lblc";

    /**
     * Creates the scheduler with no destination.
     *
     * @param options the options: the clock; no flags
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public LocalityBasedLeastConnectionScheduler(SchedulerOptions options) {
        super(Options.check(NAME, options, false).clock());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Destination pick(FlowKey flow) {
        long now = clock.nanoTime();
        table.expire(now);
        State s = state;
        boolean v6 = flow.isIpv6();
        long hi = flow.destinationHi();
        long lo = flow.destinationLo();
        LocalityTable.Entry en = table.find(v6, hi, lo);
        if (en != null) {
            en.lastUse = now;
            Slot slot = en.slot;
            Destination d = slot.dest;
            if (slot.available && d.weight() > 0 && !overloaded(d, s.dests())) {
                return d;
            }
        }
        int least = leastLoaded(s.dests());
        if (least < 0) {
            return null;
        }
        Slot chosen = s.slots()[least];
        if (en == null) {
            LocalityTable.Entry fresh = new LocalityTable.Entry(v6, hi, lo, now);
            fresh.slot = chosen;
            en = table.insert(fresh);
        }
        if (en.slot != chosen) {
            en.slot = chosen;
            en.lastUse = now;
        }
        return s.dests()[least];
    }
}

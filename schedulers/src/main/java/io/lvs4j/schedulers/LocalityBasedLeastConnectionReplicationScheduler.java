package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code lblcr}: locality-based least connection with replication. Each destination
 * address is remembered with a set of servers. A flow to a known address goes to the set's
 * weighted least-connection member (skipping overloaded members, members of weight 0 and
 * members no longer in the service); if there is none, or it is locally overloaded (more
 * active connections than its weight while some server has fewer than half its weight), the
 * service's weighted least-connection server is chosen and added to the set. When the set has
 * more than one member and has not changed for the expiration time (24 hours), its most
 * loaded member is dropped.
 *
 * <p>Entries expire by IPVS's rules on the clock of {@link SchedulerOptions#clock()} (see
 * {@code ip_vs_lblcr.c}: unused for 24 hours at the 30-minute full check, or for 6 minutes
 * once the cache exceeds 16384 addresses). Thread-safe and lock-free; a new destination address
 * and every change of a set allocate, picks that change nothing allocate nothing.
 */
public final class LocalityBasedLeastConnectionReplicationScheduler extends LocalityScheduler {

    /** The IPVS name. */
    public static final String NAME = "lblcr";

    /**
     * Creates the scheduler with no destination.
     *
     * @param options the options: the clock; no flags
     * @throws IllegalArgumentException if a flag or a table size is given
     */
    public LocalityBasedLeastConnectionReplicationScheduler(SchedulerOptions options) {
        super(Options.check(NAME, options, false).clock());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return the size of the server set cached for a flow's destination, 0 if none (tests read it) */
    int setSize(FlowKey flow) {
        LocalityTable.Entry en = table.find(flow.isIpv6(), flow.destinationHi(), flow.destinationLo());
        return en == null ? 0 : en.set.length;
    }

    /** IPVS's {@code ip_vs_dest_set_min}. */
    private static Destination setMin(Slot[] set) {
        int n = set.length;
        int i = 0;
        Destination least = null;
        for (; i < n; i++) {
            Destination d = set[i].dest;
            if (d.overloaded()) {
                continue;
            }
            if (d.weight() > 0 && set[i].available) {
                least = d;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = least.overhead();
        for (i = i + 1; i < n; i++) {
            Destination d = set[i].dest;
            if (d.overloaded()) {
                continue;
            }
            long doh = d.overhead();
            if (loh * d.weight() > doh * least.weight() && set[i].available) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }

    /** IPVS's {@code ip_vs_dest_set_max}. */
    private static Slot setMax(Slot[] set) {
        int n = set.length;
        int i = 0;
        Slot most = null;
        for (; i < n; i++) {
            if (set[i].dest.weight() > 0) {
                most = set[i];
                break;
            }
        }
        if (most == null) {
            return null;
        }
        long moh = most.dest.overhead();
        for (i = i + 1; i < n; i++) {
            Destination d = set[i].dest;
            long doh = d.overhead();
            if (moh * d.weight() < doh * most.dest.weight() && d.weight() > 0) {
                most = set[i];
                moh = doh;
            }
        }
        return most;
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
            Destination dest = setMin(en.set);
            if (en.set.length > 1 && now - (en.lastMod + EXPIRATION) > 0) {
                Slot m = setMax(en.set);
                if (m != null) {
                    en.erase(m, now);
                }
            }
            if (dest != null && !overloaded(dest, s.dests())) {
                return dest;
            }
            int least = leastLoaded(s.dests());
            if (least < 0) {
                return null;
            }
            en.insert(s.slots()[least], now);
            return s.dests()[least];
        }
        int least = leastLoaded(s.dests());
        if (least < 0) {
            return null;
        }
        LocalityTable.Entry fresh = new LocalityTable.Entry(v6, hi, lo, now);
        fresh.set = new Slot[] {s.slots()[least]};
        LocalityTable.Entry in = table.insert(fresh);
        if (in != fresh) {
            in.insert(s.slots()[least], now);
        }
        return s.dests()[least];
    }
}

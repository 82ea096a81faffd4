package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.time.NanoClock;
import java.util.HashMap;
import java.util.Map;

/**
 * Base of {@code lblc} and {@code lblcr}: the published list with one {@link Slot} per server,
 * the destination-address cache, and the two rules both share, the weighted least-connection
 * choice and IPVS's locality overload test. Picks run on any thread; updates on one control
 * thread at a time.
 */
abstract sealed class LocalityScheduler implements Scheduler
        permits LocalityBasedLeastConnectionScheduler, LocalityBasedLeastConnectionReplicationScheduler {

    /** IPVS's default {@code lblc_expiration} and {@code lblcr_expiration}: one day. */
    static final long EXPIRATION = 24 * 60 * 60_000_000_000L;

    record State(Destination[] dests, Slot[] slots) {
    }

    final NanoClock clock;
    final LocalityTable table;
    volatile State state = new State(new Destination[0], new Slot[0]);
    private final Map<Endpoint, Slot> slots = new HashMap<>();

    LocalityScheduler(NanoClock clock) {
        this.clock = clock;
        this.table = new LocalityTable(clock.nanoTime(), EXPIRATION);
    }

    @Override
    public final void update(DestinationSet destinations) {
        Destination[] dests = Options.toArray(destinations);
        Slot[] s = new Slot[dests.length];
        Map<Endpoint, Slot> present = new HashMap<>();
        for (int i = 0; i < dests.length; i++) {
            Endpoint e = Endpoint.of(dests[i]);
            Slot slot = slots.get(e);
            if (slot == null) {
                slot = new Slot(dests[i]);
                slots.put(e, slot);
            }
            slot.dest = dests[i];
            slot.available = true;
            s[i] = slot;
            present.put(e, slot);
        }
        for (Map.Entry<Endpoint, Slot> e : slots.entrySet()) {
            if (!present.containsKey(e.getKey())) {
                e.getValue().available = false;
            }
        }
        state = new State(dests, s);
    }

    /** @return how many destination addresses the cache holds */
    public final int cachedAddresses() {
        return table.size();
    }

    /**
     * IPVS's {@code __ip_vs_lblc_schedule}: weighted least connection over the service,
     * skipping overloaded servers; the first server of weight above 0 is the first candidate.
     *
     * @return the position of the chosen server, or -1
     */
    static int leastLoaded(Destination[] d) {
        int n = d.length;
        int least = -1;
        int i = 0;
        for (; i < n; i++) {
            if (!d[i].overloaded() && d[i].weight() > 0) {
                least = i;
                break;
            }
        }
        if (least < 0) {
            return -1;
        }
        long loh = d[least].overhead();
        for (i = i + 1; i < n; i++) {
            Destination x = d[i];
            if (x.overloaded()) {
                continue;
            }
            long doh = x.overhead();
            if (loh * x.weight() > doh * d[least].weight()) {
                least = i;
                loh = doh;
            }
        }
        return least;
    }

    /**
     * IPVS's locality {@code is_overloaded}: the server has more active connections than its
     * weight while some server of the service has fewer than half its weight.
     */
    static boolean overloaded(Destination dest, Destination[] d) {
        if (dest.activeConnections() > dest.weight()) {
            for (Destination x : d) {
                if (x.activeConnections() * 2L < x.weight()) {
                    return true;
                }
            }
        }
        return false;
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.status.TrafficStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives destination ids to the virtual services' real servers and takes them back, the control
 * plane's half of the {@link DestinationTable}.
 *
 * <p>A server seen for the first time gets an id; a removed one keeps it, unavailable (its
 * templates stop matching and its connections follow IPVS's {@code expire_nodest_conn} rule),
 * and gets traffic again under the same id once it is back, as IPVS keeps removed servers in its
 * trash. When every id has been given, the id of a removed server (or of a removed service's
 * server) is given to the new one, once it is drained: no connection entry or template holds it
 * and every loop has ticked since it was retired and since it was last seen drained, so that no
 * loop still works with it. Its traffic is first added to its old service's retired traffic, so a
 * service's totals only grow.
 *
 * <p>Threading: control plane; every method holds this object's lock, so that traffic sums read
 * while an id changes hands count it once.
 */
final class DestinationIds {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationIds.class);

    private final DestinationTable table;
    private final DestinationRegistry registry;
    /** The epoch at which an id was retired (removed from its service), 0 while in use. */
    private final long[] retiredAt;
    /** The epoch at which a retired id was first seen holding no connection, 0 before. */
    private final long[] drainedAt;
    /** What the loops had counted for an id when it was given to its present server. */
    private final TrafficStats[] baseline;
    private final Set<String> warned = new HashSet<>();
    private long stamp;

    DestinationIds(DestinationTable table) {
        this.table = table;
        this.registry = table.registry();
        retiredAt = new long[table.capacity()];
        drainedAt = new long[table.capacity()];
        baseline = new TrafficStats[table.capacity()];
    }

    /**
     * Follows the services' real servers: a server seen for the first time gets an id, a removed
     * one is made unavailable, one that is back is available again with its weight.
     *
     * @param slots the published services (a sync that read them just before a service was
     *     removed leaves the removed one alone)
     * @param quiescent the epoch every loop has ticked at or after ({@link Long#MAX_VALUE} with no loop)
     * @param loops the loops' traffic counters
     * @return how many servers got an id or came back
     */
    synchronized int sync(List<ServiceSlot> slots, long quiescent, List<TrafficCounters> loops) {
        stamp = 0;
        drain(quiescent);
        int changed = 0;
        for (ServiceSlot slot : slots) {
            DestinationSet set = slot.service().destinations();
            if (!slot.forgotten() && set != slot.seen()) {
                changed += follow(slot, set, quiescent, loops);
            }
        }
        return changed;
    }

    private int follow(ServiceSlot slot, DestinationSet set, long quiescent, List<TrafficCounters> loops) {
        Map<ConnectionCounters, Integer> ids = new HashMap<>(slot.ids());
        for (Map.Entry<ConnectionCounters, Integer> known : ids.entrySet()) {
            int id = known.getValue();
            if (!contains(set, known.getKey()) && registry.available(id)) {
                registry.unavailable(id);
                retiredAt[id] = stamp();
            }
        }
        int changed = 0;
        boolean complete = true;
        int family = slot.service().address().getAddress().length;
        for (int i = 0; i < set.size(); i++) {
            Destination d = set.get(i);
            String endpoint = d.server().endpoint();
            if (d.server().address().getAddress().length != family) {
                if (warned.add(slot.service() + " " + endpoint)) {
                    LOG.warn("real server {} is not of the address family of {}: not forwarded to", endpoint,
                            slot.service());
                }
                continue;
            }
            Integer known = ids.get(d.counters());
            if (known != null) {
                if (!registry.available(known)) {
                    changed++;
                }
                registry.register(known, d.counters(), d.server().weight());
                retiredAt[known] = 0;
                drainedAt[known] = 0;
                continue;
            }
            int id = table.add(d.server().address(), d.server().port(), slot);
            if (id < 0) {
                id = reuse(slot, ids, quiescent, loops);
                if (id >= 0) {
                    table.assign(id, d.server().address(), d.server().port(), slot);
                }
            } else {
                baseline[id] = TrafficStats.ZERO;
            }
            if (id < 0) {
                complete = false;
                if (warned.add(slot.service() + " " + endpoint)) {
                    LOG.warn("no destination id left for {} of {} (maxRealServers {}, none drained): it gets no"
                            + " connection until a removed server's connections end", endpoint, slot.service(),
                            table.capacity());
                }
                continue;
            }
            warned.remove(slot.service() + " " + endpoint);
            registry.register(id, d.counters(), d.server().weight());
            ids.put(d.counters(), id);
            changed++;
        }
        slot.ids(ids);
        slot.seen(complete ? set : null);
        return changed;
    }

    /** Marks retired ids that hold no connection any more, once every loop has ticked since their retirement. */
    private void drain(long quiescent) {
        for (int id = 0; id < table.size(); id++) {
            if (retiredAt[id] != 0 && drainedAt[id] == 0 && retiredAt[id] <= quiescent && idle(id)) {
                drainedAt[id] = stamp();
            }
        }
    }

    /**
     * Takes the id of a drained server from its old service, adding its traffic to the service's
     * retired traffic; the caller gives it to a new server.
     *
     * @param slot the slot asking (its own map is {@code ids}, being changed)
     * @return the id, or -1 if none is drained
     */
    private int reuse(ServiceSlot slot, Map<ConnectionCounters, Integer> ids, long quiescent,
            List<TrafficCounters> loops) {
        for (int id = 0; id < table.size(); id++) {
            if (drainedAt[id] == 0 || drainedAt[id] > quiescent || !idle(id)) {
                continue;
            }
            ServiceSlot previous = table.owner(id);
            TrafficStats total = TrafficCounters.sum(loops, id);
            if (previous != null) {
                previous.retire(minus(total, baseline[id]));
                if (previous == slot) {
                    ids.values().remove(id);
                } else {
                    Map<ConnectionCounters, Integer> theirs = new HashMap<>(previous.ids());
                    theirs.values().remove(id);
                    previous.ids(theirs);
                }
            }
            baseline[id] = total;
            retiredAt[id] = 0;
            drainedAt[id] = 0;
            return id;
        }
        return -1;
    }

    /**
     * Takes every id of a removed service away: unavailable, owned by no service, reusable once
     * drained.
     *
     * @param slot the removed service's slot
     */
    synchronized void forget(ServiceSlot slot) {
        stamp = 0;
        slot.forget();
        for (int id : slot.ids().values()) {
            registry.unavailable(id);
            table.orphan(id);
            if (retiredAt[id] == 0) {
                retiredAt[id] = stamp();
            }
        }
        slot.ids(Map.of());
        slot.seen(null);
    }

    /**
     * Sums a service's traffic: what its present ids counted since they became its own, and
     * what the ids it gave away had counted for it.
     *
     * @param slot the service
     * @param loops the loops' counters
     * @return the totals
     */
    synchronized TrafficStats service(ServiceSlot slot, List<TrafficCounters> loops) {
        TrafficStats sum = slot.retired();
        for (int id : slot.ids().values()) {
            sum = sum.plus(server(id, loops));
        }
        return sum;
    }

    /**
     * Sums one id's traffic since it was given to its present server.
     *
     * @param id the id
     * @param loops the loops' counters
     * @return the totals
     */
    synchronized TrafficStats server(int id, List<TrafficCounters> loops) {
        TrafficStats base = baseline[id];
        TrafficStats total = TrafficCounters.sum(loops, id);
        return base == null ? total : minus(total, base);
    }

    /** @return whether no connection entry or template holds an id */
    private boolean idle(int id) {
        ConnectionCounters counters = registry.counters(id);
        return counters == null
                || counters.activeConnections() + counters.inactiveConnections() + counters.persistentConnections() == 0;
    }

    /** @return the epoch of this sync, started on first use */
    private long stamp() {
        if (stamp == 0) {
            stamp = table.advanceEpoch();
        }
        return stamp;
    }

    private static boolean contains(DestinationSet set, ConnectionCounters counters) {
        for (int i = 0; i < set.size(); i++) {
            if (set.get(i).counters() == counters) {
                return true;
            }
        }
        return false;
    }

    private static TrafficStats minus(TrafficStats a, TrafficStats b) {
        return new TrafficStats(a.connections() - b.connections(), a.inPackets() - b.inPackets(),
                a.outPackets() - b.outPackets(), a.inBytes() - b.inBytes(), a.outBytes() - b.outBytes());
    }
}

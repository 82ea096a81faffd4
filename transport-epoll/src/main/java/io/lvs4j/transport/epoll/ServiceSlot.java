package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.status.TrafficStats;

import java.util.Map;
import java.util.Objects;

/**
 * A virtual service as the data path knows it, from the moment it is published until it is
 * removed: the service, its forwarding, and the destination ids of its real servers. It is the
 * service's stable identity: whatever position the service has in the {@link ServiceTable} of
 * the moment (a reload may add, remove and reorder services), the ids it owns, and so its traffic
 * totals, stay its own. A change of forwarding method makes a new slot, as for a new service.
 *
 * <p>Threading: loops read {@link #id} (one volatile read, no allocation); the rest is the
 * control plane's, under the {@link DestinationIds}' lock.
 */
final class ServiceSlot {

    private final VirtualService service;
    private final Forwarding forwarding;
    private volatile Map<ConnectionCounters, Integer> ids = Map.of();
    /** The destination set last followed (control plane). */
    private DestinationSet seen;
    /** Traffic of ids this slot owned before they were given to other servers (control plane). */
    private TrafficStats retired = TrafficStats.ZERO;
    /** Set once the service is no longer published: its servers get no id any more (control plane). */
    private boolean forgotten;

    ServiceSlot(VirtualService service, Forwarding forwarding) {
        this.service = Objects.requireNonNull(service, "service");
        this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
    }

    VirtualService service() {
        return service;
    }

    Forwarding forwarding() {
        return forwarding;
    }

    /**
     * Finds the id of a scheduler's pick; any thread.
     *
     * @param counters the picked destination's counters
     * @return its id, or -1 if it has none (yet)
     */
    int id(ConnectionCounters counters) {
        Integer id = ids.get(counters);
        return id == null ? -1 : id;
    }

    /** @return the ids of the servers this slot knows, present or removed but not yet given away */
    Map<ConnectionCounters, Integer> ids() {
        return ids;
    }

    void ids(Map<ConnectionCounters, Integer> next) {
        ids = Map.copyOf(next);
    }

    DestinationSet seen() {
        return seen;
    }

    void seen(DestinationSet set) {
        seen = set;
    }

    boolean forgotten() {
        return forgotten;
    }

    void forget() {
        forgotten = true;
    }

    TrafficStats retired() {
        return retired;
    }

    void retire(TrafficStats traffic) {
        retired = retired.plus(traffic);
    }

    @Override
    public String toString() {
        return service + " (" + forwarding.method() + ")";
    }
}

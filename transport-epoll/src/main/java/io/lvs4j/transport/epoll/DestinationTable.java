package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Every real server a director has forwarded to, by destination id, the number its connection
 * entries hold: the server's address and port and its virtual service (fixed once the id is
 * given), its counters, weight and availability (in the {@link DestinationRegistry} the
 * connection tables read) and its MAC address, learnt by the loops from ARP and Neighbor
 * Discovery. Ids are never reused: a server removed from its service keeps its id, so its
 * connections go on until they end, and gets traffic again under the same id once it is back,
 * as IPVS keeps removed servers in its trash.
 *
 * <p>Threading: {@link #sync} is the control plane's (one caller at a time); loops read
 * everything and {@link #learn learn} MACs, lock-free and allocation-free. An id's fixed fields
 * are written before the published size covers it.
 */
final class DestinationTable {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationTable.class);
    private static final VarHandle AA = MethodHandles.arrayElementVarHandle(long[].class);

    private final DestinationRegistry registry;
    private final int[] address4;
    private final long[] high;
    private final long[] low;
    private final boolean[] ipv6;
    private final int[] port;
    private final int[] service;
    private final long[] macs;
    private final long[] seen;
    private final long staleNanos;
    private volatile int size;
    private final AtomicReferenceArray<Map<ConnectionCounters, Integer>> idsByService;
    private final DestinationSet[] seenSets;

    /**
     * Creates an empty table.
     *
     * @param capacity how many ids it can give
     * @param services how many virtual services there are
     * @param staleNanos how long a learnt MAC stays valid unconfirmed
     */
    DestinationTable(int capacity, int services, long staleNanos) {
        registry = new DestinationRegistry(capacity);
        address4 = new int[capacity];
        high = new long[capacity];
        low = new long[capacity];
        ipv6 = new boolean[capacity];
        port = new int[capacity];
        service = new int[capacity];
        macs = new long[capacity];
        seen = new long[capacity];
        this.staleNanos = staleNanos;
        idsByService = new AtomicReferenceArray<>(services);
        for (int s = 0; s < services; s++) {
            idsByService.set(s, Map.of());
        }
        seenSets = new DestinationSet[services];
    }

    /** @return the registry of counters, weights and availability, by id */
    DestinationRegistry registry() {
        return registry;
    }

    /**
     * Follows the services' real servers: a server seen for the first time gets an id, a
     * removed one is made unavailable (its templates stop matching, as in IPVS), one that is
     * back is available again with its weight. Control plane.
     *
     * @param services the services
     * @return how many servers were new
     */
    synchronized int sync(ServiceTable services) {
        int added = 0;
        for (int s = 0; s < services.size(); s++) {
            DestinationSet set = services.service(s).destinations();
            if (set == seenSets[s]) {
                continue;
            }
            seenSets[s] = set;
            Map<ConnectionCounters, Integer> ids = idsByService.get(s);
            for (Map.Entry<ConnectionCounters, Integer> known : ids.entrySet()) {
                if (!contains(set, known.getKey())) {
                    registry.unavailable(known.getValue());
                }
            }
            Map<ConnectionCounters, Integer> next = null;
            int family = services.service(s).address().getAddress().length;
            for (int i = 0; i < set.size(); i++) {
                Destination d = set.get(i);
                if (d.server().address().getAddress().length != family) {
                    LOG.warn("real server {} is not of the address family of {}: not forwarded to",
                            d.server().endpoint(), services.service(s));
                    continue;
                }
                Integer id = ids.get(d.counters());
                if (id != null) {
                    registry.register(id, d.counters(), d.server().weight());
                    continue;
                }
                if (size == macs.length) {
                    LOG.warn("no destination id left for {} (maxRealServers {})", d.server().endpoint(), macs.length);
                    continue;
                }
                if (next == null) {
                    next = new IdentityHashMap<>(ids);
                }
                int newId = add(d.server().address(), d.server().port(), s);
                registry.register(newId, d.counters(), d.server().weight());
                next.put(d.counters(), newId);
                added++;
            }
            if (next != null) {
                idsByService.set(s, Collections.unmodifiableMap(next));
            }
        }
        return added;
    }

    private static boolean contains(DestinationSet set, ConnectionCounters counters) {
        for (int i = 0; i < set.size(); i++) {
            if (set.get(i).counters() == counters) {
                return true;
            }
        }
        return false;
    }

    /** Gives the next id to a server of a service (control plane); its fields are fixed from then on. */
    int add(InetAddress address, int serverPort, int serviceIndex) {
        int id = size;
        ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
        if (address instanceof Inet4Address) {
            address4[id] = bytes.getInt();
        } else {
            high[id] = bytes.getLong();
            low[id] = bytes.getLong();
            ipv6[id] = true;
        }
        port[id] = serverPort;
        service[id] = serviceIndex;
        size = id + 1;
        return id;
    }

    /**
     * Finds the id of a scheduler's pick.
     *
     * @param serviceIndex the service
     * @param counters the picked destination's counters
     * @return its id, or -1 if it has none (yet)
     */
    int id(int serviceIndex, ConnectionCounters counters) {
        Integer id = idsByService.get(serviceIndex).get(counters);
        return id == null ? -1 : id;
    }

    /** @return the number of ids given */
    int size() {
        return size;
    }

    /** @return the number of ids the table can give */
    int capacity() {
        return macs.length;
    }

    /** @return whether a destination is IPv6 */
    boolean ipv6(int id) {
        return ipv6[id];
    }

    /** @return a destination's IPv4 address (0 for IPv6) */
    int address(int id) {
        return address4[id];
    }

    /** Writes a destination's IPv6 address (16 bytes) into memory. */
    void address6(int id, MemorySegment into, long offset) {
        into.set(NetworkOrder.U64, offset, high[id]);
        into.set(NetworkOrder.U64, offset + 8, low[id]);
    }

    /** Writes a destination's address (4 or 16 bytes) at the start of memory. */
    void address(int id, MemorySegment into) {
        if (ipv6[id]) {
            address6(id, into, 0);
        } else {
            into.set(NetworkOrder.U32, 0, address4[id]);
        }
    }

    /** @return a destination's port */
    int port(int id) {
        return port[id];
    }

    /** @return the index of a destination's virtual service */
    int service(int id) {
        return service[id];
    }

    /** @return whether a destination has an address, of either family */
    boolean is(int id, InetAddress address) {
        ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
        if (address instanceof Inet4Address) {
            return !ipv6[id] && address4[id] == bytes.getInt();
        }
        return ipv6[id] && high[id] == bytes.getLong() && low[id] == bytes.getLong();
    }

    /** Records an ARP sender's MAC if it is an IPv4 destination. Any loop. */
    void learn(int ip, long mac, long now) {
        int n = size;
        for (int id = 0; id < n; id++) {
            if (address4[id] == ip && !ipv6[id]) {
                confirm(id, mac, now);
            }
        }
    }

    /** Records the MAC of an IPv6 address (16 bytes in memory) if it is a destination's. Any loop. */
    void learn6(MemorySegment memory, long offset, long mac, long now) {
        long h = memory.get(NetworkOrder.U64, offset);
        long l = memory.get(NetworkOrder.U64, offset + 8);
        int n = size;
        for (int id = 0; id < n; id++) {
            if (low[id] == l && high[id] == h && ipv6[id]) {
                confirm(id, mac, now);
            }
        }
    }

    private void confirm(int id, long mac, long now) {
        AA.setOpaque(macs, id, mac);
        AA.setRelease(seen, id, now);
    }

    /** @return a destination's MAC, or 0 if unresolved or stale */
    long mac(int id, long now) {
        long at = (long) AA.getAcquire(seen, id);
        if (at == 0 || now - at > staleNanos) {
            return 0;
        }
        return (long) AA.getOpaque(macs, id);
    }

    /** @return whether a destination's MAC was confirmed within {@code ageNanos} */
    boolean fresh(int id, long now, long ageNanos) {
        long at = (long) AA.getAcquire(seen, id);
        return at != 0 && now - at <= ageNanos;
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.packet.NetworkOrder;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Every real server a director forwards to, by destination id, the number its connection
 * entries hold: the server's address and port and the {@link ServiceSlot} of its virtual
 * service, its counters, weight and availability (in the {@link DestinationRegistry} the
 * connection tables read) and its MAC address, learnt by the loops from ARP and Neighbor
 * Discovery. {@link DestinationIds} gives the ids out and takes them back; an id is given to
 * another server only once no connection entry holds it, so a loop reading an entry's id
 * always finds that entry's server.
 *
 * <p>Threading: {@link #assign} is the control plane's (one caller at a time); loops read
 * everything and {@link #learn learn} MACs, lock-free and allocation-free. An id's fields are
 * written before the published size or a service's id map covers it. A MAC learnt for an id
 * while the id is being given to another server is thrown away: {@link #confirm} checks the
 * id's generation again after writing.
 */
final class DestinationTable {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle OWNERS = MethodHandles.arrayElementVarHandle(ServiceSlot[].class);

    private final DestinationRegistry registry;
    private final int[] address4;
    private final long[] high;
    private final long[] low;
    private final boolean[] ipv6;
    private final int[] port;
    private final ServiceSlot[] owner;
    private final int[] generation;
    private final long[] macs;
    private final long[] seen;
    /** The data-path interface toward each destination ({@link DataLinks#route}), 0 with one interface. */
    private final int[] egress;
    private final long staleNanos;
    private volatile DataLinks links;
    private volatile int size;
    private volatile long epoch;

    /**
     * Creates an empty table.
     *
     * @param capacity how many ids it can give
     * @param staleNanos how long a learnt MAC stays valid unconfirmed
     */
    DestinationTable(int capacity, long staleNanos) {
        registry = new DestinationRegistry(capacity);
        address4 = new int[capacity];
        high = new long[capacity];
        low = new long[capacity];
        ipv6 = new boolean[capacity];
        port = new int[capacity];
        owner = new ServiceSlot[capacity];
        generation = new int[capacity];
        macs = new long[capacity];
        seen = new long[capacity];
        egress = new int[capacity];
        this.staleNanos = staleNanos;
    }

    /**
     * Sets the interfaces the destinations are reached through and chooses each given id's
     * (control plane, before the loops forward; later ids are routed as they are assigned).
     *
     * @param value the data path's interfaces
     */
    void links(DataLinks value) {
        links = value;
        for (int id = 0; id < size; id++) {
            INTS.setRelease(egress, id, route(value, id));
        }
    }

    /** IPv6 and tunnelled servers are reached through the director's interface (slot 0), where its own address is. */
    private int route(DataLinks value, int id) {
        ServiceSlot slot = owner(id);
        boolean tunnel = slot != null && slot.forwarding().method() == io.lvs4j.core.model.ForwardingMethod.TUNNEL;
        return ipv6[id] || tunnel ? 0 : value.route(address4[id]);
    }

    /** @return the slot of the interface toward a destination (IPv6 and tunnelled: always 0) */
    int egress(int id) {
        return egress[id];
    }

    /** @return the registry of counters, weights and availability, by id */
    DestinationRegistry registry() {
        return registry;
    }

    /**
     * Gives the next unused id to a server (control plane).
     *
     * @return the id, or -1 when every id has been given
     */
    int add(InetAddress address, int serverPort, ServiceSlot slot) {
        int id = size;
        if (id == macs.length) {
            return -1;
        }
        assign(id, address, serverPort, slot);
        size = id + 1;
        return id;
    }

    /**
     * Writes an id's server (control plane): a new id before {@link #add} publishes it, or an id
     * no connection holds any more, before the new server's slot publishes it. Its MAC is
     * forgotten.
     */
    void assign(int id, InetAddress address, int serverPort, ServiceSlot slot) {
        ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
        if (address instanceof Inet4Address) {
            address4[id] = bytes.getInt();
            high[id] = 0;
            low[id] = 0;
            ipv6[id] = false;
        } else {
            address4[id] = 0;
            high[id] = bytes.getLong();
            low[id] = bytes.getLong();
            ipv6[id] = true;
        }
        port[id] = serverPort;
        OWNERS.setRelease(owner, id, slot);
        DataLinks l = links;
        INTS.setRelease(egress, id, l == null ? 0 : route(l, id));
        INTS.getAndAdd(generation, id, 1);
        LONGS.setRelease(seen, id, 0L);
    }

    /** Takes an id away from its service (control plane): it is reusable once drained. */
    void orphan(int id) {
        OWNERS.setRelease(owner, id, null);
    }

    /** @return the number of ids given */
    int size() {
        return size;
    }

    /** @return the number of ids the table can give */
    int capacity() {
        return macs.length;
    }

    /** @return the control plane's epoch, which every loop notes at each tick */
    long epoch() {
        return epoch;
    }

    /** Starts a new epoch (control plane). @return its number */
    long advanceEpoch() {
        long next = epoch + 1;
        epoch = next;
        return next;
    }

    /** @return the slot of the service an id belongs to, null if it belongs to none now */
    ServiceSlot owner(int id) {
        return (ServiceSlot) OWNERS.getAcquire(owner, id);
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
            int g = (int) INTS.getAcquire(generation, id);
            if (address4[id] == ip && !ipv6[id]) {
                confirm(id, g, mac, now);
            }
        }
    }

    /** Records the MAC of an IPv6 address (16 bytes in memory) if it is a destination's. Any loop. */
    void learn6(MemorySegment memory, long offset, long mac, long now) {
        long h = memory.get(NetworkOrder.U64, offset);
        long l = memory.get(NetworkOrder.U64, offset + 8);
        int n = size;
        for (int id = 0; id < n; id++) {
            int g = (int) INTS.getAcquire(generation, id);
            if (low[id] == l && high[id] == h && ipv6[id]) {
                confirm(id, g, mac, now);
            }
        }
    }

    /**
     * Stores a MAC for an id whose address matched at {@code generation}; if the id was given to
     * another server meanwhile, the MAC is taken back (the control plane clears it after the
     * generation changes, so one of the two clears wins).
     */
    private void confirm(int id, int generationSeen, long mac, long now) {
        LONGS.setOpaque(macs, id, mac);
        LONGS.setRelease(seen, id, now);
        VarHandle.fullFence();
        if ((int) INTS.getAcquire(generation, id) != generationSeen) {
            LONGS.setRelease(seen, id, 0L);
        }
    }

    /** @return a destination's MAC, or 0 if unresolved or stale */
    long mac(int id, long now) {
        long at = (long) LONGS.getAcquire(seen, id);
        if (at == 0 || now - at > staleNanos) {
            return 0;
        }
        return (long) LONGS.getOpaque(macs, id);
    }

    /** @return whether a destination's MAC was confirmed within {@code ageNanos} */
    boolean fresh(int id, long now, long ageNanos) {
        long at = (long) LONGS.getAcquire(seen, id);
        return at != 0 && now - at <= ageNanos;
    }

    /** @return whether an id is worth resolving: available, or holding connections */
    boolean live(int id) {
        if (registry.available(id)) {
            return true;
        }
        ConnectionCounters counters = registry.counters(id);
        return counters != null && counters.totalConnections() + counters.persistentConnections() > 0;
    }
}

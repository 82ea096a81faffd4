package io.lvs4j.transport.epoll;

import io.lvs4j.core.packet.NetworkOrder;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * The MAC addresses of the real servers, by destination id, IPv4 ones learnt from ARP and IPv6
 * ones from Neighbor Discovery. Any loop may learn (a reply lands on whichever loop the fanout
 * picks); every loop reads. A MAC not confirmed for {@code staleNanos} reads as unresolved, so
 * the data path never forwards to a vanished server's old address. Lock-free,
 * allocation-free but for {@link #add(InetAddress)}.
 */
final class Neighbours {

    private static final VarHandle AA = MethodHandles.arrayElementVarHandle(long[].class);

    private final int[] addresses;
    private final long[] high;
    private final long[] low;
    private final boolean[] ipv6;
    private final long[] macs;
    private final long[] seen;
    private final long staleNanos;
    private volatile int size;

    Neighbours(int capacity, long staleNanos) {
        this.addresses = new int[capacity];
        this.high = new long[capacity];
        this.low = new long[capacity];
        this.ipv6 = new boolean[capacity];
        this.macs = new long[capacity];
        this.seen = new long[capacity];
        this.staleNanos = staleNanos;
    }

    int size() {
        return size;
    }

    int capacity() {
        return addresses.length;
    }

    /**
     * Adds an IPv4 destination (control plane, one writer at a time); readers see it once the
     * size is published.
     *
     * @return its id
     */
    int add(int ip) {
        int id = size;
        addresses[id] = ip;
        size = id + 1;
        return id;
    }

    /**
     * Adds an IPv6 destination (control plane, one writer at a time).
     *
     * @param addressHigh the first 8 bytes of the address, big-endian
     * @param addressLow the last 8 bytes
     * @return its id
     */
    int add6(long addressHigh, long addressLow) {
        int id = size;
        high[id] = addressHigh;
        low[id] = addressLow;
        ipv6[id] = true;
        size = id + 1;
        return id;
    }

    /** Adds a destination of either family (control plane). @return its id */
    int add(InetAddress address) {
        ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
        return address instanceof Inet4Address ? add(bytes.getInt()) : add6(bytes.getLong(), bytes.getLong());
    }

    /** @return {@code true} if the destination has an IPv6 address */
    boolean ipv6(int id) {
        return ipv6[id];
    }

    /** @return the IPv4 address of a destination (0 for an IPv6 one) */
    int address(int id) {
        return addresses[id];
    }

    /** Writes the IPv6 address of a destination (16 bytes) into memory. */
    void address6(int id, MemorySegment into, long offset) {
        into.set(NetworkOrder.U64, offset, high[id]);
        into.set(NetworkOrder.U64, offset + 8, low[id]);
    }

    /** @return {@code true} if the destination has this address, of either family */
    boolean is(int id, InetAddress address) {
        ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
        if (address instanceof Inet4Address) {
            return !ipv6[id] && addresses[id] == bytes.getInt();
        }
        return ipv6[id] && high[id] == bytes.getLong() && low[id] == bytes.getLong();
    }

    /** Records an ARP sender if it is an IPv4 real server. */
    void learn(int ip, long mac, long now) {
        int n = size;
        for (int id = 0; id < n; id++) {
            if (addresses[id] == ip && !ipv6[id]) {
                confirm(id, mac, now);
            }
        }
    }

    /** Records a neighbour advertisement's target (or a solicitation's source) if it is an IPv6 real server. */
    void learn6(MemorySegment segment, long offset, long mac, long now) {
        long h = segment.get(NetworkOrder.U64, offset);
        long l = segment.get(NetworkOrder.U64, offset + 8);
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

    /** @return the MAC of a destination, or 0 if unresolved or stale */
    long mac(int id, long now) {
        long at = (long) AA.getAcquire(seen, id);
        if (at == 0 || now - at > staleNanos) {
            return 0;
        }
        return (long) AA.getOpaque(macs, id);
    }

    /** @return {@code true} if the destination's MAC was confirmed within {@code ageNanos} */
    boolean fresh(int id, long now, long ageNanos) {
        long at = (long) AA.getAcquire(seen, id);
        return at != 0 && now - at <= ageNanos;
    }
}

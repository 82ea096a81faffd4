package io.lvs4j.transport.epoll;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The MAC addresses of the real servers, by destination id, learnt from ARP. Any loop may learn
 * (an ARP reply lands on whichever loop the fanout picks); every loop reads. A MAC not confirmed
 * for {@code staleNanos} reads as unresolved, so the data path never forwards to a vanished
 * server's old address. Lock-free, allocation-free.
 */
final class Neighbours {

    private static final VarHandle AA = MethodHandles.arrayElementVarHandle(long[].class);

    private final int[] addresses;
    private final long[] macs;
    private final long[] seen;
    private final long staleNanos;
    private volatile int size;

    Neighbours(int capacity, long staleNanos) {
        this.addresses = new int[capacity];
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
     * Adds a destination (control plane, one writer at a time); readers see it once the size
     * is published.
     *
     * @return its id
     */
    int add(int ip) {
        int id = size;
        addresses[id] = ip;
        size = id + 1;
        return id;
    }

    int address(int id) {
        return addresses[id];
    }

    /** Records an ARP sender if it is a real server. */
    void learn(int ip, long mac, long now) {
        int n = size;
        for (int id = 0; id < n; id++) {
            if (addresses[id] == ip) {
                AA.setOpaque(macs, id, mac);
                AA.setRelease(seen, id, now);
            }
        }
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

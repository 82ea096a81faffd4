package io.lvs4j.transport.epoll;

import io.lvs4j.core.status.TrafficStats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One loop's traffic counters per destination id, as IPVS's {@code ip_vs_stats}: connections
 * scheduled, packets and bytes in (client to server) and out (server to client, seen only where
 * the replies pass the director: NAT and full-NAT). Bytes are those of the IP packets. A virtual
 * service's counters are the sums over its destination ids, which are never reused, so they only
 * grow, as IPVS's do.
 *
 * <p>Single writer (the loop; opaque stores, no lock, no allocation); any thread reads.
 */
final class TrafficCounters {

    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int CONNECTIONS = 0;
    private static final int IN_PACKETS = 1;
    private static final int OUT_PACKETS = 2;
    private static final int IN_BYTES = 3;
    private static final int OUT_BYTES = 4;
    private static final int FIELDS = 5;

    private final long[] values;

    /** @param destinations how many destination ids there can be */
    TrafficCounters(int destinations) {
        values = new long[destinations * FIELDS];
    }

    /** Counts a connection scheduled to a destination. */
    void connection(int id) {
        add(id * FIELDS + CONNECTIONS, 1);
    }

    /** Counts a packet from a client to a destination. */
    void in(int id, int bytes) {
        int at = id * FIELDS;
        add(at + IN_PACKETS, 1);
        add(at + IN_BYTES, bytes);
    }

    /** Counts a packet from a destination to its client. */
    void out(int id, int bytes) {
        int at = id * FIELDS;
        add(at + OUT_PACKETS, 1);
        add(at + OUT_BYTES, bytes);
    }

    private void add(int i, long delta) {
        ELEMENT.setOpaque(values, i, (long) ELEMENT.getOpaque(values, i) + delta);
    }

    private long get(int i) {
        return (long) ELEMENT.getOpaque(values, i);
    }

    /**
     * Sums one destination's counters over the loops; any thread.
     *
     * @param loops the counters of each loop
     * @param id the destination
     * @return the totals
     */
    static TrafficStats sum(Iterable<TrafficCounters> loops, int id) {
        long[] t = new long[FIELDS];
        for (TrafficCounters loop : loops) {
            for (int f = 0; f < FIELDS; f++) {
                t[f] += loop.get(id * FIELDS + f);
            }
        }
        return new TrafficStats(t[CONNECTIONS], t[IN_PACKETS], t[OUT_PACKETS], t[IN_BYTES], t[OUT_BYTES]);
    }
}

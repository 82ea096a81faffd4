package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;

/**
 * IPVS's {@code sh}: source hashing over IPVS's 256-bucket table. The buckets are filled in
 * list order (most recently added first), each server taking as many consecutive buckets as
 * its weight (at least one), round and round until all 256 are filled. A flow goes to bucket
 * {@code hash_32(port + ntohl(fold(source)), 8)}, where fold is the IPv4 address or the XOR
 * of the four words of an IPv6 address and port is 0 unless {@code sh-port} is set (then the
 * client's TCP, UDP or SCTP port).
 *
 * <p>A server of weight 0 or overloaded gets nothing: without {@code sh-fallback} the pick
 * fails; with it, IPVS's fallback walk probes buckets
 * {@code (offset + hash) & 255} for offsets from the original bucket on, and the first usable
 * server wins. Thread-safe; picks are lock-free and allocate nothing.
 */
public final class SourceHashingScheduler implements Scheduler {

    /** The IPVS name. */
    public static final String NAME = "sh";
    /** The flag that enables the fallback walk. */
    public static final String FALLBACK = "sh-fallback";
    /** The flag that adds the source port to the hash. */
    public static final String PORT = "sh-port";

    static final int BITS = 8;
    static final int SIZE = 1 << BITS;

    private final boolean fallback;
    private final boolean port;
    private volatile Destination[] buckets = new Destination[SIZE];

    /**
     * Creates the scheduler with no destination.
     *
     * @param options the options: flags {@code sh-fallback} and {@code sh-port}
     * @throws IllegalArgumentException if another flag or a table size is given
     */
    public SourceHashingScheduler(SchedulerOptions options) {
        Options.check(NAME, options, false, FALLBACK, PORT);
        this.fallback = options.has(FALLBACK);
        this.port = options.has(PORT);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void update(DestinationSet destinations) {
        Destination[] table = new Destination[SIZE];
        int n = destinations.size();
        if (n > 0) {
            int p = 0;
            int count = 0;
            for (int i = 0; i < SIZE; i++) {
                Destination d = destinations.get(p);
                table[i] = d;
                if (++count >= d.weight()) {
                    p = (p + 1) % n;
                    count = 0;
                }
            }
        }
        buckets = table;
    }

    private static boolean usable(Destination d) {
        return d.weight() > 0 && !d.overloaded();
    }

    private static int bucket(int key, int offset) {
        return (offset + IpvsHash.hash32(key, BITS)) & (SIZE - 1);
    }

    @Override
    public Destination pick(FlowKey flow) {
        Destination[] table = buckets;
        int key = (port ? IpvsHash.hashPort(flow) : 0) + IpvsHash.sourceFold(flow);
        int first = bucket(key, 0);
        Destination d = table[first];
        if (d == null) {
            return null;
        }
        if (usable(d)) {
            return d;
        }
        if (!fallback) {
            return null;
        }
        for (int offset = 0; offset < SIZE; offset++) {
            d = table[bucket(key, (offset + first) % SIZE)];
            if (d == null) {
                return null;
            }
            if (usable(d)) {
                return d;
            }
        }
        return null;
    }
}

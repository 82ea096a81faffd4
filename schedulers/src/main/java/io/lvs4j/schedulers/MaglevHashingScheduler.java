package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * IPVS's {@code mh}: Maglev hashing with IPVS's own lookup table, so that a flow lands where
 * the kernel would send it (on a 64-bit kernel).
 *
 * <p>The table has one of IPVS's sizes (251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521,
 * 131071; default 4093, the kernel's default {@code CONFIG_IP_VS_MH_TAB_INDEX=12}). Each server
 * starts at {@code hsiphash(port + ntohl(fold(address)), hash1) % M} and steps by
 * {@code hsiphash(..., hash2) % (M - 1) + 1}, with IPVS's fixed keys. Servers take turns in
 * list order (most recently added first), each taking {@code (last_weight / gcd) >> rshift}
 * slots a turn, where {@code last_weight} is the server's latest non-zero weight (a server
 * set to weight 0 keeps its slots) and {@code rshift} keeps turns within
 * {@code (index + 8) / 2} bits. Every update rebuilds the table, as IPVS does on each
 * add, edit or removal.
 *
 * <p>A flow is looked up at {@code hsiphash(port + ntohl(fold(source)), hash1) % M} (port 0
 * unless {@code mh-port}). A server of weight 0 or overloaded fails the pick, unless
 * {@code mh-fallback} is set: then IPVS's walk probes the slots hashed with offsets from the
 * original slot on. Thread-safe; picks are lock-free and allocate nothing.
 */
public final class MaglevHashingScheduler implements Scheduler {

    /** The IPVS name. */
    public static final String NAME = "mh";
    /** The flag that enables the fallback walk. */
    public static final String FALLBACK = "mh-fallback";
    /** The flag that adds the source port to the hash. */
    public static final String PORT = "mh-port";
    /** The table size of a default kernel build. */
    public static final int DEFAULT_TABLE_SIZE = 4093;

    private static final int[] PRIMES = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};
    private static final long HASH1 = 2654435761L;
    private static final long HASH2 = 2654446892L;

    private final boolean fallback;
    private final boolean port;
    private final int size;
    private final int tabBits;
    private Map<Endpoint, Integer> lastWeights = new HashMap<>();
    private volatile Destination[] lookup;

    /**
     * Creates the scheduler with no destination.
     *
     * @param options the options: flags {@code mh-fallback} and {@code mh-port}; table size one
     *     of IPVS's primes or 0 for 4093
     * @throws IllegalArgumentException if another flag or table size is given
     */
    public MaglevHashingScheduler(SchedulerOptions options) {
        Options.check(NAME, options, true, FALLBACK, PORT);
        this.fallback = options.has(FALLBACK);
        this.port = options.has(PORT);
        int m = options.tableSize() == 0 ? DEFAULT_TABLE_SIZE : options.tableSize();
        int index = -1;
        for (int i = 0; i < PRIMES.length; i++) {
            if (PRIMES[i] == m) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("mh table size must be one of IPVS's primes "
                    + java.util.Arrays.toString(PRIMES) + ": " + m);
        }
        this.size = m;
        this.tabBits = (index + 8) / 2;
        this.lookup = new Destination[m];
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} Maglev's table is built from the destination set alone. */
    @Override
    public boolean consistentHashing() {
        return true;
    }

    /** @return the lookup table size M */
    public int tableSize() {
        return size;
    }

    /** @return the lookup table in use (tests read it) */
    Destination[] lookupTable() {
        return lookup;
    }

    static int foldAddress(InetAddress address) {
        byte[] b = address.getAddress();
        int fold = 0;
        for (int i = 0; i < b.length; i += 4) {
            fold ^= (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | b[i + 3] & 0xFF;
        }
        return fold;
    }

    private static int hashKey(int fold, int port, long key, int offset) {
        return IpvsHash.hsiphash(offset + port + fold, key, key);
    }

    @Override
    public void update(DestinationSet destinations) {
        Destination[] d = Options.toArray(destinations);
        int n = d.length;
        int[] lw = new int[n];
        Map<Endpoint, Integer> next = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Endpoint e = Endpoint.of(d[i]);
            Integer previous = lastWeights.get(e);
            int w = d[i].weight();
            lw[i] = previous == null || w != 0 ? w : previous;
            next.put(e, lw[i]);
        }
        lastWeights = next;
        if (n > size) {
            return; // IPVS refuses to reassign (-EINVAL) and keeps the table it had
        }
        int g = 0;
        int max = 0;
        for (int w : lw) {
            if (w > 0) {
                g = g > 0 ? IpvsHash.gcd(w, g) : w;
            }
            max = Math.max(max, w);
        }
        Destination[] table = new Destination[size];
        if (g < 1) {
            lookup = table;
            return;
        }
        int rshift = Math.max(0, 32 - Integer.numberOfLeadingZeros(max / g) - tabBits);
        int[] perm = new int[n];
        int[] skip = new int[n];
        int[] turns = new int[n];
        for (int i = 0; i < n; i++) {
            int fold = foldAddress(d[i].server().address());
            int p = d[i].server().port();
            perm[i] = Integer.remainderUnsigned(hashKey(fold, p, HASH1, 0), size);
            skip[i] = Integer.remainderUnsigned(hashKey(fold, p, HASH2, 0), size - 1) + 1;
            int t = (lw[i] / g) >> rshift;
            turns[i] = t != 0 ? t : (lw[i] != 0 ? 1 : 0);
        }
        boolean[] taken = new boolean[size];
        int filled = 0;
        int count = 0;
        fill:
        while (filled < size) {
            int i = 0;
            while (i < n) {
                if (turns[i] < 1) {
                    i++;
                    continue;
                }
                int c = perm[i];
                while (taken[c]) {
                    perm[i] += skip[i];
                    if (perm[i] >= size) {
                        perm[i] -= size;
                    }
                    c = perm[i];
                }
                taken[c] = true;
                table[c] = d[i];
                if (++filled == size) {
                    break fill;
                }
                if (++count >= turns[i]) {
                    count = 0;
                    i++;
                }
            }
        }
        lookup = table;
    }

    private static boolean usable(Destination d) {
        return d.weight() > 0 && !d.overloaded();
    }

    @Override
    public Destination pick(FlowKey flow) {
        Destination[] table = lookup;
        int m = table.length;
        int fold = IpvsHash.sourceFold(flow);
        int p = port ? IpvsHash.hashPort(flow) : 0;
        int first = Integer.remainderUnsigned(hashKey(fold, p, HASH1, 0), m);
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
        for (int offset = 0; offset < m; offset++) {
            int roffset = (int) (((long) offset + first) % m);
            d = table[Integer.remainderUnsigned(hashKey(fold, p, HASH1, roffset), m)];
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

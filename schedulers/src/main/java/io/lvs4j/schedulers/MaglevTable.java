package io.lvs4j.schedulers;

import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.sched.FlowKey;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A weighted Maglev lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software
 * Network Load Balancer", NSDI 2016, section 3.4), built by a pure function of the server set:
 * the same servers and weights give the same table on every machine and in every run,
 * whatever order they are given in.
 *
 * <p>Each server's preference list is {@code (offset + j * skip) mod M}, where offset and skip
 * come from fixed 64-bit hashes of its address and port. Servers are visited in a canonical
 * order (by address bytes, then port); in each round every server adds its weight to a credit
 * and takes its next free preferred slot whenever the credit reaches the largest weight, which
 * spreads slots in proportion to weight and, for equal weights, is exactly Maglev's
 * population. Servers of weight 0 take no slot. {@code M} must be a prime; 65537 by default.
 *
 * <p>Immutable and thread-safe; {@link #lookup(long)} allocates nothing.
 */
public final class MaglevTable {

    /** The default table size, a prime. */
    public static final int DEFAULT_SIZE = 65537;

    private static final long OFFSET_SEED = 0x6C76_7334_6A5F_6D67L;
    private static final long SKIP_SEED = 0x2545_F491_4F6C_DD1DL;
    private static final long FLOW_SEED = 0x9E37_79B9_7F4A_7C15L;

    private final int[] owners;
    private final int servers;

    private MaglevTable(int[] owners, int servers) {
        this.owners = owners;
        this.servers = servers;
    }

    /**
     * Builds a table.
     *
     * @param servers the servers with their weights; address and port identify a server
     * @param size the table size M, a prime larger than 1
     * @return the table, whose owners are positions in {@code servers}
     * @throws IllegalArgumentException if M is not a prime or two servers share an endpoint
     */
    public static MaglevTable build(List<RealServer> servers, int size) {
        Objects.requireNonNull(servers, "servers");
        if (!Options.isPrime(size)) {
            throw new IllegalArgumentException("Maglev table size must be a prime: " + size);
        }
        int n = servers.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing((Integer i) -> servers.get(i), MaglevTable::compare));
        for (int k = 1; k < n; k++) {
            if (compare(servers.get(order[k - 1]), servers.get(order[k])) == 0) {
                throw new IllegalArgumentException("two servers share the endpoint "
                        + servers.get(order[k]).endpoint());
            }
        }
        int[] owners = new int[size];
        Arrays.fill(owners, -1);
        int[] index = new int[n];
        int[] weight = new int[n];
        int[] position = new int[n];
        int[] skip = new int[n];
        int maxWeight = 0;
        for (int k = 0; k < n; k++) {
            RealServer s = servers.get(order[k]);
            index[k] = order[k];
            weight[k] = s.weight();
            maxWeight = Math.max(maxWeight, s.weight());
            long hi = addressHi(s);
            long lo = addressLo(s);
            long tail = (long) s.port() | (long) s.address().getAddress().length << 16;
            position[k] = (int) Long.remainderUnsigned(hash(OFFSET_SEED, hi, lo, tail), size);
            skip[k] = (int) Long.remainderUnsigned(hash(SKIP_SEED, hi, lo, tail), size - 1) + 1;
        }
        if (maxWeight > 0) {
            long[] credit = new long[n];
            int filled = 0;
            fill:
            for (;;) {
                for (int k = 0; k < n; k++) {
                    if (weight[k] == 0) {
                        continue;
                    }
                    credit[k] += weight[k];
                    if (credit[k] < maxWeight) {
                        continue;
                    }
                    credit[k] -= maxWeight;
                    int c = position[k];
                    while (owners[c] >= 0) {
                        c += skip[k];
                        if (c >= size) {
                            c -= size;
                        }
                    }
                    owners[c] = index[k];
                    position[k] = c;
                    if (++filled == size) {
                        break fill;
                    }
                }
            }
        }
        return new MaglevTable(owners, n);
    }

    private static int compare(RealServer a, RealServer b) {
        byte[] x = a.address().getAddress();
        byte[] y = b.address().getAddress();
        int c = Integer.compare(x.length, y.length);
        if (c == 0) {
            c = Arrays.compareUnsigned(x, y);
        }
        return c != 0 ? c : Integer.compare(a.port(), b.port());
    }

    private static long addressHi(RealServer s) {
        byte[] b = s.address().getAddress();
        return b.length == 16 ? toLong(b, 0) : 0;
    }

    private static long addressLo(RealServer s) {
        byte[] b = s.address().getAddress();
        return b.length == 16 ? toLong(b, 8) : (toLong4(b));
    }

    private static long toLong(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[offset + i] & 0xFF);
        }
        return v;
    }

    private static long toLong4(byte[] b) {
        return (b[0] & 0xFFL) << 24 | (b[1] & 0xFFL) << 16 | (b[2] & 0xFFL) << 8 | b[3] & 0xFFL;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    private static long hash(long seed, long a, long b, long c) {
        return mix(mix(mix(seed ^ a) ^ b) ^ c);
    }

    /**
     * Hashes a flow for {@link #lookup(long)}: the client's address, and with {@code withPort}
     * also the protocol and the client's port.
     *
     * @param flow the flow
     * @param withPort true to include protocol and source port
     * @return a 64-bit hash, the same on every machine
     */
    public static long hashFlow(FlowKey flow, boolean withPort) {
        long tail = withPort ? (long) flow.protocol() << 16 | flow.sourcePort() : 0;
        long family = flow.isIpv6() ? 0 : 1L << 63;
        long x = flow.sourceLo() * 0x9E37_79B9_7F4A_7C15L ^ Long.rotateLeft(flow.sourceHi(), 31)
                ^ (tail ^ family) * 0xC2B2_AE3D_27D4_EB4FL;
        return mix(x ^ FLOW_SEED);
    }

    /** @return the table size M */
    public int size() {
        return owners.length;
    }

    /** @return how many servers the table was built from */
    public int serverCount() {
        return servers;
    }

    /**
     * Returns the owner of a slot.
     *
     * @param slot 0 to {@code size() - 1}
     * @return the owner's position in the list the table was built from, or -1 if no server
     *     has a weight above 0
     */
    public int owner(int slot) {
        return owners[slot];
    }

    /**
     * Looks a hash up: slot {@code (hash >>> 32) * M >>> 32}, a multiply instead of a division.
     *
     * @param hash a 64-bit hash, for example from {@link #hashFlow(FlowKey, boolean)}
     * @return the owner's position in the list the table was built from, or -1 if none
     */
    public int lookup(long hash) {
        return owners[(int) (((hash >>> 32) * owners.length) >>> 32)];
    }

    /** @return for each server (by position in the list built from) how many slots it owns */
    public int[] slotCounts() {
        int[] counts = new int[servers];
        for (int o : owners) {
            if (o >= 0) {
                counts[o]++;
            }
        }
        return counts;
    }
}

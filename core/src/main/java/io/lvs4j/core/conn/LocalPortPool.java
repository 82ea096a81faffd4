package io.lvs4j.core.conn;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The local ports a full-NAT director hands out, as DPVS's socket-address pool: a fixed number
 * of independent pools (one per local address and real server, or per local address and group
 * of real servers, as the owner numbers them), each over the same port range. A port is unique
 * within its pool only, so one port serves connections to different real servers at once,
 * while the reverse key of a full-NAT connection (real server, local address and port) stays
 * unique as long as each connection's port comes from the pool of its local address and real
 * server.
 *
 * <p>With a residue ({@link Builder#residue}), the pool of event loop {@code i} of {@code n}
 * hands out only ports {@code p} with {@code p % n == i}: a fanout that chooses a loop by the
 * destination port of a reply ({@code port % n}) then brings every reply to the loop that owns
 * its connection.
 *
 * <p>Each pool hands out every port once before it reuses any, then reuses released ports in
 * the order they came back (first in, first out), so that a port rests as long as possible
 * before it carries a new connection to the same server (whose side of the old one may still
 * be in TIME_WAIT). {@link #allocate} and {@link #release} take constant time and allocate
 * nothing; exhaustion is a return value ({@link #EXHAUSTED}), counted. Memory: 2 bytes and 1
 * bit per port and pool, allocated at build.
 *
 * <p>Not thread-safe: one owner thread (an event loop) allocates and releases; the statistics
 * getters may be read from any thread.
 */
public final class LocalPortPool {

    /** Returned by {@link #allocate} when the pool has no free port. */
    public static final int EXHAUSTED = -1;

    /** The lowest port of the default range: the privileged ports are left alone. */
    public static final int DEFAULT_FIRST_PORT = 1024;

    /** The highest port of the default range. */
    public static final int DEFAULT_LAST_PORT = 65535;

    private static final VarHandle IN_USE;
    private static final VarHandle EXHAUSTIONS;
    private static final VarHandle FOREIGN_RELEASES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IN_USE = lookup.findVarHandle(LocalPortPool.class, "inUse", long.class);
            EXHAUSTIONS = lookup.findVarHandle(LocalPortPool.class, "exhaustions", long.class);
            FOREIGN_RELEASES = lookup.findVarHandle(LocalPortPool.class, "foreignReleases", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int pools;
    private final int firstPort;
    private final int step;
    private final int portsPerPool;
    /** Per pool: ports (as indexes from {@link #firstPort} in steps) released and not yet reused. */
    private final char[] returned;
    /** Per pool: one bit per port, set while it is handed out. */
    private final long[] used;
    private final int wordsPerPool;
    /** Per pool: how many ports were ever handed out fresh (indexes below it have been used). */
    private final int[] fresh;
    private final int[] head;
    private final int[] count;

    @SuppressWarnings("unused") // accessed through VarHandles
    private long inUse;
    @SuppressWarnings("unused")
    private long exhaustions;
    @SuppressWarnings("unused")
    private long foreignReleases;

    private LocalPortPool(Builder b) {
        this.pools = b.pools;
        this.step = b.modulus;
        int lowest = b.firstPort + Math.floorMod(b.residue - b.firstPort, b.modulus);
        if (lowest > b.lastPort) {
            throw new IllegalArgumentException("no port p in " + b.firstPort + "-" + b.lastPort
                    + " with p % " + b.modulus + " == " + b.residue);
        }
        this.firstPort = lowest;
        this.portsPerPool = (b.lastPort - lowest) / b.modulus + 1;
        long slots = (long) pools * portsPerPool;
        if (slots > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many ports: " + pools + " pools of " + portsPerPool);
        }
        this.returned = new char[(int) slots];
        this.wordsPerPool = (portsPerPool + 63) >>> 6;
        this.used = new long[pools * wordsPerPool];
        this.fresh = new int[pools];
        this.head = new int[pools];
        this.count = new int[pools];
    }

    /**
     * Starts a pool description: one pool, ports 1024 to 65535, no residue.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Hands out a free port of a pool: one never handed out if any is left, else the one
     * released longest ago.
     *
     * @param pool the pool, 0 to {@link #pools()} - 1
     * @return the port, or {@link #EXHAUSTED} (counted) if every port of the pool is in use
     */
    public int allocate(int pool) {
        int k;
        int f = fresh[pool];
        if (f < portsPerPool) {
            k = f;
            fresh[pool] = f + 1;
        } else {
            int c = count[pool];
            if (c == 0) {
                EXHAUSTIONS.setOpaque(this, (long) EXHAUSTIONS.getOpaque(this) + 1);
                return EXHAUSTED;
            }
            int h = head[pool];
            k = returned[pool * portsPerPool + h];
            head[pool] = h + 1 == portsPerPool ? 0 : h + 1;
            count[pool] = c - 1;
        }
        used[pool * wordsPerPool + (k >>> 6)] |= 1L << k;
        IN_USE.setOpaque(this, (long) IN_USE.getOpaque(this) + 1);
        return firstPort + k * step;
    }

    /**
     * Gives a port back to its pool, to be reused after every port released before it.
     *
     * @param pool the pool the port came from
     * @param port the port
     * @return false (and counted in {@link #foreignReleases()}) if the port is not in use in
     *     this pool: not from its range, or released already
     */
    public boolean release(int pool, int port) {
        int k = index(port);
        if (k < 0) {
            FOREIGN_RELEASES.setOpaque(this, (long) FOREIGN_RELEASES.getOpaque(this) + 1);
            return false;
        }
        int word = pool * wordsPerPool + (k >>> 6);
        long bit = 1L << k;
        if ((used[word] & bit) == 0) {
            FOREIGN_RELEASES.setOpaque(this, (long) FOREIGN_RELEASES.getOpaque(this) + 1);
            return false;
        }
        used[word] &= ~bit;
        int c = count[pool];
        int tail = head[pool] + c;
        if (tail >= portsPerPool) {
            tail -= portsPerPool;
        }
        returned[pool * portsPerPool + tail] = (char) k;
        count[pool] = c + 1;
        IN_USE.setOpaque(this, (long) IN_USE.getOpaque(this) - 1);
        return true;
    }

    /**
     * Tells whether a port of a pool is handed out now.
     *
     * @param pool the pool
     * @param port the port
     * @return true if allocated and not released
     */
    public boolean inUse(int pool, int port) {
        int k = index(port);
        return k >= 0 && (used[pool * wordsPerPool + (k >>> 6)] & 1L << k) != 0;
    }

    /**
     * Tells how many ports a pool can still hand out.
     *
     * @param pool the pool
     * @return free ports
     */
    public int available(int pool) {
        return portsPerPool - fresh[pool] + count[pool];
    }

    private int index(int port) {
        int d = port - firstPort;
        if (d < 0) {
            return -1;
        }
        int k = d / step;
        return k * step == d && k < portsPerPool ? k : -1;
    }

    /** @return the number of pools */
    public int pools() {
        return pools;
    }

    /** @return how many ports each pool holds (the range's ports of the residue) */
    public int portsPerPool() {
        return portsPerPool;
    }

    /** @return the lowest port handed out */
    public int firstPort() {
        return firstPort;
    }

    /** @return ports handed out and not released, over all pools; any thread */
    public long inUse() {
        return (long) IN_USE.getOpaque(this);
    }

    /** @return allocations refused because a pool was exhausted; any thread */
    public long exhaustions() {
        return (long) EXHAUSTIONS.getOpaque(this);
    }

    /** @return releases of ports that were not in use (a bug of the owner); any thread */
    public long foreignReleases() {
        return (long) FOREIGN_RELEASES.getOpaque(this);
    }

    /** Describes a {@link LocalPortPool}; not thread-safe. */
    public static final class Builder {
        private int pools = 1;
        private int firstPort = DEFAULT_FIRST_PORT;
        private int lastPort = DEFAULT_LAST_PORT;
        private int residue;
        private int modulus = 1;

        private Builder() {
        }

        /**
         * Sets the number of independent pools (for example local addresses times real
         * servers).
         *
         * @param count at least 1
         * @return this
         */
        public Builder pools(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("pools must be positive: " + count);
            }
            this.pools = count;
            return this;
        }

        /**
         * Sets the port range of every pool, both ends included.
         *
         * @param first the lowest port, 1 to 65535
         * @param last the highest port, {@code first} to 65535
         * @return this
         */
        public Builder range(int first, int last) {
            if (first < 1 || last > 65535 || first > last) {
                throw new IllegalArgumentException("port range must be within 1-65535: " + first + "-" + last);
            }
            this.firstPort = first;
            this.lastPort = last;
            return this;
        }

        /**
         * Hands out only ports {@code p} with {@code p % modulus == index}: the ports of event
         * loop {@code index} of {@code modulus}.
         *
         * @param index 0 to {@code modulus - 1}
         * @param modulus at least 1 (1: every port)
         * @return this
         */
        public Builder residue(int index, int modulus) {
            if (modulus < 1 || index < 0 || index >= modulus) {
                throw new IllegalArgumentException("residue needs 0 <= index < modulus: " + index + " of " + modulus);
            }
            this.residue = index;
            this.modulus = modulus;
            return this;
        }

        /**
         * Allocates the pools.
         *
         * @return the pool
         * @throws IllegalArgumentException if the range holds no port of the residue
         */
        public LocalPortPool build() {
            return new LocalPortPool(this);
        }
    }
}

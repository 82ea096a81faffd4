package io.lvs4j.core.conn;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.SplittableRandom;

/**
 * A table's {@link FloodDefense} at work: switches {@code drop_entry} and {@code secure_tcp}
 * on and off as the table fills ({@link #update}), drops embryonic entries at random while
 * {@code drop_entry} is on ({@link #scan} every 100 ms, {@link #makeRoom} when an insert finds
 * the table full), and counts.
 *
 * <p>Unlike IPVS's {@code drop_entry}, which may drop a legitimate client's entry between its
 * SYN and its ACK, both prefer old entries: a scan spares an entry whose last packet came less
 * than {@link #MIN_AGE} ago, and an insert into a full table drops the embryonic entry whose
 * last packet is the oldest among its probes. A client completes its handshake within a round
 * trip, while a flood's spoofed entries only age.
 *
 * <p>Single writer (the table's owning thread); the counts and switches are read from any thread
 * (opaque accesses). Allocates nothing after construction.
 */
final class FloodGuard {

    /** How often {@link #update} scans while {@code drop_entry} is on. */
    static final long SCAN_INTERVAL = 100_000_000L;
    /** Random records an insert into a full table looks at for an embryonic entry. */
    static final int PROBES = 8;
    /** How long a scan spares an embryonic entry after its last packet (a handshake in progress). */
    static final long MIN_AGE = 1_000_000_000L;
    private static final int TCP = 6;
    private static final VarHandle DROPPED;
    private static final VarHandle ACTIVATIONS;
    private static final VarHandle DROP_ACTIVE;
    private static final VarHandle SECURE_ACTIVE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            DROPPED = lookup.findVarHandle(FloodGuard.class, "dropped", long.class);
            ACTIVATIONS = lookup.findVarHandle(FloodGuard.class, "activations", long.class);
            DROP_ACTIVE = lookup.findVarHandle(FloodGuard.class, "dropActive", boolean.class);
            SECURE_ACTIVE = lookup.findVarHandle(FloodGuard.class, "secureActive", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Ends an entry now, as the table's {@code expireNow} does. */
    @FunctionalInterface
    interface Expiry {
        /**
         * Ends an entry.
         *
         * @param entry the entry
         * @return true if it was removed
         */
        boolean end(int entry);
    }

    private final FloodDefense defense;
    private final ConnectionTimeouts timeouts;
    private final long secureTimeout;
    private final ConnectionRecord rec;
    private final EntryAllocator allocator;
    private final Expiry expiry;
    private final int capacity;
    private final long onAt;
    private final long offBelow;
    private final int scanLength;
    private final SplittableRandom random;
    private long lastScan;
    private boolean scanned;
    @SuppressWarnings("unused") // accessed through VarHandles
    private long dropped;
    @SuppressWarnings("unused")
    private long activations;
    @SuppressWarnings("unused")
    private boolean dropActive;
    @SuppressWarnings("unused")
    private boolean secureActive;

    FloodGuard(FloodDefense defense, ConnectionTimeouts timeouts, ConnectionRecord rec, EntryAllocator allocator,
            int capacity, long seed, Expiry expiry) {
        this.defense = defense;
        this.timeouts = timeouts;
        this.secureTimeout = defense.secureTimeout().toNanos();
        this.rec = rec;
        this.allocator = allocator;
        this.capacity = capacity;
        this.expiry = expiry;
        this.onAt = Math.max(1, (long) capacity * defense.thresholdPercent() / 100);
        this.offBelow = onAt * 7 / 8;
        this.scanLength = Math.max(1, capacity / 32);
        this.random = new SplittableRandom(seed ^ 0x5EED_F100DL);
        DROP_ACTIVE.setOpaque(this, defense.dropEntry() == FloodDefense.Mode.ON);
        SECURE_ACTIVE.setOpaque(this, defense.secureTcp() == FloodDefense.Mode.ON);
    }

    /**
     * Switches the AUTO defences by the table's fill and, while {@code drop_entry} is on and
     * {@link #SCAN_INTERVAL} has passed, scans a random 1/32 of the records.
     *
     * @param now the table's time
     * @return whether {@code secure_tcp} is on now
     */
    boolean update(long now) {
        long size = allocator.size();
        boolean drop = next(defense.dropEntry(), dropActive(), size);
        boolean secure = next(defense.secureTcp(), secureActive(), size);
        if ((drop && !dropActive()) || (secure && !secureActive())) {
            ACTIVATIONS.setOpaque(this, (long) ACTIVATIONS.getOpaque(this) + 1);
        }
        DROP_ACTIVE.setOpaque(this, drop);
        SECURE_ACTIVE.setOpaque(this, secure);
        if (drop && (!scanned || now - lastScan >= SCAN_INTERVAL)) {
            scanned = true;
            lastScan = now;
            scan(now);
        }
        return secure;
    }

    private boolean next(FloodDefense.Mode mode, boolean active, long size) {
        return switch (mode) {
            case OFF -> false;
            case ON -> true;
            case AUTO -> active ? size >= offBelow : size >= onAt;
        };
    }

    /** Drops the embryonic entries, but recent ones, among a random 1/32 of the records in use so far. */
    private void scan(long now) {
        int used = allocator.highWater();
        if (used == 0) {
            return;
        }
        int e = random.nextInt(used);
        for (int i = 0; i < Math.min(scanLength, used); i++) {
            if (embryonic(e) && !recent(now)) {
                drop(e);
            }
            e = e + 1 == used ? 0 : e + 1;
        }
    }

    /**
     * Makes room for a new connection in a full table while {@code drop_entry} is on: drops,
     * among {@link #PROBES} random records, the embryonic entry whose last packet is the oldest.
     *
     * @param now the table's time
     * @return true if an entry was dropped
     */
    boolean makeRoom(long now) {
        if (!dropActive() || allocator.size() < capacity) {
            return false;
        }
        int used = allocator.highWater();
        int oldest = -1;
        long first = Long.MAX_VALUE;
        for (int i = 0; i < PROBES; i++) {
            int e = random.nextInt(used);
            if (embryonic(e)) {
                long seen = lastSeen(now);
                if (seen < first) {
                    oldest = e;
                    first = seen;
                }
            }
        }
        return oldest >= 0 && drop(oldest);
    }

    /** Tells whether the wrapped entry's last packet came less than {@link #MIN_AGE} ago. */
    private boolean recent(long now) {
        return lastSeen(now) > now - MIN_AGE;
    }

    /**
     * Returns when the wrapped entry's last packet came, from its deadline and the timeout its
     * state had then: {@code secure_tcp}'s short one if it is on and the entry has no more time
     * left than that, else the normal one (an entry from before {@code secure_tcp} switched on).
     */
    private long lastSeen(long now) {
        long deadline = rec.deadline();
        long normal = timeouts.tcpNanos(rec.state());
        long secure = Math.min(normal, secureTimeout);
        return deadline - (secureActive() && deadline - now <= secure ? secure : normal);
    }

    private boolean drop(int e) {
        if (expiry.end(e)) {
            DROPPED.setOpaque(this, (long) DROPPED.getOpaque(this) + 1);
            return true;
        }
        return false;
    }

    /** A TCP connection (not a template) in use that never got past the handshake. */
    private boolean embryonic(int e) {
        rec.wrap(e);
        int flags = rec.flags();
        if ((flags & ConnectionRecord.FLAG_USED) == 0 || (flags & ConnectionTable.FLAG_TEMPLATE) != 0
                || rec.protocol() != TCP) {
            return false;
        }
        int state = rec.state();
        return state == TcpState.NONE.ordinal() || state == TcpState.SYN_RECV.ordinal()
                || state == TcpState.SYN_SENT.ordinal() || state == TcpState.SYNACK.ordinal();
    }

    /** @return embryonic entries dropped by {@code drop_entry}; any thread */
    long dropped() {
        return (long) DROPPED.getOpaque(this);
    }

    /** @return how often a defence switched on; any thread */
    long activations() {
        return (long) ACTIVATIONS.getOpaque(this);
    }

    /** @return whether {@code drop_entry} is on; any thread */
    boolean dropActive() {
        return (boolean) DROP_ACTIVE.getOpaque(this);
    }

    /** @return whether {@code secure_tcp} is on; any thread */
    boolean secureActive() {
        return (boolean) SECURE_ACTIVE.getOpaque(this);
    }
}

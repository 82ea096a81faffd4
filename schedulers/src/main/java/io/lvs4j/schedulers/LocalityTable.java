package io.lvs4j.schedulers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The destination-address cache of {@code lblc} and {@code lblcr}: IPVS's 1024-bucket hash
 * table ({@code hash_32(ntohl(fold(daddr)), 10)}) and its garbage collection, run on the
 * injected clock instead of a kernel timer.
 *
 * <p>Collection follows {@code ip_vs_lblc_check_expire}: every 60 s a check runs; every 30th
 * check is a full one that drops entries unused for the expiration time (24 h); the other
 * checks do nothing unless the table holds more than 16384 entries, in which case they drop
 * entries unused for 6 min, from a rover position on, until a third more than the excess is
 * gone (at most 8192). Checks are due by the clock and run by the pick that finds one due,
 * all missed checks of the last day exactly (a full check every 30 minutes within them
 * subsumes older ones, since no entry was used meanwhile).
 *
 * <p>Thread-safe and lock-free: bucket chains are immutable lists swapped by compare-and-set.
 * A new entry allocates (as IPVS's {@code kmalloc}); lookups of known addresses allocate
 * nothing.
 */
final class LocalityTable {

    static final int BITS = 10;
    static final int SIZE = 1 << BITS;
    static final int MAX_SIZE = SIZE * 16;
    static final long CHECK_INTERVAL = 60_000_000_000L;
    static final long ENTRY_TIMEOUT = 6 * 60_000_000_000L;
    static final int COUNT_FOR_FULL_EXPIRATION = 30;
    /** Missed checks run exactly: one day of them; earlier ones only keep the full-check phase. */
    static final int MAX_CATCH_UP = 24 * 60;

    /** A cached destination address with its server (lblc) or server set (lblcr). */
    static final class Entry {
        private static final VarHandle SET;

        static {
            try {
                SET = MethodHandles.lookup().findVarHandle(Entry.class, "set", Slot[].class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final boolean ipv6;
        final long hi;
        final long lo;
        volatile long lastUse;
        /** lblc: the cached server. */
        volatile Slot slot;
        /** lblcr: the server set, most recently inserted first. */
        volatile Slot[] set;
        /** lblcr: when the set last changed. */
        volatile long lastMod;

        Entry(boolean ipv6, long hi, long lo, long now) {
            this.ipv6 = ipv6;
            this.hi = hi;
            this.lo = lo;
            this.lastUse = now;
            this.lastMod = now;
        }

        boolean matches(boolean v6, long h, long l) {
            return ipv6 == v6 && hi == h && lo == l;
        }

        /** IPVS's {@code ip_vs_dest_set_insert} with check: adds at the head unless present. */
        void insert(Slot s, long now) {
            for (;;) {
                Slot[] cur = set;
                for (Slot x : cur) {
                    if (x == s) {
                        return;
                    }
                }
                Slot[] next = new Slot[cur.length + 1];
                next[0] = s;
                System.arraycopy(cur, 0, next, 1, cur.length);
                if (SET.compareAndSet(this, cur, next)) {
                    lastMod = now;
                    return;
                }
            }
        }

        /** IPVS's {@code ip_vs_dest_set_erase}. */
        void erase(Slot s, long now) {
            for (;;) {
                Slot[] cur = set;
                int at = -1;
                for (int i = 0; i < cur.length; i++) {
                    if (cur[i] == s) {
                        at = i;
                        break;
                    }
                }
                if (at < 0) {
                    return;
                }
                Slot[] next = new Slot[cur.length - 1];
                System.arraycopy(cur, 0, next, 0, at);
                System.arraycopy(cur, at + 1, next, at, cur.length - at - 1);
                if (SET.compareAndSet(this, cur, next)) {
                    lastMod = now;
                    return;
                }
            }
        }
    }

    private record Link(Entry entry, Link next) {
    }

    private final AtomicReferenceArray<Link> buckets = new AtomicReferenceArray<>(SIZE);
    private final AtomicInteger entries = new AtomicInteger();
    private final AtomicLong nextCheck;
    private final long expiration;
    private volatile int rover;
    private volatile int counter = 1;

    LocalityTable(long now, long expiration) {
        this.nextCheck = new AtomicLong(now + CHECK_INTERVAL);
        this.expiration = expiration;
    }

    static int bucket(boolean ipv6, long hi, long lo) {
        return IpvsHash.hash32(IpvsHash.fold(ipv6, hi, lo), BITS);
    }

    /** @return the entry of an address, or null */
    Entry find(boolean ipv6, long hi, long lo) {
        for (Link l = buckets.get(bucket(ipv6, hi, lo)); l != null; l = l.next) {
            if (l.entry.matches(ipv6, hi, lo)) {
                return l.entry;
            }
        }
        return null;
    }

    /**
     * Adds an entry at the head of its bucket, unless one for the same address got there
     * first.
     *
     * @return the entry now in the table for that address
     */
    Entry insert(Entry e) {
        int b = bucket(e.ipv6, e.hi, e.lo);
        for (;;) {
            Link head = buckets.get(b);
            for (Link l = head; l != null; l = l.next) {
                if (l.entry.matches(e.ipv6, e.hi, e.lo)) {
                    return l.entry;
                }
            }
            Link added = new Link(e, head);
            if (buckets.compareAndSet(b, head, added)) {
                entries.incrementAndGet();
                return e;
            }
        }
    }

    /** @return how many entries the table holds */
    int size() {
        return entries.get();
    }

    /** Runs the collection checks that are due by {@code now}. */
    void expire(long now) {
        long due = nextCheck.get();
        if (now - due < 0) {
            return;
        }
        long ticks = (now - due) / CHECK_INTERVAL + 1;
        if (!nextCheck.compareAndSet(due, due + ticks * CHECK_INTERVAL)) {
            return;
        }
        long exact = Math.max(0, ticks - MAX_CATCH_UP);
        for (long k = 0; k < exact; k++) {
            counter = counter % COUNT_FOR_FULL_EXPIRATION == 0 ? 1 : counter + 1;
        }
        for (long k = exact; k < ticks; k++) {
            check(due + k * CHECK_INTERVAL);
        }
    }

    private void check(long now) {
        if (counter % COUNT_FOR_FULL_EXPIRATION == 0) {
            int j = rover;
            for (int i = 0; i < SIZE; i++) {
                j = (j + 1) & (SIZE - 1);
                sweep(j, now, expiration);
            }
            rover = j;
            counter = 1;
            return;
        }
        int n = entries.get();
        if (n <= MAX_SIZE) {
            counter = counter + 1;
            return;
        }
        int goal = Math.min((n - MAX_SIZE) * 4 / 3, MAX_SIZE / 2);
        int j = rover;
        for (int i = 0; i < SIZE; i++) {
            j = (j + 1) & (SIZE - 1);
            goal -= sweep(j, now, ENTRY_TIMEOUT);
            if (goal <= 0) {
                break;
            }
        }
        rover = j;
    }

    private static boolean expired(Entry e, long now, long ttl) {
        return now - (e.lastUse + ttl) >= 0;
    }

    /** Drops the entries of a bucket unused for {@code ttl}; returns how many. */
    private int sweep(int b, long now, long ttl) {
        for (;;) {
            Link head = buckets.get(b);
            boolean any = false;
            for (Link l = head; l != null && !any; l = l.next) {
                any = expired(l.entry, now, ttl);
            }
            if (!any) {
                return 0;
            }
            // one pass decides: a pick may refresh lastUse meanwhile, the decision stands
            java.util.ArrayList<Entry> survivors = new java.util.ArrayList<>();
            int removed = 0;
            for (Link l = head; l != null; l = l.next) {
                if (expired(l.entry, now, ttl)) {
                    removed++;
                } else {
                    survivors.add(l.entry);
                }
            }
            Link rebuilt = null;
            for (int k = survivors.size() - 1; k >= 0; k--) {
                rebuilt = new Link(survivors.get(k), rebuilt);
            }
            if (buckets.compareAndSet(b, head, rebuilt)) {
                entries.addAndGet(-removed);
                return removed;
            }
        }
    }
}

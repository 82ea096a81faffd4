package io.lvs4j.core.conn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Hands out the table's record numbers: a free list threaded through free records (their
 * destination field), then records never used, up to the hard capacity; and counts what the
 * table holds and did. A record in use has {@link ConnectionRecord#FLAG_USED} in its flags,
 * a free one 0.
 *
 * <p>Single writer (the table's owning thread); the counts are read from any thread (opaque
 * accesses, as statistics need no ordering).
 */
final class EntryAllocator {

    private static final VarHandle SIZE;
    private static final VarHandle INSERTED;
    private static final VarHandle REFUSED;
    private static final VarHandle EXPIRED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SIZE = lookup.findVarHandle(EntryAllocator.class, "size", long.class);
            INSERTED = lookup.findVarHandle(EntryAllocator.class, "inserted", long.class);
            REFUSED = lookup.findVarHandle(EntryAllocator.class, "refused", long.class);
            EXPIRED = lookup.findVarHandle(EntryAllocator.class, "expired", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionRecord rec;
    private final int capacity;
    /** Where the number of records ever used is kept (a table file's header, or memory of its own). */
    private final MemorySegment highWater;
    private int freeHead = -1;
    private int neverUsed;
    /** Records below it are a previous run's, set aside until {@link #recover}: not in use yet. */
    private int reservedBelow;

    @SuppressWarnings("unused") // accessed through VarHandles
    private long size;
    @SuppressWarnings("unused")
    private long inserted;
    @SuppressWarnings("unused")
    private long refused;
    @SuppressWarnings("unused")
    private long expired;

    /**
     * Creates an allocator over a table's records, all free.
     *
     * @param rec a flyweight of the records, for this object alone
     * @param capacity the number of records
     * @param highWater 4 bytes that receive the number of records ever used, before a new one is
     *     handed out (so that a table file's reader knows where records end)
     */
    EntryAllocator(ConnectionRecord rec, int capacity, MemorySegment highWater) {
        this.rec = rec;
        this.capacity = capacity;
        this.highWater = highWater;
    }

    /**
     * Sets aside the records a previous run left, below its high-water mark, until
     * {@link #recover} takes them over: new records come from above the mark.
     *
     * @param mark records at or above it were never used
     */
    void reserve(int mark) {
        reservedBelow = mark;
        neverUsed = Math.max(neverUsed, mark);
        highWater.set(ValueLayout.JAVA_INT, 0, neverUsed);
    }

    /**
     * Takes over the records a previous run left below its mark (checked already: kept ones
     * carry {@link ConnectionRecord#FLAG_USED}, all others 0): the kept ones count as in use,
     * the others join the free list, lowest first.
     *
     * @param mark records at or above it were never used by the previous run
     */
    void recover(int mark) {
        int used = 0;
        for (int e = mark - 1; e >= 0; e--) {
            if ((rec.wrap(e).flags() & ConnectionRecord.FLAG_USED) != 0) {
                used++;
            } else {
                rec.nextFree(freeHead);
                freeHead = e;
            }
        }
        reserve(mark);
        reservedBelow = 0;
        SIZE.setOpaque(this, (long) SIZE.getOpaque(this) + used);
        INSERTED.setOpaque(this, (long) INSERTED.getOpaque(this) + used);
    }

    /**
     * Takes a free record (counted as inserted), or counts a refusal.
     *
     * @return the record's number, or -1 if all are in use
     */
    int allocate() {
        int e;
        if (freeHead != -1) {
            e = freeHead;
            freeHead = rec.wrap(e).nextFree();
        } else if (neverUsed < capacity) {
            e = neverUsed++;
            highWater.set(ValueLayout.JAVA_INT, 0, neverUsed);
        } else {
            REFUSED.setOpaque(this, (long) REFUSED.getOpaque(this) + 1);
            return -1;
        }
        SIZE.setOpaque(this, (long) SIZE.getOpaque(this) + 1);
        INSERTED.setOpaque(this, (long) INSERTED.getOpaque(this) + 1);
        return e;
    }

    /**
     * Frees a record (out of every index and the wheel already), counted as expired.
     *
     * @param e the record's number
     */
    void free(int e) {
        rec.wrap(e).flags(0).nextFree(freeHead);
        freeHead = e;
        SIZE.setOpaque(this, (long) SIZE.getOpaque(this) - 1);
        EXPIRED.setOpaque(this, (long) EXPIRED.getOpaque(this) + 1);
    }

    /**
     * Returns the next record in use.
     *
     * @param after a record's number, or -1 to start
     * @return the next record in use after it, or -1 if none
     */
    int nextInUse(int after) {
        for (int e = Math.max(after + 1, reservedBelow); e < neverUsed; e++) {
            if ((rec.wrap(e).flags() & ConnectionRecord.FLAG_USED) != 0) {
                return e;
            }
        }
        return -1;
    }

    /** @return the number of records ever handed out: all in use are below it */
    int highWater() {
        return neverUsed;
    }

    /** @return records in use; any thread */
    long size() {
        return (long) SIZE.getOpaque(this);
    }

    /** @return records handed out since creation; any thread */
    long inserted() {
        return (long) INSERTED.getOpaque(this);
    }

    /** @return allocations refused because all records were in use; any thread */
    long refused() {
        return (long) REFUSED.getOpaque(this);
    }

    /** @return records freed since creation; any thread */
    long expired() {
        return (long) EXPIRED.getOpaque(this);
    }
}

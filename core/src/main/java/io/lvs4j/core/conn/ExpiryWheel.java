package io.lvs4j.core.conn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A hashed timer wheel (Varghese and Lauck, "Hashed and Hierarchical Timing Wheels", 1987;
 * Agrona's {@code DeadlineTimerWheel} is the model): timers are numbered 0 to n - 1 and live
 * in an array of fixed-size records that the wheel shares with its owner, each record
 * beginning with the timer's 16 bytes:
 * <pre>
 * offset size field
 *      0    8 deadline (nanoseconds on the owner's clock)
 *      8    4 next timer in the slot's list (-1: none)
 *     12    4 previous timer in the list (negative: head of slot -(prev + 1); DETACHED)
 * </pre>
 * so that the deadline sits in the same cache line as the rest of the record and re-arming a
 * timer on every packet costs no extra memory access. Numbers are in native order.
 *
 * <p>A slot covers one tick; a timer lives in the slot of the tick its deadline falls in
 * (modulo the wheel), in a doubly linked list. {@link #reschedule} to a later deadline only
 * writes the deadline: the timer stays where it is and moves on when its slot comes round,
 * so that the frequent case (a packet pushes the deadline out) touches no list. A deadline
 * more than one revolution away is handled the same way. {@link #poll} visits the slots of
 * the ticks that passed and hands every timer whose deadline has come to the
 * {@link Expiry}; expiry is thus up to one tick late, never early.
 *
 * <p>Not thread-safe: the owner's thread only. Allocates nothing after construction.
 */
final class ExpiryWheel {

    /** Offset of a timer's deadline in its record. */
    static final int DEADLINE_OFFSET = 0;
    /** Offset of the next timer of the slot. */
    static final int NEXT_OFFSET = 8;
    /** Offset of the previous timer of the slot. */
    static final int PREV_OFFSET = 12;
    /** The bytes of a record that belong to the wheel. */
    static final int TIMER_BYTES = 16;
    private static final int DETACHED = Integer.MIN_VALUE;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    /** Receives timers whose deadline has come. */
    @FunctionalInterface
    interface Expiry {
        /**
         * A timer's deadline has come; the timer is detached, and may be scheduled again.
         *
         * @param timer the timer
         * @return true if the timer's entry is gone (counted by {@link #poll})
         */
        boolean expired(int timer);
    }

    private final MemorySegment records;
    private final long stride;
    private final long tickNanos;
    private final int[] slots;
    private final int mask;
    private final Expiry expiry;
    private long currentTick;

    /**
     * Creates an empty wheel.
     *
     * @param records the records whose first {@link #TIMER_BYTES} bytes are the timers
     * @param stride the size of a record
     * @param tickNanos the length of a tick (the expiry precision)
     * @param slots the number of slots, a power of two
     * @param now the current time
     * @param expiry receives the timers that expire
     */
    ExpiryWheel(MemorySegment records, int stride, long tickNanos, int slots, long now, Expiry expiry) {
        if (Integer.bitCount(slots) != 1 || tickNanos <= 0) {
            throw new IllegalArgumentException("tick must be positive and slots a power of two");
        }
        this.records = records;
        this.stride = stride;
        this.tickNanos = tickNanos;
        this.slots = new int[slots];
        Arrays.fill(this.slots, -1);
        this.mask = slots - 1;
        this.expiry = expiry;
        this.currentTick = Math.floorDiv(now, tickNanos);
    }

    /**
     * Returns a timer's deadline.
     *
     * @param timer the timer
     * @return the deadline
     */
    long deadline(int timer) {
        return records.get(LONG, timer * stride + DEADLINE_OFFSET);
    }

    /**
     * Arms a timer that is not in the wheel (new, or detached by {@link #poll}).
     *
     * @param timer the timer
     * @param deadline when it expires
     */
    void schedule(int timer, long deadline) {
        records.set(LONG, timer * stride + DEADLINE_OFFSET, deadline);
        link(timer);
    }

    /**
     * Moves an armed timer's deadline: a later one is only written (the timer moves when its
     * slot comes round), an earlier one moves the timer now.
     *
     * @param timer the timer
     * @param deadline the new deadline
     */
    void reschedule(int timer, long deadline) {
        long r = timer * stride;
        long old = records.get(LONG, r + DEADLINE_OFFSET);
        records.set(LONG, r + DEADLINE_OFFSET, deadline);
        if (deadline < old) {
            cancel(timer);
            link(timer);
        }
    }

    /**
     * Takes a timer out of the wheel; nothing happens to a detached timer.
     *
     * @param timer the timer
     */
    void cancel(int timer) {
        long r = timer * stride;
        int prev = records.get(INT, r + PREV_OFFSET);
        if (prev == DETACHED) {
            return;
        }
        int next = records.get(INT, r + NEXT_OFFSET);
        if (prev < 0) {
            slots[-prev - 1] = next;
        } else {
            records.set(INT, prev * stride + NEXT_OFFSET, next);
        }
        if (next >= 0) {
            records.set(INT, next * stride + PREV_OFFSET, prev);
        }
        detach(r);
    }

    /**
     * Expires every timer whose deadline is at or before {@code now}, in the slots of the
     * ticks since the last poll (at most one revolution).
     *
     * @param now the current time
     * @return how many expired timers' entries are gone
     */
    int poll(long now) {
        long nowTick = Math.floorDiv(now, tickNanos);
        int removed = 0;
        if (nowTick > currentTick) {
            long from = Math.max(currentTick + 1, nowTick - slots.length + 1);
            for (long t = from; t <= nowTick; t++) {
                removed += pollSlot((int) (t & mask), now);
            }
            currentTick = nowTick;
        }
        return removed;
    }

    private int pollSlot(int slot, long now) {
        int removed = 0;
        int timer = slots[slot];
        slots[slot] = -1;
        while (timer >= 0) {
            long r = timer * stride;
            int next = records.get(INT, r + NEXT_OFFSET);
            detach(r);
            if (records.get(LONG, r + DEADLINE_OFFSET) <= now) {
                if (expiry.expired(timer)) {
                    removed++;
                }
            } else {
                link(timer);
            }
            timer = next;
        }
        return removed;
    }

    private void link(int timer) {
        long r = timer * stride;
        // The tick the deadline falls in; a deadline already past goes to the next tick to visit.
        long tick = Math.max(Math.floorDiv(records.get(LONG, r + DEADLINE_OFFSET) + tickNanos - 1, tickNanos),
                currentTick + 1);
        int slot = (int) (tick & mask);
        int head = slots[slot];
        records.set(INT, r + NEXT_OFFSET, head);
        records.set(INT, r + PREV_OFFSET, -(slot + 1));
        if (head >= 0) {
            records.set(INT, head * stride + PREV_OFFSET, timer);
        }
        slots[slot] = timer;
    }

    private void detach(long r) {
        records.set(INT, r + PREV_OFFSET, DETACHED);
        records.set(INT, r + NEXT_OFFSET, -1);
    }
}

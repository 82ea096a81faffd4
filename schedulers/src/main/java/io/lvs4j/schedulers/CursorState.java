package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One published destination list of a cursor scheduler ({@code rr}, {@code wrr}) with the
 * cursor that every event loop advances by compare-and-set.
 *
 * <p>A cursor is a non-negative {@code long} whose meaning belongs to the scheduler. When the
 * control plane publishes a new list it links the new state from the old one ({@link #next}),
 * then freezes the old cursor (sets {@link #FROZEN}) so that no pick can move it any more,
 * then carries the frozen value over into the new state. A pick that meets a frozen cursor
 * follows {@code next}; a pick that meets a state whose cursor is not yet carried over
 * ({@link #UNSET}) does the carrying itself from {@link #prev}. No pick ever waits for the
 * control thread, and no pick is lost across an update: the global order of picks is the
 * order of successful compare-and-sets. Thread-safe.
 */
final class CursorState {

    /** The cursor of a state that has not yet received the cursor of its predecessor. */
    static final long UNSET = -1L;
    /** Marks the final value of a replaced state's cursor. */
    static final long FROZEN = 1L << 62;

    private static final VarHandle CURSOR;

    static {
        try {
            CURSOR = MethodHandles.lookup().findVarHandle(CursorState.class, "cursor", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The destinations in IPVS list order. */
    final Destination[] dests;
    /** For {@code rr}: old position to new position (or the nearest surviving predecessor, -1 for the head). */
    final int[] carry;
    /** For {@code wrr}: the gcd of the weights (IPVS's {@code di}). */
    final int di;
    /** For {@code wrr}: the maximum weight less {@code di - 1} (IPVS's {@code mw}). */
    final int mw;

    private volatile long cursor;
    /** The state that replaced this one, set before this cursor is frozen. */
    volatile CursorState next;
    /** The state this one replaces, until its cursor has been carried over. */
    volatile CursorState prev;

    CursorState(Destination[] dests, int[] carry, int di, int mw, long cursor) {
        this.dests = dests;
        this.carry = carry;
        this.di = di;
        this.mw = mw;
        this.cursor = cursor;
    }

    long cursor() {
        return cursor;
    }

    boolean compareAndSet(long expected, long value) {
        return CURSOR.compareAndSet(this, expected, value);
    }

    /**
     * Freezes this cursor for good.
     *
     * @return the cursor's final value, without the frozen mark
     */
    long freeze() {
        for (;;) {
            long c = cursor;
            if (CURSOR.compareAndSet(this, c, c | FROZEN)) {
                return c;
            }
        }
    }
}

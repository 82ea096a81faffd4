package io.lvs4j.schedulers;

import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.Scheduler;

/**
 * Base of the schedulers whose cursor all event loops share ({@code rr}, {@code wrr}): the
 * hand-over of the cursor from one published list to the next, without locks. Picks run on
 * any thread; {@link #update(DestinationSet)} on one control thread at a time.
 */
abstract sealed class CursorScheduler implements Scheduler permits RoundRobinScheduler, WeightedRoundRobinScheduler {

    private volatile CursorState current;

    CursorScheduler(CursorState initial) {
        this.current = initial;
    }

    /** Builds the state for a new set, with an {@link CursorState#UNSET} cursor. */
    abstract CursorState next(CursorState old, DestinationSet destinations);

    /** Translates the final cursor of {@code from} into a cursor of {@code to}; pure. */
    abstract long carry(long cursor, CursorState to);

    @Override
    public final void update(DestinationSet destinations) {
        CursorState old = current;
        CursorState n = next(old, destinations);
        n.prev = old;
        old.next = n;
        long last = old.freeze();
        n.compareAndSet(CursorState.UNSET, carry(last, n));
        n.prev = null;
        current = n;
    }

    /** @return the state a pick starts from */
    final CursorState state() {
        return current;
    }

    /**
     * Makes a state usable for picks: follows replaced states and carries a cursor over if
     * the control thread has not yet done it.
     *
     * @param s a state whose cursor was seen to be frozen or unset
     * @param c the cursor value seen
     * @return the state to retry with
     */
    final CursorState settle(CursorState s, long c) {
        if (c == CursorState.UNSET) {
            CursorState p = s.prev;
            if (p != null) {
                long last = p.cursor() & ~CursorState.FROZEN;
                s.compareAndSet(CursorState.UNSET, carry(last, s));
            }
            return s;
        }
        return s.next;
    }

    /** @return true if a cursor value cannot be advanced in its state */
    static boolean unusable(long c) {
        return c < 0 || (c & CursorState.FROZEN) != 0;
    }
}

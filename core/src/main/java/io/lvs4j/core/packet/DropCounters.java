package io.lvs4j.core.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Drop counters of one event loop, one per {@link DropReason}.
 *
 * <p>Single writer: only the owning loop calls {@link #increment(DropReason)}, which needs
 * neither lock nor atomic instruction. Any thread may read; each counter is read whole
 * (opaque access), and the totals of all loops are obtained by summing on read with
 * {@link #sum(Iterable, DropReason)}, as Katran sums per-CPU arrays.
 */
public final class DropCounters {

    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[DropReason.count()];

    /** Creates counters at zero. */
    public DropCounters() {
    }

    /**
     * Counts one frame dropped for a reason; owning thread only. {@link DropReason#NONE} is
     * counted too (as frames that passed) if given.
     *
     * @param reason the reason
     */
    public void increment(DropReason reason) {
        int i = reason.ordinal();
        ELEMENT.setOpaque(counts, i, (long) ELEMENT.getOpaque(counts, i) + 1);
    }

    /**
     * Reads one counter; any thread.
     *
     * @param reason the reason
     * @return frames counted for it
     */
    public long get(DropReason reason) {
        return (long) ELEMENT.getOpaque(counts, reason.ordinal());
    }

    /**
     * Sums the counters of all reasons but {@link DropReason#NONE}; any thread.
     *
     * @return frames dropped for any reason
     */
    public long totalDropped() {
        long total = 0;
        for (int i = 1; i < counts.length; i++) {
            total += (long) ELEMENT.getOpaque(counts, i);
        }
        return total;
    }

    /**
     * Sums one reason over the counters of several loops; any thread.
     *
     * @param perLoop the counters of each loop
     * @param reason the reason
     * @return the total
     */
    public static long sum(Iterable<DropCounters> perLoop, DropReason reason) {
        long total = 0;
        for (DropCounters counters : perLoop) {
            total += counters.get(reason);
        }
        return total;
    }
}

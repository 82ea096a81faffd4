package io.lvs4j.core.status;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;

/**
 * One event loop's counters, one {@code long} per constant of an enum (a drop reason, a data
 * path event), as Katran keeps per-CPU arrays and sums them on read.
 *
 * <p>Single writer: only the owning loop calls {@link #increment} and {@link #add}, which need
 * neither lock nor atomic instruction (opaque stores). Any thread may read; each counter is read
 * whole, and the totals of several loops come from {@link #sum(Iterable, Enum)}. No method
 * allocates but {@link #snapshot()}.
 *
 * @param <E> the enum naming the counters
 */
public final class LoopCounters<E extends Enum<E>> {

    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    private final Class<E> type;
    private final long[] values;

    /**
     * Creates counters at zero, one per constant of an enum.
     *
     * @param type the enum
     */
    public LoopCounters(Class<E> type) {
        this.type = type;
        this.values = new long[type.getEnumConstants().length];
    }

    /**
     * Counts one event; owning thread only.
     *
     * @param counter the counter
     */
    public void increment(E counter) {
        add(counter, 1);
    }

    /**
     * Adds to a counter; owning thread only.
     *
     * @param counter the counter
     * @param delta the amount
     */
    public void add(E counter, long delta) {
        int i = counter.ordinal();
        ELEMENT.setOpaque(values, i, (long) ELEMENT.getOpaque(values, i) + delta);
    }

    /**
     * Reads a counter; any thread.
     *
     * @param counter the counter
     * @return its value
     */
    public long get(E counter) {
        return (long) ELEMENT.getOpaque(values, counter.ordinal());
    }

    /**
     * Sums every counter of this loop; any thread.
     *
     * @return the total
     */
    public long total() {
        long total = 0;
        for (int i = 0; i < values.length; i++) {
            total += (long) ELEMENT.getOpaque(values, i);
        }
        return total;
    }

    /** @return the enum naming the counters */
    public Class<E> type() {
        return type;
    }

    /**
     * Copies every counter; any thread.
     *
     * @return the values by counter
     */
    public Map<E, Long> snapshot() {
        Map<E, Long> copy = new EnumMap<>(type);
        for (E counter : type.getEnumConstants()) {
            copy.put(counter, get(counter));
        }
        return copy;
    }

    /**
     * Sums one counter over the counters of several loops; any thread.
     *
     * @param perLoop the counters of each loop
     * @param counter the counter
     * @param <E> the enum naming the counters
     * @return the total
     */
    public static <E extends Enum<E>> long sum(Iterable<LoopCounters<E>> perLoop, E counter) {
        long total = 0;
        for (LoopCounters<E> counters : perLoop) {
            total += counters.get(counter);
        }
        return total;
    }

    /**
     * Sums every counter over several loops; any thread.
     *
     * @param type the enum naming the counters
     * @param perLoop the counters of each loop
     * @param <E> the enum naming the counters
     * @return the totals by counter
     */
    public static <E extends Enum<E>> Map<E, Long> sum(Class<E> type, Iterable<LoopCounters<E>> perLoop) {
        Map<E, Long> totals = new EnumMap<>(type);
        for (E counter : type.getEnumConstants()) {
            totals.put(counter, sum(perLoop, counter));
        }
        return totals;
    }
}

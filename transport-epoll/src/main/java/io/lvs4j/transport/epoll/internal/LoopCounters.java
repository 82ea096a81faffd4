package io.lvs4j.transport.epoll.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed set of {@code long} counters written by one thread (an event loop) and read by any.
 * Writes are opaque stores, so a reader sees each counter's value without tearing and without
 * the writer paying for a fence. Single writer; any number of readers.
 */
public final class LoopCounters {

    private static final VarHandle AA = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values;

    /**
     * Creates the counters, all zero.
     *
     * @param size the number of counters
     */
    public LoopCounters(int size) {
        this.values = new long[size];
    }

    /**
     * Adds to a counter; only the owning thread may call this.
     *
     * @param index the counter
     * @param delta the amount
     */
    public void add(int index, long delta) {
        AA.setOpaque(values, index, (long) AA.getOpaque(values, index) + delta);
    }

    /**
     * Increments a counter; only the owning thread may call this.
     *
     * @param index the counter
     */
    public void increment(int index) {
        add(index, 1);
    }

    /**
     * Reads a counter from any thread.
     *
     * @param index the counter
     * @return its value
     */
    public long get(int index) {
        return (long) AA.getOpaque(values, index);
    }

    /** @return the number of counters */
    public int size() {
        return values.length;
    }
}

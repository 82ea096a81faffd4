package io.lvs4j.core.sched;

import io.lvs4j.core.time.NanoClock;
import java.util.Objects;
import java.util.Set;

/**
 * What a scheduler is made with: IPVS's scheduler flags by their ipvsadm names
 * ({@code sh-fallback}, {@code sh-port}, {@code mh-fallback}, {@code mh-port}), the clock that
 * time-based schedulers ({@code lblc}, {@code lblcr}) read, the seed of randomized ones
 * ({@code twos}), and the lookup table size of {@code mh} and Maglev. Immutable.
 *
 * @param flags the scheduler flags, by ipvsadm name
 * @param clock the clock
 * @param seed the seed for schedulers that draw random numbers
 * @param tableSize the lookup table size of {@code mh} and Maglev, a prime; 0 for the default
 */
public record SchedulerOptions(Set<String> flags, NanoClock clock, long seed, int tableSize) {

    /** No flags, the system clock, a seed of 0 and the default table size. */
    public static final SchedulerOptions DEFAULTS = new SchedulerOptions(Set.of(), NanoClock.SYSTEM, 0, 0);

    /**
     * Checks the values.
     *
     * @throws NullPointerException if flags or clock is null
     * @throws IllegalArgumentException if the table size is negative
     */
    public SchedulerOptions {
        flags = Set.copyOf(Objects.requireNonNull(flags, "flags"));
        Objects.requireNonNull(clock, "clock");
        if (tableSize < 0) {
            throw new IllegalArgumentException("table size must not be negative: " + tableSize);
        }
    }

    /**
     * Returns these options with other flags.
     *
     * @param newFlags the flags
     * @return the options
     */
    public SchedulerOptions withFlags(Set<String> newFlags) {
        return new SchedulerOptions(newFlags, clock, seed, tableSize);
    }

    /**
     * Returns these options with another clock.
     *
     * @param newClock the clock
     * @return the options
     */
    public SchedulerOptions withClock(NanoClock newClock) {
        return new SchedulerOptions(flags, newClock, seed, tableSize);
    }

    /**
     * Returns these options with another seed.
     *
     * @param newSeed the seed
     * @return the options
     */
    public SchedulerOptions withSeed(long newSeed) {
        return new SchedulerOptions(flags, clock, newSeed, tableSize);
    }

    /**
     * Returns these options with another table size.
     *
     * @param newTableSize a prime, or 0 for the default
     * @return the options
     */
    public SchedulerOptions withTableSize(int newTableSize) {
        return new SchedulerOptions(flags, clock, seed, newTableSize);
    }

    /**
     * Tells whether a flag is set.
     *
     * @param flag an ipvsadm flag name
     * @return true if set
     */
    public boolean has(String flag) {
        return flags.contains(flag);
    }
}

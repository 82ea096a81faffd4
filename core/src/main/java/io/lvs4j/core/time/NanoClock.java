package io.lvs4j.core.time;

/**
 * A monotonic clock in nanoseconds. Every timed component of lvs4j reads time through one, so
 * that tests can drive it with a virtual clock.
 */
@FunctionalInterface
public interface NanoClock {

    /** The system's monotonic clock, {@link System#nanoTime()}. */
    NanoClock SYSTEM = System::nanoTime;

    /**
     * Returns the current time.
     *
     * @return nanoseconds since an arbitrary origin; only differences are meaningful
     */
    long nanoTime();
}

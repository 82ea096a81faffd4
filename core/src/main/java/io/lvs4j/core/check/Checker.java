package io.lvs4j.core.check;

import java.util.Objects;

/**
 * One checker of a real server: what to probe and when.
 *
 * @param check the probe
 * @param timing its timing and hysteresis
 */
public record Checker(HealthCheck check, CheckTiming timing) {

    /** Checks the values. */
    public Checker {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(timing, "timing");
    }
}

package io.lvs4j.core.check;

import java.util.Objects;

/**
 * The outcome of one attempt of a health check.
 *
 * @param up true if the server passed the check
 * @param weight the weight the check asks for ({@code misc_dynamic}), or {@link #KEEP_WEIGHT}
 *     to leave the configured weight
 * @param reason a short human-readable reason, for logs and listeners
 */
public record CheckResult(boolean up, int weight, String reason) {

    /** The weight of a result that leaves the real server's configured weight. */
    public static final int KEEP_WEIGHT = -1;

    private static final CheckResult UP = new CheckResult(true, KEEP_WEIGHT, "ok");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the weight is below {@link #KEEP_WEIGHT}
     */
    public CheckResult {
        Objects.requireNonNull(reason, "reason");
        if (weight < KEEP_WEIGHT) {
            throw new IllegalArgumentException("weight must be >= 0 or KEEP_WEIGHT: " + weight);
        }
    }

    /** @return a success that keeps the configured weight */
    public static CheckResult success() {
        return UP;
    }

    /**
     * A success that sets the real server's weight, as {@code misc_dynamic} does.
     *
     * @param weight the new weight, 0 or more
     * @return the result
     */
    public static CheckResult successWithWeight(int weight) {
        if (weight < 0) {
            throw new IllegalArgumentException("weight must not be negative: " + weight);
        }
        return new CheckResult(true, weight, "ok, weight " + weight);
    }

    /**
     * A failure.
     *
     * @param reason why the check failed
     * @return the result
     */
    public static CheckResult failure(String reason) {
        return new CheckResult(false, KEEP_WEIGHT, reason);
    }
}

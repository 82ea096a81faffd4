package io.lvs4j.core.check;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how often a checker runs, with keepalived's names, plus HAProxy-style hysteresis.
 *
 * <p>Every {@code delayLoop} the checker makes an attempt bounded by {@code connectTimeout}. While
 * the checker is up, a failed attempt is retried {@code retry} times, {@code delayBeforeRetry}
 * apart; only when the last retry fails does the round count as failed (a checker that is down
 * is not retried, as in keepalived). The checker goes down after {@code fall} failed rounds in a
 * row and up after {@code rise} successful rounds in a row; keepalived's behaviour is rise = fall
 * = 1. The first attempt waits a random delay up to {@code warmup} (0: start at once). With
 * {@code alpha} the checker starts down, otherwise up.
 *
 * @param connectTimeout the hard deadline of one attempt
 * @param retry how many times a failed attempt is retried before the round fails
 * @param delayBeforeRetry the delay before a retry
 * @param delayLoop the delay between rounds
 * @param warmup the largest random delay before the first attempt
 * @param alpha start down instead of up
 * @param rise successful rounds in a row that bring a down checker up, 1 or more
 * @param fall failed rounds in a row that bring an up checker down, 1 or more
 */
public record CheckTiming(Duration connectTimeout, int retry, Duration delayBeforeRetry,
        Duration delayLoop, Duration warmup, boolean alpha, int rise, int fall) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a count is out of range or a duration negative
     */
    public CheckTiming {
        positive(connectTimeout, "connectTimeout");
        notNegative(delayBeforeRetry, "delayBeforeRetry");
        positive(delayLoop, "delayLoop");
        notNegative(warmup, "warmup");
        if (retry < 0) {
            throw new IllegalArgumentException("retry must not be negative: " + retry);
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be 1 or more: " + rise + "/" + fall);
        }
    }

    /**
     * Keepalived's defaults for a given loop delay: connect_timeout 5 s, retry 1,
     * delay_before_retry 1 s, warmup = delay_loop, no alpha, rise = fall = 1.
     *
     * @param delayLoop the delay between rounds
     * @return the timing
     */
    public static CheckTiming keepalivedDefaults(Duration delayLoop) {
        return new CheckTiming(Duration.ofSeconds(5), 1, Duration.ofSeconds(1), delayLoop, delayLoop,
                false, 1, 1);
    }

    /**
     * A timing with no retry and no warmup, handy for short loops.
     *
     * @param delayLoop the delay between rounds
     * @param connectTimeout the deadline of one attempt
     * @param rise successful rounds to come up
     * @param fall failed rounds to go down
     * @return the timing
     */
    public static CheckTiming of(Duration delayLoop, Duration connectTimeout, int rise, int fall) {
        return new CheckTiming(connectTimeout, 0, Duration.ZERO, delayLoop, Duration.ZERO, false, rise, fall);
    }

    /**
     * @param newRetry retries of a failed attempt
     * @param newDelayBeforeRetry the delay before each retry
     * @return this timing with other retry settings
     */
    public CheckTiming withRetry(int newRetry, Duration newDelayBeforeRetry) {
        return new CheckTiming(connectTimeout, newRetry, newDelayBeforeRetry, delayLoop, warmup, alpha, rise, fall);
    }

    /**
     * @param newAlpha whether the checker starts down
     * @return this timing with another alpha flag
     */
    public CheckTiming withAlpha(boolean newAlpha) {
        return new CheckTiming(connectTimeout, retry, delayBeforeRetry, delayLoop, warmup, newAlpha, rise, fall);
    }

    /**
     * @param newWarmup the largest random delay before the first attempt
     * @return this timing with another warmup
     */
    public CheckTiming withWarmup(Duration newWarmup) {
        return new CheckTiming(connectTimeout, retry, delayBeforeRetry, delayLoop, newWarmup, alpha, rise, fall);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    private static void notNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }
}

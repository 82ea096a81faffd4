package io.lvs4j.core.check.internal;

/**
 * The pure state of one checker: keepalived's retry count and the rise/fall hysteresis. It
 * knows nothing of sockets or time; {@link CheckRunner} feeds it attempts and turns its answers
 * into delays.
 *
 * <p>A failed attempt while up is retried {@code retry} times before the round fails; while
 * down, a failed attempt ends the round at once (keepalived only retries for a live server).
 * The state flips down after {@code fall} failed rounds in a row and up after {@code rise}
 * successful rounds in a row; a round of the other kind resets the count.
 *
 * <p>Not thread-safe: one checker's attempts run on one loop.
 */
public final class CheckState {

    /** What an attempt led to. */
    public enum Step {
        /** The attempt failed and will be retried after {@code delay_before_retry}. */
        RETRY,
        /** The round ended without a change of state. */
        UNCHANGED,
        /** The round ended and the checker came up. */
        WENT_UP,
        /** The round ended and the checker went down. */
        WENT_DOWN
    }

    private final int retry;
    private final int rise;
    private final int fall;
    private boolean up;
    private int retried;
    private int streak;

    /**
     * @param retry retries of a failed attempt while up
     * @param rise successful rounds to come up
     * @param fall failed rounds to go down
     * @param startUp the initial state (keepalived: up unless alpha)
     */
    public CheckState(int retry, int rise, int fall, boolean startUp) {
        if (retry < 0 || rise < 1 || fall < 1) {
            throw new IllegalArgumentException("retry >= 0, rise >= 1 and fall >= 1 required");
        }
        this.retry = retry;
        this.rise = rise;
        this.fall = fall;
        this.up = startUp;
    }

    /** @return true if the checker is up */
    public boolean up() {
        return up;
    }

    /**
     * Takes the outcome of one attempt.
     *
     * @param success whether the attempt passed
     * @return what it led to
     */
    public Step onAttempt(boolean success) {
        if (success) {
            retried = 0;
            if (up) {
                streak = 0;
                return Step.UNCHANGED;
            }
            if (++streak >= rise) {
                up = true;
                streak = 0;
                return Step.WENT_UP;
            }
            return Step.UNCHANGED;
        }
        if (!up) {
            streak = 0;
            return Step.UNCHANGED;
        }
        if (retried < retry) {
            retried++;
            return Step.RETRY;
        }
        retried = 0;
        if (++streak >= fall) {
            up = false;
            streak = 0;
            return Step.WENT_DOWN;
        }
        return Step.UNCHANGED;
    }
}

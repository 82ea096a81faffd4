package io.lvs4j.lab;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits for a condition by asking it again at a fixed interval until it holds or a deadline
 * passes: the lab's waits, at run time, without a test library. A condition that throws counts
 * as not yet holding. Stateless; thread-safe.
 */
public final class Poll {

    private Poll() {
    }

    /**
     * Asks a condition until it holds.
     *
     * @param atMost how long to keep asking
     * @param interval the pause between two questions
     * @param condition the condition; an exception it throws counts as {@code false}
     * @return {@code true} if the condition held in time, {@code false} on time-out
     * @throws InterruptedException if interrupted while waiting
     */
    public static boolean until(Duration atMost, Duration interval, Callable<Boolean> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            if (holds(condition)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(interval.toMillis(), left / 1_000_000)));
        }
    }

    private static boolean holds(Callable<Boolean> condition) throws InterruptedException {
        try {
            return Boolean.TRUE.equals(condition.call());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return false;
        }
    }
}

package io.lvs4j.core.check;

import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The thread and clock health checkers run on, one loop of a {@link HealthCheckEngine}. A
 * checker's timers, its attempts and the network I/O of its probe all run on one loop, so a
 * checker needs no lock and owns no thread; thousands of checkers share a few loops.
 *
 * <p>Threading: {@link #execute(Runnable)} and {@link #schedule(Runnable, long, TimeUnit)} may be
 * called from any thread; the tasks run on the loop, one at a time.
 */
public interface CheckLoop extends Executor {

    /** @return the loop's monotonic time in nanoseconds (only differences are meaningful) */
    long nanoTime();

    /** @return true if the calling thread is this loop's */
    boolean inLoop();

    /**
     * Runs a task on the loop as soon as it can.
     *
     * @param task the task
     * @throws RejectedExecutionException if the loop has shut down
     */
    @Override
    void execute(Runnable task);

    /**
     * Runs a task on the loop after a delay, measured on {@link #nanoTime()}.
     *
     * @param task the task
     * @param delay the delay
     * @param unit the delay's unit
     * @return the pending task; {@link Future#cancel(boolean) cancel} it to drop it
     * @throws RejectedExecutionException if the loop has shut down
     */
    Future<?> schedule(Runnable task, long delay, TimeUnit unit);

    /** @return the network I/O of the built-in checkers, done on this loop */
    CheckNetwork network();
}

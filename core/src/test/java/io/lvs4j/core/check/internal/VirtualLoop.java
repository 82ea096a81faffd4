package io.lvs4j.core.check.internal;

import io.lvs4j.core.check.CheckLoop;
import io.lvs4j.core.check.CheckNetwork;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * A check loop in virtual time, driven by the test's thread as Netty's {@code EmbeddedChannel}
 * drives its loop: time moves only with {@link #advanceTimeBy(long, TimeUnit)}, and tasks run only
 * when the test asks. Timers due at the same time run in the order they were set. It has no
 * network: the checks run on it are the test's own.
 */
final class VirtualLoop implements CheckLoop {

    private record Timer(long deadline, long seq, FutureTask<Void> task) {
    }

    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::deadline).thenComparingLong(Timer::seq));
    private long now;
    private long seq;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public boolean inLoop() {
        return true;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public Future<?> schedule(Runnable task, long delay, TimeUnit unit) {
        FutureTask<Void> f = new FutureTask<>(task, null);
        timers.add(new Timer(now + unit.toNanos(delay), seq++, f));
        return f;
    }

    @Override
    public CheckNetwork network() {
        throw new UnsupportedOperationException("a virtual loop has no network");
    }

    /** Moves time forward without running anything. */
    void advanceTimeBy(long delay, TimeUnit unit) {
        now += unit.toNanos(delay);
    }

    /** Runs the queued tasks (and those they queue), then the timers due now. */
    void runPendingTasks() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
        }
        runScheduledPendingTasks();
    }

    /** Runs the timers due now, including those they set to fire at once. */
    void runScheduledPendingTasks() {
        for (Timer t = timers.peek(); t != null && t.deadline() <= now; t = timers.peek()) {
            timers.poll();
            t.task().run();
        }
    }
}

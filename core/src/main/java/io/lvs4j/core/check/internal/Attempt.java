package io.lvs4j.core.check.internal;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckLoop;
import io.lvs4j.core.check.CheckResult;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a checker, with its deadline timer. Completed once: by the check, by the
 * deadline, or by the checker stopping. Cleanups run on the loop when it ends.
 *
 * <p>Threading: {@link #complete(CheckResult)} is safe from any thread; everything else runs on
 * the attempt's loop.
 */
final class Attempt implements CheckAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(Attempt.class);

    private final CheckLoop loop;
    private final InetSocketAddress target;
    private final long deadline;
    private final Consumer<CheckResult> onResult;
    private final AtomicBoolean done = new AtomicBoolean();
    private final List<Runnable> cleanups = new ArrayList<>(2);
    private CheckResult atDeadline;
    private Future<?> timer;
    private boolean ended;

    Attempt(CheckLoop loop, InetSocketAddress target, long timeoutNanos, Consumer<CheckResult> onResult) {
        this.loop = loop;
        this.target = target;
        this.deadline = loop.nanoTime() + timeoutNanos;
        this.onResult = onResult;
        this.atDeadline = CheckResult.failure("timeout after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    }

    /** Arms the deadline timer. Loop thread only, before the check starts. */
    void armDeadline() {
        timer = loop.schedule(this::expire, remainingNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public CheckLoop loop() {
        return loop;
    }

    @Override
    public InetSocketAddress target() {
        return target;
    }

    @Override
    public long remainingNanos() {
        return Math.max(0, deadline - loop.nanoTime());
    }

    @Override
    public boolean complete(CheckResult result) {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        if (loop.inLoop()) {
            end(result);
        } else {
            loop.execute(() -> end(result));
        }
        return true;
    }

    @Override
    public boolean isDone() {
        return done.get();
    }

    @Override
    public void whenDone(Runnable cleanup) {
        if (ended) {
            runCleanup(cleanup);
        } else {
            cleanups.add(cleanup);
        }
    }

    @Override
    public void resultAtDeadline(CheckResult result) {
        atDeadline = result;
    }

    /** Fails the attempt for a check that threw instead of completing. */
    void failWith(Throwable cause) {
        complete(CheckResult.failure("check threw " + cause));
    }

    /** Ends the attempt without a result (the checker stops). Loop thread only. */
    void abort() {
        if (done.compareAndSet(false, true)) {
            endWithout();
        }
    }

    private void expire() {
        if (done.compareAndSet(false, true)) {
            end(atDeadline);
        }
    }

    private void end(CheckResult result) {
        endWithout();
        onResult.accept(result);
    }

    private void endWithout() {
        ended = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        for (Runnable r : cleanups) {
            runCleanup(r);
        }
        cleanups.clear();
    }

    private static void runCleanup(Runnable cleanup) {
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            LOG.warn("health check cleanup failed", e);
        }
    }
}

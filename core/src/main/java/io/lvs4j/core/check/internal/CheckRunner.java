package io.lvs4j.core.check.internal;

import io.lvs4j.core.check.CheckLoop;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.core.check.HealthCheck;
import io.lvs4j.core.config.CheckerTiming;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one checker on one {@link CheckLoop}: warmup, attempts with a hard deadline, retries, the
 * delay loop, and the {@link CheckState} hysteresis. No thread of its own: every step is a
 * task or a timer on the loop.
 *
 * <p>Time is the loop's {@link CheckLoop#nanoTime()}, so a test can drive a runner on a loop
 * with virtual time.
 *
 * <p>Threading: the loop owns the state; {@link #up()}, {@link #weight()} and the counters are
 * volatile reads for other threads. {@link #start()} and {@link #stop()} may be called from any
 * thread, and so may {@link #suspend(boolean)}.
 */
public final class CheckRunner {

    /** Told, on the loop, when a checker's state or requested weight changes. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param runner the checker that changed
         * @param result the result of the attempt that changed it
         */
        void changed(CheckRunner runner, CheckResult result);
    }

    private static final Logger LOG = LoggerFactory.getLogger(CheckRunner.class);

    private final HealthCheck check;
    private final CheckerTiming timing;
    private final InetSocketAddress target;
    private final CheckLoop loop;
    private final CheckState state;
    private final Listener listener;
    private volatile boolean up;
    private volatile int weight = CheckResult.KEEP_WEIGHT;
    private volatile CheckResult lastResult;
    private volatile long attempts;
    private volatile long maxLateNanos;
    private volatile boolean stopped;
    private volatile boolean suspended;
    private boolean started;
    private Attempt current;
    private Future<?> next;
    private long dueAt;

    /**
     * @param check the probe
     * @param timing its timing
     * @param target the real server's address and port
     * @param loop the loop that runs it
     * @param listener told of changes
     */
    public CheckRunner(HealthCheck check, CheckerTiming timing, InetSocketAddress target, CheckLoop loop,
            Listener listener) {
        this.check = Objects.requireNonNull(check, "check");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.target = Objects.requireNonNull(target, "target");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.state = new CheckState(timing.retry(), timing.rise(), timing.fall(), !timing.alpha());
        this.up = state.up();
    }

    /** Schedules the first attempt after a random warmup delay (unless suspended). */
    public void start() {
        onLoop(() -> {
            started = true;
            if (!suspended) {
                schedule(warmupDelay());
            }
        });
    }

    private long warmupDelay() {
        long warmup = timing.warmup().toNanos();
        return warmup == 0 ? 0 : ThreadLocalRandom.current().nextLong(warmup + 1);
    }

    /** Stops the checker; an attempt in flight is aborted and its cleanups run. */
    public void stop() {
        stopped = true;
        onLoop(this::cancel);
    }

    /**
     * Suspends or resumes the checker ({@code ha_suspend}): suspended, no attempt runs (one in
     * flight is aborted without a result) and the state stays as it was; resumed, the next attempt
     * follows after a random warmup delay, as at start. May be called before {@link #start()}.
     *
     * @param on true to suspend, false to resume
     */
    public void suspend(boolean on) {
        onLoop(() -> {
            if (suspended == on) {
                return;
            }
            suspended = on;
            if (on) {
                cancel();
            } else if (started) {
                schedule(warmupDelay());
            }
        });
    }

    /** @return true while suspended */
    public boolean suspended() {
        return suspended;
    }

    private void cancel() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
        if (current != null) {
            current.abort();
            current = null;
        }
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("check loop shut down; {} on {} not run", check.name(), target);
        }
    }

    /** @return the probe */
    public HealthCheck check() {
        return check;
    }

    /** @return the timing */
    public CheckerTiming timing() {
        return timing;
    }

    /** @return true if the checker is up */
    public boolean up() {
        return up;
    }

    /** @return the weight the checker asks for, or {@link CheckResult#KEEP_WEIGHT} */
    public int weight() {
        return weight;
    }

    /** @return the result of the last attempt, null before the first */
    public CheckResult lastResult() {
        return lastResult;
    }

    /** @return attempts completed so far */
    public long attempts() {
        return attempts;
    }

    /**
     * Returns the largest delay seen between an attempt's due time and its start, and starts a
     * new measurement.
     *
     * @return nanoseconds
     */
    public long takeMaxLateNanos() {
        long v = maxLateNanos;
        maxLateNanos = 0;
        return v;
    }

    private void schedule(long delayNanos) {
        if (stopped || suspended) {
            return;
        }
        dueAt = loop.nanoTime() + delayNanos;
        next = loop.schedule(this::attempt, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void attempt() {
        next = null;
        if (stopped || suspended) {
            return;
        }
        long late = loop.nanoTime() - dueAt;
        if (late > maxLateNanos) {
            maxLateNanos = late;
        }
        Attempt a = new Attempt(loop, target, check.timeout(timing).toNanos(), this::finished);
        current = a;
        a.armDeadline();
        try {
            check.check(a);
        } catch (RuntimeException e) {
            a.failWith(e);
        }
    }

    private void finished(CheckResult result) {
        current = null;
        if (stopped || suspended) {
            return;
        }
        attempts++;
        lastResult = result;
        boolean weightChanged = false;
        if (result.up() && result.weight() != weight) {
            weight = result.weight();
            weightChanged = true;
        }
        CheckState.Step step = state.onAttempt(result.up());
        up = state.up();
        if (step == CheckState.Step.WENT_UP || step == CheckState.Step.WENT_DOWN) {
            LOG.info("{} on {} went {}: {}", check.name(), target, up ? "up" : "down", result.reason());
        }
        if (step == CheckState.Step.WENT_UP || step == CheckState.Step.WENT_DOWN || (weightChanged && up)) {
            try {
                listener.changed(this, result);
            } catch (RuntimeException e) {
                LOG.warn("health check listener failed", e);
            }
        }
        schedule(step == CheckState.Step.RETRY ? timing.delayBeforeRetry().toNanos() : timing.delayLoop().toNanos());
    }
}

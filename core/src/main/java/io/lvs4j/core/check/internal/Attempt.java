package io.lvs4j.core.check.internal;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckResult;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
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
 * the attempt's event loop.
 */
final class Attempt implements CheckAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(Attempt.class);

    private final EventLoop loop;
    private final Transport transport;
    private final InetSocketAddress target;
    private final long deadline;
    private final Consumer<CheckResult> onResult;
    private final AtomicBoolean done = new AtomicBoolean();
    private final List<Runnable> cleanups = new ArrayList<>(2);
    private CheckResult atDeadline;
    private ScheduledFuture<?> timer;
    private boolean ended;

    Attempt(EventLoop loop, Transport transport, InetSocketAddress target, long timeoutNanos,
            Consumer<CheckResult> onResult) {
        this.loop = loop;
        this.transport = transport;
        this.target = target;
        this.deadline = loop.ticker().nanoTime() + timeoutNanos;
        this.onResult = onResult;
        this.atDeadline = CheckResult.failure("timeout after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    }

    /** Arms the deadline timer. Loop thread only, before the check starts. */
    void armDeadline() {
        timer = loop.schedule(this::expire, remainingNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public InetSocketAddress target() {
        return target;
    }

    @Override
    public Bootstrap tcpBootstrap() {
        int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos()));
        return new Bootstrap().group(loop).channel(transport.socketType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .option(ChannelOption.SO_LINGER, 0);
    }

    @Override
    public Bootstrap udpBootstrap() {
        return new Bootstrap().group(loop).channel(transport.datagramType());
    }

    @Override
    public long remainingNanos() {
        return Math.max(0, deadline - loop.ticker().nanoTime());
    }

    @Override
    public boolean complete(CheckResult result) {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        if (loop.inEventLoop()) {
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

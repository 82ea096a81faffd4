package io.lvs4j.examples;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New connections to a VIP, one after another, while the scenario runs: each connects, asks
 * {@code GET /}, closes. It counts successes and failures (no answer within the timeout, a reset,
 * a wrong answer) and keeps the longest time one took (the longest stall a new client saw).
 * Bounded: it stops after {@link #MAX_ATTEMPTS} attempts or when stopped. Thread-safe.
 */
final class NewConnectionProbe implements Runnable {

    /** The most attempts one probe makes. */
    static final int MAX_ATTEMPTS = 50_000;
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final long PAUSE_MILLIS = 20;

    private final String vip;
    private final int port;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong longestNanos = new AtomicLong();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile String lastFailure = "";

    NewConnectionProbe(String vip, int port) {
        this.vip = vip;
        this.port = port;
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < MAX_ATTEMPTS && stop.getCount() > 0; i++) {
                long start = System.nanoTime();
                try (KeepAliveConnection c = new KeepAliveConnection(vip, port, TIMEOUT_MILLIS)) {
                    String name = c.get(true);
                    if (!name.startsWith("nginx")) {
                        throw new IOException("answer " + name);
                    }
                    ok.incrementAndGet();
                } catch (IOException e) {
                    failed.incrementAndGet();
                    lastFailure = e.toString();
                }
                longestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                if (stop.await(PAUSE_MILLIS, TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended.countDown();
        }
    }

    /**
     * Stops the probe and waits for its last attempt.
     *
     * @throws InterruptedException if interrupted
     */
    void stop() throws InterruptedException {
        stop.countDown();
        ended.await(TIMEOUT_MILLIS * 2L, TimeUnit.MILLISECONDS);
    }

    long succeeded() {
        return ok.get();
    }

    long failed() {
        return failed.get();
    }

    long longestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(longestNanos.get());
    }

    String lastFailure() {
        return lastFailure;
    }
}

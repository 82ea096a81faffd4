package io.lvs4j.core.check.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.core.check.HealthCheck;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.CheckerType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner's keepalived timing, on a loop with virtual time. */
class CheckRunnerTest {

    /** Answers each attempt from a script: 'u' up, 'd' down, 'h' hang (never answers). */
    private static final class Scripted implements HealthCheck {
        final Deque<Character> script = new ArrayDeque<>();
        final List<Long> startsMs = new ArrayList<>();
        final VirtualLoop clock;
        int cleanups;

        Scripted(VirtualLoop clock, String outcomes) {
            this.clock = clock;
            for (char c : outcomes.toCharArray()) {
                script.add(c);
            }
        }

        @Override
        public void check(CheckAttempt attempt) {
            startsMs.add(TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - t0));
            attempt.whenDone(() -> cleanups++);
            char c = script.isEmpty() ? 'u' : script.poll();
            if (c == 'u') {
                attempt.complete(CheckResult.success());
            } else if (c == 'd') {
                attempt.complete(CheckResult.failure("scripted"));
            }
        }

        long t0;
    }

    private VirtualLoop loop;
    private final List<String> changes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        loop = new VirtualLoop();
    }

    private CheckerTiming timing(int retry, long retryMs, long loopMs, long timeoutMs, int rise, int fall, boolean alpha) {
        return CheckerTiming.builder(CheckerType.TCP_CHECK).retry(retry).delayBeforeRetry(Duration.ofMillis(retryMs))
                .delayLoop(Duration.ofMillis(loopMs)).connectTimeout(Duration.ofMillis(timeoutMs))
                .warmup(Duration.ZERO).rise(rise).fall(fall).alpha(alpha).build();
    }

    private CheckRunner runner(Scripted check, CheckerTiming timing) {
        check.t0 = loop.nanoTime();
        CheckRunner r = new CheckRunner(check, timing, new InetSocketAddress("127.0.0.1", 80), loop,
                (runner, result) -> changes.add((runner.up() ? "up@" : "down@")
                        + TimeUnit.NANOSECONDS.toMillis(loop.nanoTime() - check.t0)));
        r.start();
        return r;
    }

    /** Advances virtual time in 1 ms steps, running what falls due. */
    private void run(long ms) {
        loop.runPendingTasks();
        for (long i = 0; i < ms; i++) {
            loop.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            loop.runPendingTasks();
            loop.runScheduledPendingTasks();
        }
    }

    @Test
    void shouldRunOneAttemptPerDelayLoopAfterTheLastEnds() {
        Scripted check = new Scripted(loop, "uuuu");
        runner(check, timing(0, 0, 1000, 300, 1, 1, false));
        run(3500);
        assertEquals(List.of(0L, 1000L, 2000L, 3000L), check.startsMs);
        assertEquals(List.of(), changes);
    }

    @Test
    void shouldFailAHungAttemptAtItsDeadlineAndRunItsCleanup() {
        Scripted check = new Scripted(loop, "hh");
        CheckRunner r = runner(check, timing(0, 0, 1000, 300, 1, 1, false));
        run(1700);
        assertEquals(List.of("down@300"), changes);
        assertEquals(List.of(0L, 1300L), check.startsMs, "the next round waits delay_loop after the timeout");
        assertEquals(2, check.cleanups);
        assertEquals("timeout after 300 ms", r.lastResult().reason());
    }

    @Test
    void shouldRetryDelayBeforeRetryApartThenGoDown() {
        Scripted check = new Scripted(loop, "uddd");
        runner(check, timing(2, 200, 1000, 300, 1, 1, false));
        run(1500);
        assertEquals(List.of(0L, 1000L, 1200L, 1400L), check.startsMs);
        assertEquals(List.of("down@1400"), changes);
    }

    @Test
    void shouldNotRetryWhileDownAndComeUpAfterRiseRounds() {
        Scripted check = new Scripted(loop, "dduu");
        runner(check, timing(3, 100, 500, 300, 2, 1, true));
        run(1600);
        assertEquals(List.of(0L, 500L, 1000L, 1500L), check.startsMs, "no retries for a down checker");
        assertEquals(List.of("up@1500"), changes);
    }

    @Test
    void shouldGoDownAfterFallFailedRoundsOnly() {
        Scripted check = new Scripted(loop, "dudd");
        runner(check, timing(0, 0, 100, 50, 1, 2, false));
        run(350);
        assertEquals(List.of("down@300"), changes);
    }

    @Test
    void shouldStopWithoutAnotherAttempt() {
        Scripted check = new Scripted(loop, "h");
        CheckRunner r = runner(check, timing(0, 0, 1000, 300, 1, 1, false));
        run(100);
        r.stop();
        run(2000);
        assertEquals(List.of(0L), check.startsMs);
        assertEquals(1, check.cleanups, "the hung attempt is cleaned up");
        assertTrue(r.up());
        assertFalse(changes.contains("down@300"));
    }

    @Test
    void shouldRunNoAttemptWhileSuspendedAndKeepItsState() {
        Scripted check = new Scripted(loop, "udhu");
        CheckRunner r = runner(check, timing(0, 0, 1000, 300, 1, 1, false));
        run(2100);
        assertEquals(List.of(0L, 1000L, 2000L), check.startsMs);
        assertEquals(List.of("down@1000"), changes);
        r.suspend(true);
        run(3000);
        assertEquals(3, check.startsMs.size(), "no attempt while suspended");
        assertTrue(r.suspended());
        assertFalse(r.up(), "the state stays as it was");
        r.suspend(false);
        run(1);
        assertEquals(5100L, check.startsMs.get(3), "resumed at once (no warmup)");
        assertEquals(List.of("down@1000", "up@5100"), changes, "the attempt hung at 2000 was dropped");
        assertEquals(3, r.attempts());
    }

    @Test
    void shouldAbortAnAttemptInFlightWhenSuspendedWithoutAResult() {
        Scripted check = new Scripted(loop, "hu");
        CheckRunner r = runner(check, timing(0, 0, 1000, 300, 1, 1, false));
        run(100);
        r.suspend(true);
        run(2000);
        assertEquals(List.of(0L), check.startsMs);
        assertEquals(1, check.cleanups, "the hung attempt is cleaned up");
        assertEquals(0, r.attempts(), "and counts as no attempt");
        assertEquals(List.of(), changes, "its deadline never failed it");
        assertTrue(r.up());
    }

    @Test
    void shouldStartSuspendedWhenSuspendedBeforeStart() {
        Scripted check = new Scripted(loop, "u");
        check.t0 = loop.nanoTime();
        CheckRunner r = new CheckRunner(check, timing(0, 0, 1000, 300, 1, 1, false),
                new InetSocketAddress("127.0.0.1", 80), loop, (runner, result) -> changes.add("changed"));
        r.suspend(true);
        r.start();
        run(3000);
        assertEquals(List.of(), check.startsMs);
        r.suspend(false);
        run(1);
        assertEquals(List.of(3000L), check.startsMs);
    }

    @Test
    void shouldStartWithinTheWarmupDelay() {
        Scripted check = new Scripted(loop, "u");
        CheckerTiming t = CheckerTiming.builder(CheckerType.TCP_CHECK).delayLoop(Duration.ofSeconds(10))
                .warmup(Duration.ofMillis(400)).build();
        runner(check, t);
        run(401);
        assertEquals(1, check.startsMs.size());
        assertTrue(check.startsMs.getFirst() <= 400, check.startsMs.toString());
    }
}

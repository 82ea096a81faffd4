package io.lvs4j.core.check.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckLoop;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.core.check.Checker;
import io.lvs4j.core.check.HealthCheck;
import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.check.HealthListener;
import io.lvs4j.core.check.ServerChecks;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.CheckerType;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's {@code ha_suspend} (checkers suspended while the VIP is not held),
 * {@code omega} (notify_down and quorum_down at shutdown) and the notifiers a reload runs for
 * the servers and services it removes, on a check loop in virtual time.
 */
class SuspendAndOmegaTest {

    /** Answers each attempt with the current value of {@link #healthy}. */
    private static final class Switch implements HealthCheck {
        boolean healthy = true;
        int attempts;

        @Override
        public void check(CheckAttempt attempt) {
            attempts++;
            attempt.complete(healthy ? CheckResult.success() : CheckResult.failure("switched off"));
        }
    }

    private final VirtualLoop loop = new VirtualLoop();
    private final HealthCheckEngine engine = new HealthCheckEngine() {
        @Override
        public CheckLoop nextLoop() {
            return loop;
        }

        @Override
        public Duration scriptTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public void close() {
        }
    };
    private final List<String> heard = new ArrayList<>();
    private final HealthListener listener = new HealthListener() {
        @Override
        public void realServerUp(VirtualService service, RealServer server) {
            heard.add("up " + server.address().getHostAddress());
        }

        @Override
        public void realServerDown(VirtualService service, RealServer server, String reason) {
            heard.add("down " + server.address().getHostAddress() + " " + reason);
        }

        @Override
        public void quorumChanged(VirtualService service, boolean up, long liveWeight) {
            heard.add("quorum " + (up ? "up" : "down") + " " + liveWeight);
        }
    };

    static Scheduler first() {
        return new Scheduler() {
            private volatile DestinationSet set = DestinationSet.EMPTY;

            @Override
            public String name() {
                return "first";
            }

            @Override
            public void update(DestinationSet destinations) {
                set = destinations;
            }

            @Override
            public Destination pick(FlowKey flow) {
                return set.size() == 0 ? null : set.get(0);
            }
        };
    }

    private static final VirtualService VS = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.0.10"),
            80, first());

    private static RealServer server(int host) {
        return RealServer.of(InetAddress.ofLiteral("198.18.0." + host), 80, 1);
    }

    private static Checker checker(Switch check) {
        return new Checker(check, CheckerTiming.builder(CheckerType.TCP_CHECK).retry(0).delayLoop(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofMillis(300)).warmup(Duration.ZERO).build());
    }

    private void run(long ms) {
        loop.runPendingTasks();
        for (long i = 0; i < ms; i++) {
            loop.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            loop.runPendingTasks();
        }
    }

    private static int destinations(VirtualService vs) {
        return vs.destinations().size();
    }

    @Test
    void shouldSuspendTheChecksWhileTheVipIsNotHeld() {
        Switch check = new Switch();
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.0.10"), 80, first());
        VirtualServiceHealth health = new VirtualServiceHealth(vs, engine,
                ServiceChecks.of(List.of(ServerChecks.of(server(11), checker(check)))).withHaSuspend(true));
        health.vipHeld(false);
        health.start();
        run(3000);
        assertEquals(0, check.attempts, "a backup does not check");
        assertTrue(health.suspended());
        assertEquals(1, destinations(vs), "the server is in as its initial state says");

        health.vipHeld(true);
        run(2500);
        assertEquals(3, check.attempts, "resumed at once, then every delay_loop");
        assertFalse(health.suspended());
        check.healthy = false;
        run(1000);
        assertEquals(0, destinations(vs), "a checked failure removes the server");

        health.vipHeld(false);
        check.healthy = true;
        int before = check.attempts;
        run(5000);
        assertEquals(before, check.attempts);
        assertEquals(0, destinations(vs), "suspended, the server stays as the last check left it");
        health.close();
    }

    @Test
    void shouldCheckWhetherOrNotTheVipIsHeldWithoutHaSuspend() {
        Switch check = new Switch();
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.0.10"), 80, first());
        VirtualServiceHealth health = new VirtualServiceHealth(vs, engine,
                ServiceChecks.of(List.of(ServerChecks.of(server(11), checker(check)))));
        health.vipHeld(false);
        health.start();
        run(2500);
        assertEquals(3, check.attempts);
        assertFalse(health.suspended());

        health.reload(ServiceChecks.of(List.of(ServerChecks.of(server(11), checker(check)))).withHaSuspend(true));
        run(3000);
        assertEquals(3, check.attempts, "a reload that turns ha_suspend on suspends the checks at once");
        health.close();
    }

    @Test
    void shouldRunNotifyDownAndQuorumDownAtShutdownWithOmega(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("notified");
        Switch up = new Switch();
        Switch down = new Switch();
        down.healthy = false;
        List<String> notifyDown = appending(log, "down-11");
        List<String> quorumDown = appending(log, "quorum-down");
        ServiceChecks checks = ServiceChecks.of(List.of(
                        ServerChecks.of(server(11), checker(up)).withNotify(List.of(), notifyDown),
                        ServerChecks.of(server(12), checker(down))))
                .withQuorumScripts(List.of(), quorumDown).withOmega(true);
        VirtualServiceHealth health = new VirtualServiceHealth(VS, engine, checks).addListener(listener);
        health.start();
        run(100);
        assertEquals(List.of("down 198.18.0.12 switched off (Switch)"), heard);
        heard.clear();

        health.shutdown();
        assertEquals(List.of("down 198.18.0.11 shutting down", "quorum down 0"), heard);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log)
                && Files.readAllLines(log).size() == 2);
        assertEquals(List.of("down-11", "quorum-down"), sorted(log));
        run(3000);
        assertEquals(1, up.attempts, "the checks stopped");
    }

    @Test
    void shouldTellNothingAtShutdownWithoutOmega() {
        Switch up = new Switch();
        VirtualServiceHealth health = new VirtualServiceHealth(VS, engine,
                ServiceChecks.of(List.of(ServerChecks.of(server(11), checker(up))))).addListener(listener);
        health.start();
        run(100);
        health.shutdown();
        run(3000);
        assertEquals(List.of(), heard, "no notify_down, no quorum change");
        assertEquals(1, up.attempts, "the checks stopped");
    }

    @Test
    void shouldTellALiveServerDownWhenAReloadRemovesIt(@TempDir Path dir) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.0.10"), 80, first());
        ServerChecks kept = ServerChecks.of(server(13), checker(new Switch()));
        Switch down = new Switch();
        down.healthy = false;
        Path log = dir.resolve("notified");
        VirtualServiceHealth health = new VirtualServiceHealth(vs, engine, ServiceChecks.of(List.of(
                ServerChecks.of(server(11), checker(new Switch())).withNotify(List.of(),
                        appending(log, "down-11")),
                ServerChecks.of(server(12), checker(down)).withNotify(List.of(),
                        appending(log, "down-12")),
                kept))).addListener(listener);
        health.start();
        run(100);
        heard.clear();
        assertEquals(2, destinations(vs));

        health.reload(ServiceChecks.of(List.of(kept)));
        assertEquals(List.of("down 198.18.0.11 removed by reload"), heard,
                "the live server removed is told down; the dead one was told already");
        assertEquals(1, destinations(vs));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log)
                && Files.readAllLines(log).size() == 2);
        assertEquals(List.of("down-11", "down-12"), sorted(log), "12's when its check failed, 11's at the reload");
        health.close();
    }

    @Test
    void shouldTellLiveServersAndQuorumDownWhenAReloadRemovesTheService(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("notified");
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.0.10"), 80, first());
        VirtualServiceHealth health = new VirtualServiceHealth(vs, engine, ServiceChecks.of(List.of(
                        ServerChecks.of(server(11), checker(new Switch())).withNotify(List.of(),
                                appending(log, "down-11"))))
                .withQuorumScripts(List.of(), appending(log, "quorum-down")))
                .addListener(listener);
        health.start();
        run(100);
        heard.clear();

        health.remove();
        assertEquals(List.of("down 198.18.0.11 service removed by reload", "quorum down 0"), heard,
                "without omega too: this is a reload, not a shutdown");
        assertEquals(0, destinations(vs));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log)
                && Files.readAllLines(log).size() == 2);
        assertEquals(List.of("down-11", "quorum-down"), sorted(log));
    }

    /** @return a script that appends a line to the log */
    private static List<String> appending(Path log, String line) {
        return List.of("/bin/sh", "-c", "echo " + line + " >> " + log);
    }

    private static List<String> sorted(Path log) throws java.io.IOException {
        return Files.readAllLines(log).stream().sorted().toList();
    }
}

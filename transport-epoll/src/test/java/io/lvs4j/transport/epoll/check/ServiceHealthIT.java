package io.lvs4j.transport.epoll.check;

import static io.lvs4j.transport.epoll.check.HealthLab.loopbackIp;
import static io.lvs4j.transport.epoll.check.HealthLab.server;
import static io.lvs4j.transport.epoll.check.HealthLab.weightIn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.check.ServerChecks;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.DestinationSet;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How outcomes drive a virtual service: hysteresis against flapping, quorum with hysteresis,
 * sorry server, inhibit_on_failure, notify hooks, reload without flap, and isolation from hung
 * servers. Real servers are controllable Netty servers on loopback.
 */
class ServiceHealthIT {

    private static final Duration D = Duration.ofMillis(100);
    private static final Duration T = Duration.ofMillis(150);
    private static final Duration WAIT = HealthLab.LIVENESS;

    private static EventLoopGroup servers;
    private static HealthCheckEngine engine;

    @BeforeAll
    static void start() {
        servers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        engine = EpollHealthCheckEngine.create(2);
    }

    @AfterAll
    static void stop() {
        engine.close();
        servers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static List<TestHttpServer> httpServers(int n) {
        List<TestHttpServer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new TestHttpServer(servers, loopbackIp(), null));
        }
        return list;
    }

    private static void closeAll(List<TestHttpServer> list) {
        list.forEach(TestHttpServer::close);
    }

    private static ServerChecks http(TestHttpServer s, int weight, CheckerTiming timing) {
        return ServerChecks.of(server(s.address(), weight), Configs.http("/", timing));
    }

    @Test
    void shouldNotFlapAServerFailingOneCheckInThreeWithRiseAndFall() {
        List<TestHttpServer> srv = httpServers(2);
        try {
            // Every third request fails, on both servers; one is checked with rise/fall 2, the other with keepalived's 1/1.
            srv.forEach(s -> s.plan(n -> n % 3 == 0 ? TestHttpServer.Mode.ERROR_500 : TestHttpServer.Mode.OK));
            HealthLab.Events events = new HealthLab.Events();
            VirtualService vs = HealthLab.service(new HealthLab.RecordingScheduler());
            // A generous timeout: only the planned 500s may fail a check, not a slow cold start or a
            // loaded machine (a reply over loopback within 5 s).
            Duration timeout = Duration.ofSeconds(5);
            ServerChecks steady = http(srv.get(0), 1, Configs.timing(D, timeout, 2, 2));
            ServerChecks jumpy = http(srv.get(1), 1, Configs.timing(D, timeout, 1, 1));
            try (VirtualServiceHealth h = new VirtualServiceHealth(vs, engine, ServiceChecks.of(List.of(steady, jumpy)))
                    .addListener(events)) {
                h.start();
                await().atMost(WAIT).until(() -> srv.get(0).requests() >= 18);
                assertFalse(events.log.contains("down " + steady.server().endpoint()), events.log.toString());
                assertTrue(h.isUp(steady.server()));
                assertTrue(events.log.contains("down " + jumpy.server().endpoint()),
                        "without hysteresis the same failures flap: " + events.log);
            }
        } finally {
            closeAll(srv);
        }
    }

    @Test
    void shouldLoseAndRegainQuorumWithHysteresis() {
        List<TestHttpServer> srv = httpServers(3);
        try {
            CheckerTiming timing = Configs.timing(D, T, 1, 1);
            List<ServerChecks> checks = srv.stream().map(s -> http(s, 1, timing)).toList();
            HealthLab.Events events = new HealthLab.Events();
            VirtualService vs = HealthLab.service(new HealthLab.RecordingScheduler());
            // quorum 2, hysteresis 1: gained at live weight >= 3, lost below 1.
            try (VirtualServiceHealth h = new VirtualServiceHealth(vs, engine,
                    ServiceChecks.of(checks).withQuorum(2, 1)).addListener(events)) {
                h.start();
                assertTrue(h.quorumUp());
                setAndAwait(h, srv.get(0), checks.get(0), false);
                setAndAwait(h, srv.get(1), checks.get(1), false);
                assertTrue(h.quorumUp(), "live weight 1 is within the hysteresis band");
                setAndAwait(h, srv.get(2), checks.get(2), false);
                assertFalse(h.quorumUp());
                setAndAwait(h, srv.get(0), checks.get(0), true);
                setAndAwait(h, srv.get(1), checks.get(1), true);
                assertFalse(h.quorumUp(), "live weight 2 does not reach quorum + hysteresis");
                setAndAwait(h, srv.get(2), checks.get(2), true);
                assertTrue(h.quorumUp());
                assertEquals(List.of("quorum down", "quorum up"),
                        events.log.stream().filter(e -> e.startsWith("quorum")).toList());
            }
        } finally {
            closeAll(srv);
        }
    }

    private static void setAndAwait(VirtualServiceHealth h, TestHttpServer s, ServerChecks c, boolean up) {
        s.mode(up ? TestHttpServer.Mode.OK : TestHttpServer.Mode.ERROR_500);
        await().atMost(WAIT).until(() -> h.isUp(c.server()) == up);
    }

    @Test
    void shouldServeFromTheSorryServerWhileNoRealServerIsUp() throws Exception {
        List<TestHttpServer> srv = httpServers(2);
        try {
            CheckerTiming timing = Configs.timing(D, T, 1, 1);
            List<ServerChecks> checks = srv.stream().map(s -> http(s, 5, timing)).toList();
            RealServer sorry = server(new InetSocketAddress(loopbackIp(), 8080), 1);
            VirtualService vs = HealthLab.service(new HealthLab.RecordingScheduler());
            try (VirtualServiceHealth h = new VirtualServiceHealth(vs, engine,
                    ServiceChecks.of(checks).withSorryServer(sorry))) {
                h.start();
                assertEquals(-1, weightIn(vs, sorry));
                assertEquals(2, vs.destinations().size());
                srv.get(0).mode(TestHttpServer.Mode.ERROR_500);
                await().atMost(WAIT).until(() -> weightIn(vs, checks.get(0).server()) == -1);
                assertEquals(-1, weightIn(vs, sorry), "one server is still up");
                srv.get(1).mode(TestHttpServer.Mode.HANG);
                await().atMost(WAIT).until(() -> weightIn(vs, sorry) == 1);
                assertEquals(1, vs.destinations().size(), "the sorry server alone");
                srv.get(1).mode(TestHttpServer.Mode.OK);
                await().atMost(WAIT).until(() -> weightIn(vs, sorry) == -1);
                assertEquals(5, weightIn(vs, checks.get(1).server()));
                assertEquals(1, vs.destinations().size());
            }
        } finally {
            closeAll(srv);
        }
    }

    @Test
    void shouldKeepAnInhibitedServerAtWeightZeroWithItsConnectionOpen() throws Exception {
        List<TestHttpServer> srv = httpServers(2);
        try {
            CheckerTiming timing = Configs.timing(D, T, 1, 1);
            ServerChecks inhibited = http(srv.get(0), 7, timing).withInhibitOnFailure(true);
            ServerChecks removed = http(srv.get(1), 7, timing);
            VirtualService vs = HealthLab.service(new HealthLab.RecordingScheduler());
            try (VirtualServiceHealth h = new VirtualServiceHealth(vs, engine,
                    ServiceChecks.of(List.of(inhibited, removed)));
                    Socket client = new Socket()) {
                h.start();
                // An established client connection to the inhibited server, idle while it fails its checks.
                client.connect(srv.get(0).address(), 2000);
                client.setSoTimeout(2000);
                srv.forEach(s -> s.mode(TestHttpServer.Mode.ERROR_500));
                await().atMost(WAIT).until(() -> !h.isUp(inhibited.server()) && !h.isUp(removed.server()));
                assertEquals(0, weightIn(vs, inhibited.server()), "inhibit_on_failure keeps the server at weight 0");
                assertEquals(-1, weightIn(vs, removed.server()), "without it the server leaves the service");
                assertNotNull(vs.countersOf(inhibited.server()));
                // The old connection still works: it gets an answer (the 500 the server now gives).
                OutputStream out = client.getOutputStream();
                out.write("GET /x HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertEquals("HTTP/1.1 500 Internal Server Error", status);
                srv.forEach(s -> s.mode(TestHttpServer.Mode.OK));
                await().atMost(WAIT).until(() -> weightIn(vs, inhibited.server()) == 7 && weightIn(vs, removed.server()) == 7);
            }
        } finally {
            closeAll(srv);
        }
    }

    @Test
    void shouldRunNotifyScriptsAndJavaCallbacks(@TempDir Path dir) throws Exception {
        List<TestHttpServer> srv = httpServers(1);
        try {
            Path log = dir.resolve("notify.log");
            List<String> up = List.of("/bin/sh", "-c", "echo rs-up >> " + log);
            List<String> down = List.of("/bin/sh", "-c", "echo rs-down >> " + log);
            List<String> qUp = List.of("/bin/sh", "-c", "echo quorum-up >> " + log);
            List<String> qDown = List.of("/bin/sh", "-c", "echo quorum-down >> " + log);
            ServerChecks sc = http(srv.get(0), 1, Configs.timing(D, T, 1, 1)).withNotify(up, down);
            HealthLab.Events events = new HealthLab.Events();
            VirtualService vs = HealthLab.service(new HealthLab.RecordingScheduler());
            try (VirtualServiceHealth h = new VirtualServiceHealth(vs, engine,
                    ServiceChecks.of(List.of(sc)).withQuorumScripts(qUp, qDown)).addListener(events)) {
                h.start();
                srv.get(0).mode(TestHttpServer.Mode.ERROR_500);
                await().atMost(WAIT).until(() -> lines(log).size() >= 2);
                srv.get(0).mode(TestHttpServer.Mode.OK);
                await().atMost(WAIT).until(() -> lines(log).size() >= 4);
                List<String> lines = lines(log);
                assertTrue(lines.containsAll(List.of("rs-down", "quorum-down", "rs-up", "quorum-up")), lines.toString());
                String e = sc.server().endpoint();
                assertEquals(List.of("down " + e, "quorum down", "up " + e, "quorum up"), events.log);
            }
        } finally {
            closeAll(srv);
        }
    }

    private static List<String> lines(Path p) throws Exception {
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }

    @Test
    void shouldKeepTheStateOfUnchangedCheckersAcrossAReload() {
        List<TestHttpServer> srv = httpServers(3);
        try {
            CheckerTiming timing = Configs.timing(D, T, 2, 2);
            ServerChecks a = http(srv.get(0), 3, timing);
            ServerChecks b = http(srv.get(1), 3, timing);
            HealthLab.RecordingScheduler sched = new HealthLab.RecordingScheduler();
            HealthLab.Events events = new HealthLab.Events();
            VirtualService vs = HealthLab.service(sched);
            try (VirtualServiceHealth h = new VirtualServiceHealth(vs, engine, ServiceChecks.of(List.of(a, b)))
                    .addListener(events)) {
                h.start();
                // b goes down first, so the reload must carry a down state too.
                srv.get(1).mode(TestHttpServer.Mode.ERROR_500);
                await().atMost(WAIT).until(() -> !h.isUp(b.server()));
                long attemptsOfA = h.attempts(a.server());
                int publishedBefore = sched.published.size();

                // New config: a's checks unchanged but a connection threshold, b's a new weight, c new in alpha mode.
                RealServer aServer = a.server();
                ServerChecks a2 = new ServerChecks(new RealServer(aServer.address(), aServer.port(), aServer.weight(), 100, 0,
                        aServer.forwarding()), a.checkers(), false, List.of(), List.of());
                ServerChecks b2 = new ServerChecks(b.server().withWeight(9), b.checkers(), false, List.of(), List.of());
                ServerChecks c = http(srv.get(2), 3, Configs.alpha(timing));
                h.reload(ServiceChecks.of(List.of(a2, b2, c)));
                DestinationSet now = vs.destinations();
                assertEquals(100, now.get(now.indexOf(aServer.address(), aServer.port())).server().upperThreshold());

                assertTrue(h.isUp(a.server()));
                assertFalse(h.isUp(b.server()), "b keeps its down state");
                assertFalse(h.isUp(c.server()), "c starts down in alpha mode");
                assertTrue(h.attempts(a.server()) >= attemptsOfA, "a's checker carries on");
                await().atMost(WAIT).until(() -> h.isUp(c.server()));
                srv.get(1).mode(TestHttpServer.Mode.OK);
                await().atMost(WAIT).until(() -> weightIn(vs, b.server()) == 9);
                for (DestinationSet set : sched.published.subList(publishedBefore, sched.published.size())) {
                    assertTrue(set.indexOf(a.server().address(), a.server().port()) >= 0, "a never left the service");
                }
                assertFalse(events.log.contains("down " + a.server().endpoint()), events.log.toString());

                // A reload without b stops its checker and takes it out of the service.
                h.reload(ServiceChecks.of(List.of(a2, c)));
                assertEquals(-1, weightIn(vs, b.server()));
            }
        } finally {
            closeAll(srv);
        }
    }

    @Test
    void shouldDetectAFailureOnTimeWhileManyServersHang() {
        List<TestHttpServer> srv = httpServers(2);
        try {
            TestHttpServer hung = srv.get(0);
            hung.mode(TestHttpServer.Mode.HANG);
            TestHttpServer victim = srv.get(1);
            List<ServerChecks> checks = new ArrayList<>();
            // 200 checkers (connect_ip: the hung server) each hold a connection open until their 60 s
            // deadline, far beyond the test.
            CheckerTiming slow = Configs.timing(D, Duration.ofSeconds(60), 1, 1000);
            for (int i = 0; i < 200; i++) {
                RealServer rs = RealServer.of(hung.address().getAddress(), 10_000 + i, 1);
                checks.add(ServerChecks.of(rs, Configs.http("/", Configs.connectTo(slow, hung.address()))));
            }
            ServerChecks v = http(victim, 1, Configs.timing(D, T, 1, 1));
            checks.add(v);
            VirtualService vs = HealthLab.service(new HealthLab.RecordingScheduler());
            try (VirtualServiceHealth h = new VirtualServiceHealth(vs, engine, ServiceChecks.of(checks))) {
                HealthLab.Transitions victimChanges = HealthLab.Transitions.of(h, v.server());
                h.start();
                await().atMost(WAIT).until(() -> hung.requests() >= 100);
                // The victim up and passing first: a cold-start failure (the 200 connections being
                // opened) may have taken it down for a moment.
                await().atMost(WAIT).until(() -> h.isUp(v.server()) && h.lastResults(v.server()).stream()
                        .allMatch(r -> r != null && r.up()));
                // On time: decided by the victim's first failed attempt while every hung attempt is
                // still waiting for its deadline, so no hung connection delayed the victim's checks.
                HealthLab.window(() -> victim.mode(TestHttpServer.Mode.ERROR_500), () -> !h.isUp(v.server()),
                        victimChanges, 1, Duration.ZERO);
                for (int i = 0; i < 200; i++) {
                    assertEquals(0, h.attempts(checks.get(i).server()), "a hung attempt ended before the victim's");
                }
            }
        } finally {
            closeAll(srv);
        }
    }
}

package io.lvs4j.transport.epoll.check;

import static io.lvs4j.transport.epoll.check.HealthLab.loopbackIp;
import static io.lvs4j.transport.epoll.check.HealthLab.server;
import static io.lvs4j.transport.epoll.check.HealthLab.weightIn;
import static io.lvs4j.transport.epoll.check.HealthLab.window;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.check.Checker;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.core.check.HealthCheck;
import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.check.ServerChecks;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.transport.epoll.check.HealthLab.Transitions;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.DnsQueryType;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.HttpProtocolVersion;
import io.lvs4j.core.config.HttpUrl;
import io.lvs4j.core.config.StatusCodeRange;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each checker against real servers on loopback: detects down and up within its configured
 * timing window.
 */
class CheckersIT {

    private static final Duration D = Duration.ofMillis(200);
    private static final Duration T = Duration.ofMillis(150);
    /** rise = fall = 2, no retry: two rounds, at least one delay_loop apart, decide a change. */
    private static final CheckerTiming TIMING = Configs.timing(D, T, 2, 2);
    /** The attempts that decide a change under {@link #TIMING}: two rounds of one attempt. */
    private static final int ROUNDS = 2;
    private static final Duration EARLIEST = D;

    private static EventLoopGroup servers;
    private static HealthCheckEngine engine;

    @BeforeAll
    static void start() {
        servers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        engine = EpollHealthCheckEngine.create(1);
    }

    @AfterAll
    static void stop() {
        engine.close();
        servers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One real server with one checker in its own virtual service. */
    private record Single(VirtualService vs, RealServer rs, VirtualServiceHealth health, Transitions changes)
            implements AutoCloseable {
        static Single of(InetSocketAddress target, Checker checker) {
            VirtualService vs = HealthLab.service(new HealthLab.RecordingScheduler());
            RealServer rs = server(target, 10);
            VirtualServiceHealth h = new VirtualServiceHealth(vs, engine,
                    ServiceChecks.of(List.of(ServerChecks.of(rs, checker))));
            Transitions changes = Transitions.of(h, rs);
            h.start();
            return new Single(vs, rs, h, changes);
        }

        boolean up() {
            return health.isUp(rs) && weightIn(vs, rs) > 0;
        }

        boolean down() {
            return !health.isUp(rs) && weightIn(vs, rs) == -1;
        }

        void awaitAttempts(long n) {
            await().atMost(HealthLab.LIVENESS).until(() -> health.attempts(rs) >= n);
        }

        /**
         * Waits until the server is up and its last attempt passed, so that no failure streak from
         * a cold start (class loading, a first TLS handshake) is pending.
         */
        void awaitPassing() {
            await().atMost(HealthLab.LIVENESS).until(() -> up() && health.lastResults(rs).stream()
                    .allMatch(r -> r != null && r.up()));
        }

        @Override
        public void close() {
            health.close();
        }
    }

    @Test
    void shouldDetectARefusingTcpServerAndItsReturnWithinTheWindow() {
        try (TestHttpServer srv = new TestHttpServer(servers, loopbackIp(), null);
                Single s = Single.of(srv.address(), Configs.tcp(TIMING))) {
            s.awaitPassing();
            assertTrue(s.up());
            window(srv::refuse, s::down, s.changes, ROUNDS, EARLIEST);
            window(srv::accept, s::up, s.changes, ROUNDS, EARLIEST);
        }
    }

    @Test
    void shouldRetryAFailedCheckBeforeTakingTheServerDown() {
        Duration retryDelay = Duration.ofMillis(150);
        CheckerTiming t = Configs.timing(D, T, 1, 1);
        CheckerTiming retrying = new CheckerTiming(t.connectIp(), t.connectPort(), t.bindTo(), t.bindPort(),
                t.connectTimeout(), 2, retryDelay, t.delayLoop(), t.warmup(), false, 1, 1);
        try (TestHttpServer srv = new TestHttpServer(servers, loopbackIp(), null);
                Single s = Single.of(srv.address(), Configs.http("/", retrying))) {
            s.awaitPassing();
            long before = srv.requests();
            // Three failed attempts (the check and two retries), delay_before_retry apart.
            long ms = window(() -> srv.mode(TestHttpServer.Mode.ERROR_500), s::down, s.changes, 3,
                    retryDelay.multipliedBy(2));
            assertTrue(srv.requests() - before >= 3, "retried: " + (srv.requests() - before) + " requests in " + ms + " ms");
        }
    }

    @Test
    void shouldDetectHttpErrorHangAndSlownessAndRecoverWithinTheWindow() {
        try (TestHttpServer srv = new TestHttpServer(servers, loopbackIp(), null);
                Single s = Single.of(srv.address(), Configs.http("/health", TIMING))) {
            s.awaitPassing();
            assertTrue(s.up());
            window(() -> srv.mode(TestHttpServer.Mode.ERROR_500), s::down, s.changes, ROUNDS, EARLIEST);
            window(() -> srv.mode(TestHttpServer.Mode.OK), s::up, s.changes, ROUNDS, EARLIEST);
            // A hung server fails each attempt at its deadline: two timeouts and a delay_loop at least.
            window(() -> srv.mode(TestHttpServer.Mode.HANG), s::down, s.changes, ROUNDS, D.plus(T));
            window(() -> srv.mode(TestHttpServer.Mode.OK), s::up, s.changes, ROUNDS, EARLIEST);
            srv.slowMillis(T.toMillis() * 3);
            window(() -> srv.mode(TestHttpServer.Mode.SLOW), s::down, s.changes, ROUNDS, D.plus(T));
            window(() -> srv.mode(TestHttpServer.Mode.OK), s::up, s.changes, ROUNDS, EARLIEST);
            String host = srv.address().getAddress().getHostAddress() + ":" + srv.address().getPort();
            assertTrue(srv.hostHeaders().contains(host), "Host header " + srv.hostHeaders());
        }
    }

    @Test
    void shouldDetectABodyChangeThroughTheGenhashDigest() throws Exception {
        try (TestHttpServer srv = new TestHttpServer(servers, loopbackIp(), null)) {
            String digest = md5(srv.body());
            Checker check = Checker.of(HttpGetCheckConfig.httpGet().timing(TIMING)
                    .url(new HttpUrl("/", Optional.of(digest), List.of(StatusCodeRange.of(200)), Optional.empty()))
                    .httpProtocol(HttpProtocolVersion.HTTP_1_0).virtualhost("www.example.test").build());
            try (Single s = Single.of(srv.address(), check)) {
                s.awaitPassing();
                assertTrue(s.up());
                window(() -> srv.body("defaced\n"), s::down, s.changes, ROUNDS, EARLIEST);
                window(() -> srv.body("hello from the test server\n"), s::up, s.changes, ROUNDS, EARLIEST);
                assertTrue(srv.hostHeaders().contains("www.example.test:" + srv.address().getPort()));
            }
        }
    }

    @Test
    void shouldCheckHttpsWithSniAndDetectAnError(@TempDir Path dir) throws Exception {
        try (TestHttpServer srv = new TestHttpServer(servers, loopbackIp(), selfSigned(dir))) {
            Checker check = Checker.of(HttpGetCheckConfig.sslGet().timing(TIMING)
                    .url(new HttpUrl("/", Optional.of(md5(srv.body())), List.of(StatusCodeRange.SUCCESS), Optional.empty()))
                    .httpProtocol(HttpProtocolVersion.HTTP_1_1).virtualhost("secure.example.test").enableSni(true)
                    .build());
            try (Single s = Single.of(srv.address(), check)) {
                s.awaitPassing();
                assertTrue(s.up(), "last " + s.health.attempts(s.rs));
                assertTrue(srv.sniNames().contains("secure.example.test"), "SNI " + srv.sniNames());
                window(() -> srv.mode(TestHttpServer.Mode.ERROR_500), s::down, s.changes, ROUNDS, EARLIEST);
                window(() -> srv.mode(TestHttpServer.Mode.OK), s::up, s.changes, ROUNDS, EARLIEST);
            }
        }
    }

    @Test
    void shouldTakeAnIcmpPortUnreachableAsDownBeforeTheDeadline() {
        try (TestUdpServers.Echo echo = new TestUdpServers.Echo(servers, loopbackIp())) {
            Duration longTimeout = Duration.ofSeconds(3);
            Checker check = Configs.udp("PING".getBytes(StandardCharsets.US_ASCII), true,
                    "PONG:PING".getBytes(StandardCharsets.US_ASCII), Configs.timing(D, longTimeout, 1, 1));
            try (Single s = Single.of(echo.address(), check)) {
                s.awaitPassing();
                assertTrue(s.up());
                window(echo::closePort, s::down, s.changes, 1, Duration.ZERO);
                String reason = s.changes.lastDownReason();
                assertTrue(reason.contains("ICMP port unreachable"), "ICMP, not the timeout, must decide: " + reason);
                window(echo::openPort, s::up, s.changes, 1, Duration.ZERO);
            }
        }
    }

    @Test
    void shouldFailAUdpCheckThatNeedsAReplyWhenTheServerIsSilent() {
        try (TestUdpServers.Echo echo = new TestUdpServers.Echo(servers, loopbackIp())) {
            Checker check = Configs.udp(new byte[] {1, 2}, true, "PONG:".getBytes(StandardCharsets.US_ASCII), TIMING);
            try (Single s = Single.of(echo.address(), check)) {
                s.awaitPassing();
                assertTrue(s.up());
                window(() -> echo.silent(true), s::down, s.changes, ROUNDS, D.plus(T));
                window(() -> echo.silent(false), s::up, s.changes, ROUNDS, EARLIEST);
            }
        }
    }

    @Test
    void shouldPassASilentUdpServerWhenNoReplyIsRequired() {
        try (TestUdpServers.Echo echo = new TestUdpServers.Echo(servers, loopbackIp())) {
            echo.silent(true);
            try (Single s = Single.of(echo.address(), Configs.udp(new byte[] {0}, false, null, TIMING))) {
                s.awaitAttempts(2);
                assertTrue(s.up());
                window(echo::closePort, s::down, s.changes, ROUNDS, EARLIEST);
            }
        }
    }

    @Test
    void shouldCheckDnsRcodeAndQueryTheConfiguredTypeAndName() {
        try (TestUdpServers.Dns dns = new TestUdpServers.Dns(servers, loopbackIp());
                Single s = Single.of(dns.address(), Configs.dns(DnsQueryType.A, "www.example.test", TIMING))) {
            s.awaitPassing();
            assertTrue(s.up());
            assertTrue(dns.lastQuestion().contains("www.example.test."), dns.lastQuestion());
            assertTrue(dns.lastQuestion().contains(" A"), dns.lastQuestion());
            window(() -> dns.code(DnsResponseCode.SERVFAIL), s::down, s.changes, ROUNDS, EARLIEST);
            window(() -> dns.code(DnsResponseCode.NOERROR), s::up, s.changes, ROUNDS, EARLIEST);
        }
    }

    @Test
    void shouldRunMiscCheckAndApplyMiscDynamicWeights(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "0");
        Checker check = Configs.misc("/bin/sh -c 'exit $(cat " + status + ")'", Duration.ofSeconds(2), true,
                Configs.timing(D, T, 1, 1));
        try (Single s = Single.of(new InetSocketAddress(loopbackIp(), 80), check)) {
            s.awaitPassing();
            assertEquals(10, weightIn(s.vs, s.rs));
            Files.writeString(status, "7");
            await().atMost(HealthLab.LIVENESS).until(() -> weightIn(s.vs, s.rs) == 5);
            Files.writeString(status, "1");
            await().atMost(HealthLab.LIVENESS).until(s::down);
            Files.writeString(status, "0");
            await().atMost(HealthLab.LIVENESS).until(() -> weightIn(s.vs, s.rs) == 10);
        }
    }

    @Test
    void shouldKillAMiscCheckThatOutlivesItsTimeout(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker-" + System.nanoTime());
        Checker check = Configs.misc("/bin/sh -c 'sleep 30; echo " + marker + "'", Duration.ofMillis(300), false,
                Configs.timing(D, T, 1, 1));
        try (Single s = Single.of(new InetSocketAddress(loopbackIp(), 80), check)) {
            await().atMost(HealthLab.LIVENESS).until(s::down);
            s.health.close();
            await().atMost(HealthLab.LIVENESS).until(() -> ProcessHandle.current().descendants()
                    .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 30")));
        }
    }

    @Test
    void shouldRunACustomJavaCheck() {
        AtomicBoolean healthy = new AtomicBoolean(true);
        HealthCheck custom = attempt -> attempt.loop().schedule(
                () -> attempt.complete(healthy.get() ? CheckResult.success() : CheckResult.failure("custom says no")),
                10, TimeUnit.MILLISECONDS);
        try (Single s = Single.of(new InetSocketAddress(loopbackIp(), 80), new Checker(custom, TIMING))) {
            s.awaitPassing();
            assertTrue(s.up());
            window(() -> healthy.set(false), s::down, s.changes, ROUNDS, EARLIEST);
            window(() -> healthy.set(true), s::up, s.changes, ROUNDS, EARLIEST);
        }
    }

    @Test
    void shouldStartDownInAlphaModeUntilRiseSuccesses() {
        try (TestHttpServer srv = new TestHttpServer(servers, loopbackIp(), null)) {
            long t0 = System.nanoTime();
            try (Single s = Single.of(srv.address(), Configs.tcp(Configs.alpha(TIMING)))) {
                assertFalse(s.health.isUp(s.rs));
                assertEquals(-1, weightIn(s.vs, s.rs));
                await().atMost(HealthLab.LIVENESS).until(s::up);
                assertTrue((System.nanoTime() - t0) / 1_000_000 >= D.toMillis(), "two rounds need a delay_loop");
            }
        }
    }

    static String md5(String body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A self-signed server context made with the JDK's keytool. */
    static SslContext selfSigned(Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=test",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "secret",
                "-keypass", "secret").redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertEquals(0, p.waitFor(), "keytool failed");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "secret".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "secret".toCharArray());
        return SslContextBuilder.forServer(kmf).build();
    }
}

package io.lvs4j.transport.epoll.check;

import static io.lvs4j.transport.epoll.check.HealthLab.loopbackIp;
import static io.lvs4j.transport.epoll.check.HealthLab.weightIn;
import static io.lvs4j.transport.epoll.check.HealthLab.window;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.check.Checker;
import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.check.ServerChecks;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.HttpProtocolVersion;
import io.lvs4j.core.config.HttpUrl;
import io.lvs4j.core.config.StatusCodeRange;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP_GET with a genhash digest against a real nginx, started in a temporary directory of its
 * own (own config, pid and logs, a free port on a loopback address of its own).
 */
class NginxIT {

    private static final Duration D = Duration.ofMillis(200);
    private static final Duration T = Duration.ofMillis(300);
    private static final CheckerTiming TIMING = Configs.timing(D, T, 2, 2);
    /** The attempts that decide a change under {@link #TIMING}: two rounds of one attempt. */
    private static final int ROUNDS = 2;

    @TempDir
    Path dir;
    private Path nginx;
    private InetSocketAddress address;
    private Process process;
    private HealthCheckEngine engine;

    @BeforeEach
    void setUp() throws Exception {
        nginx = Stream.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx", "/usr/local/bin/nginx")
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (nginx == null) {
            if ("1".equals(System.getenv("LVS4J_REQUIRE_NETNS"))) {
                throw new IllegalStateException("nginx is not installed but LVS4J_REQUIRE_NETNS=1");
            }
            Assumptions.abort("nginx is not installed");
        }
        String ip = loopbackIp();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName(ip))) {
            port = probe.getLocalPort();
        }
        address = new InetSocketAddress(ip, port);
        Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("www/index.html"), "<html><body>lvs4j real server</body></html>\n");
        String conf = """
                master_process off;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    server {
                        listen %2$s:%3$d;
                        root %1$s/www;
                    }
                }
                """.formatted(dir, ip, port);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        engine = EpollHealthCheckEngine.create(1);
        startNginx();
    }

    private void startNginx() throws IOException {
        process = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(this::listening);
    }

    private void stopNginx() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(address, 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (process != null) {
            stopNginx();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void shouldFollowNginxDownAndUpAndNoticeAChangedPage() throws Exception {
        String digest = CheckersIT.md5(Files.readString(dir.resolve("www/index.html")));
        Checker check = Checker.of(HttpGetCheckConfig.httpGet().timing(TIMING)
                .url(new HttpUrl("/index.html", Optional.of(digest), List.of(StatusCodeRange.of(200)), Optional.empty()))
                .httpProtocol(HttpProtocolVersion.HTTP_1_1).build());
        VirtualService vs = HealthLab.service(new HealthLab.RecordingScheduler());
        RealServer rs = HealthLab.server(address, 4);
        try (VirtualServiceHealth h = new VirtualServiceHealth(vs, engine, ServiceChecks.of(List.of(ServerChecks.of(rs, check))))) {
            HealthLab.Transitions changes = HealthLab.Transitions.of(h, rs);
            h.start();
            await().atMost(HealthLab.LIVENESS).until(() -> h.lastResults(rs).get(0) != null && h.lastResults(rs).get(0).up());
            assertTrue(h.isUp(rs));
            window(() -> {
                try {
                    stopNginx();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, () -> weightIn(vs, rs) == -1, changes, ROUNDS, D);
            window(() -> {
                try {
                    startNginx();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, () -> weightIn(vs, rs) == 4, changes, ROUNDS, D);
            window(() -> {
                try {
                    Files.writeString(dir.resolve("www/index.html"), "<html><body>defaced</body></html>\n");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, () -> !h.isUp(rs), changes, ROUNDS, D);
            assertNotNull(h.lastResults(rs).get(0));
            assertTrue(h.lastResults(rs).get(0).reason().contains("MD5 digest"), h.lastResults(rs).get(0).reason());
        }
    }
}

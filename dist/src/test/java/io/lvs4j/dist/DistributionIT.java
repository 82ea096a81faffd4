package io.lvs4j.dist;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code .tar.gz} as a user gets it, on a host that has no JDK: unpacked into a fresh
 * directory, {@code bin/lvs4j run} runs a DR director with VRRP in a network namespace, in a
 * mount namespace where {@code /usr/lib/jvm} (every JDK of the host, and what {@code java} on
 * the PATH points to) is covered by an empty tmpfs and the environment holds no JAVA_HOME. Two
 * nginx real servers answer through the VIP; the tools of the tarball ({@code status}, the admin
 * endpoint's {@code /metrics} and status page) are checked against what the director does.
 */
class DistributionIT {

    private static final String ADMIN = "127.0.0.1:9180";
    private static final String JAVA_OPTS = "-Xmx160m -XX:TieredStopAtLevel=1";

    private static Path work;
    private static Path home;
    private static Lab lab;
    private static String vip;
    private static final List<NginxServer> servers = new ArrayList<>();
    private static Process director;
    private static Path log;

    @BeforeAll
    static void startTheTarballsDirector() throws Exception {
        NetnsGuard.assumeNetns("curl", "nginx", "tar", "unshare");
        Path tarball = Path.of(System.getProperty("lvs4j.tarball"));
        assertTrue(Files.isRegularFile(tarball), "mvn package made " + tarball);
        work = Files.createTempDirectory("lvs4j-dist-");
        Command.run(Duration.ofMinutes(2), List.of("tar", "-xzf", tarball.toString(), "-C", work.toString())).check();
        home = work.resolve("lvs4j-" + System.getProperty("lvs4j.version"));

        lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build();
        vip = lab.address(200);
        for (String rs : List.of("rs1", "rs2")) {
            Host host = lab.host(rs);
            host.holdVipOnLoopback(vip);
            servers.add(NginxServer.start(host, "nginx" + rs.charAt(2), 80));
        }
        Path conf = work.resolve("keepalived.conf");
        Files.writeString(conf, config(lab.host("director").iface(), vip, lab.host("rs1").ip(), lab.host("rs2").ip()));
        log = work.resolve("director.log");
        director = new ProcessBuilder(withoutJdk(lab.host("director"), home.resolve("bin/lvs4j").toString(), "run",
                "--config", conf.toString(), "--admin", ADMIN, "--table-dir", "none"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250))
                .until(() -> Files.readString(log).contains("VRRP_Instance(VI_1) Entering MASTER STATE")
                        && curl(lab.host("client"), "http://" + vip + "/").ok());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (director != null) {
                director.destroy();
                assertTrue(director.waitFor(30, TimeUnit.SECONDS), "the director stops on SIGTERM");
                System.out.println(Files.readString(log));
            }
        } finally {
            servers.forEach(NginxServer::close);
            if (lab != null) {
                lab.close();
            }
            if (work != null) {
                try (Stream<Path> files = Files.walk(work)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /**
     * Runs a command in a host's network namespace and a mount namespace of its own where every
     * JDK of this machine is hidden, with a bare environment but for JAVA_OPTS.
     */
    static List<String> withoutJdk(Host host, String... command) {
        List<String> line = new ArrayList<>(List.of("unshare", "--mount", "sh", "-c",
                "mount -t tmpfs lvs4j-no-jdk /usr/lib/jvm && exec \"$@\"", "sh",
                "ip", "netns", "exec", host.netns().name(),
                "env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
                "JAVA_OPTS=" + JAVA_OPTS));
        line.addAll(List.of(command));
        return line;
    }

    static Command.Result runWithoutJdk(Host host, String... command) {
        return Command.run(Duration.ofSeconds(60), withoutJdk(host, command));
    }

    private static Command.Result curl(Host host, String url) {
        return host.netns().exec(Duration.ofSeconds(10), "curl", "-sf", "--max-time", "5", url);
    }

    static String admin(String path) {
        return curl(lab.host("director"), "http://" + ADMIN + path).check().stdout();
    }

    @Test
    void shouldRunOnItsOwnRuntimeWhereTheHostHasNoJava() throws Exception {
        Command.Result hostJava = runWithoutJdk(lab.host("director"), "sh", "-c", "java -version");
        assertNotEquals(0, hostJava.exitCode(), "no java for the launcher to fall back on: " + hostJava);

        Command.Result version = runWithoutJdk(lab.host("director"), home.resolve("bin/lvs4j").toString(), "--version");
        assertEquals("lvs4j " + System.getProperty("lvs4j.version"), version.check().stdout().strip());

        // unshare, sh, ip netns exec, env and the launcher each exec the next: the JVM has the director's pid.
        Optional<ProcessHandle> jvm = Stream.concat(Stream.of(director.toHandle()), director.descendants())
                .filter(p -> p.info().command().orElse("").equals(home.resolve("runtime/bin/java").toString()))
                .findFirst();
        assertTrue(jvm.isPresent(), "the director runs on the tarball's runtime/bin/java");
        String cmdline = Files.readString(Path.of("/proc", String.valueOf(jvm.get().pid()), "cmdline"));
        assertTrue(cmdline.contains("-Xmx160m"), "the launcher passes JAVA_OPTS on: " + cmdline.replace('\0', ' '));
    }

    @Test
    void shouldCarryNoTestLibrary() throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("lvs4j-examples-")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("lvs4j-lab-")), names.toString());
            for (String banned : List.of("junit", "opentest4j", "hamcrest", "awaitility", "apiguardian", "jqwik",
                    "lvs4j-testkit")) {
                assertFalse(names.stream().anyMatch(n -> n.contains(banned)), banned + " in " + names);
            }
        }
    }

    @Test
    void shouldServeTheVipRoundRobinThroughBothNginx() {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(curl(lab.host("client"), "http://" + vip + "/").check().stdout().strip());
        }
        for (int i = 1; i < answers.size(); i++) {
            assertNotEquals(answers.get(i - 1), answers.get(i), "rr alternates: " + answers);
        }
        assertTrue(answers.containsAll(List.of("nginx1", "nginx2")), answers.toString());
    }

    @Test
    void shouldPrintTheTableWithItsOwnStatusCommand() {
        String table = runWithoutJdk(lab.host("director"), home.resolve("bin/lvs4j").toString(), "status")
                .check().stdout();
        assertTrue(table.contains("TCP  " + vip + ":80 rr"), table);
        assertTrue(table.contains("-> " + lab.host("rs1").ip() + ":80"), table);
        assertTrue(table.contains("-> " + lab.host("rs2").ip() + ":80"), table);
    }

    @Test
    void shouldServeMetricsThatPromtoolAcceptsWithNodeExporterNamesAndRealValues() throws IOException {
        for (int i = 0; i < 4; i++) {
            curl(lab.host("client"), "http://" + vip + "/").check();
        }
        Path scrape = work.resolve("metrics.txt");
        Files.writeString(scrape, admin("/metrics"));
        Command.Result lint = Command.run(Duration.ofSeconds(30), List.of("sh", "-c", "promtool check metrics < " + scrape));
        assertEquals(0, lint.exitCode(), "promtool parses and lints the scrape: " + lint);

        PrometheusText metrics = PrometheusText.parse(Files.readString(scrape));
        double connections = metrics.value("node_ipvs_connections_total");
        assertTrue(connections >= 4, "the client's connections: " + connections);
        assertEquals(metrics.sum("lvs_service_connections_total"), connections, "node_exporter's total is the services'");
        assertTrue(metrics.value("node_ipvs_incoming_packets_total") >= 4 * 5, "SYN, ACK, request, ACK, FIN at least");
        assertTrue(metrics.value("node_ipvs_incoming_bytes_total") > 0);
        String backend = "local_address=\"" + vip + "\",local_mark=\"\",local_port=\"80\",proto=\"TCP\","
                + "remote_address=\"%s\",remote_port=\"80\"";
        assertEquals(1, metrics.value("node_ipvs_backend_weight{" + backend.formatted(lab.host("rs1").ip()) + "}"));
        assertEquals(2, metrics.value("node_ipvs_backend_weight{" + backend.formatted(lab.host("rs2").ip()) + "}"));
        assertTrue(metrics.sum("node_ipvs_backend_connections_inactive")
                + metrics.sum("node_ipvs_backend_connections_active") >= 1, "the client's closed connections linger");
        assertEquals(1, metrics.value("lvs_vrrp_state{state=\"MASTER\",vrrp_instance=\"VI_1\"}"));
        assertTrue(metrics.sum("lvs_vrrp_adverts_sent_total") >= 1, "a master sends adverts");
    }

    @Test
    void shouldShipAGrafanaDashboardWhoseQueriesFindTheirMetrics() throws IOException {
        String dashboard = Files.readString(home.resolve("grafana/lvs4j-dashboard.json"));
        PrometheusText metrics = PrometheusText.parse(admin("/metrics"));
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b((?:lvs|node_ipvs)_[a-z_]+)\\b")
                .matcher(dashboard);
        int found = 0;
        while (names.find()) {
            found++;
            assertTrue(metrics.names().contains(names.group(1)), names.group(1) + " is served");
        }
        assertTrue(found >= 15, "the dashboard queries lvs4j's and node_exporter's metrics: " + found);
    }

    @Test
    void shouldShowTheStatusPageInHeadlessChromium() throws Exception {
        NetnsGuard.assumeNetns("chromium");
        Host host = lab.host("director");
        Path profile = Files.createTempDirectory(work, "chromium-");
        List<String> chromium = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + profile);
        List<String> dump = new ArrayList<>(chromium);
        dump.addAll(List.of("--dump-dom", "http://" + ADMIN + "/"));
        String dom = host.netns().exec(Duration.ofSeconds(60), dump.toArray(String[]::new)).check().stdout();
        assertTrue(dom.contains("<h1>lvs4j director</h1>"), dom);
        assertTrue(dom.contains("TCP " + vip + ":80"), dom);
        for (String rs : List.of("rs1", "rs2")) {
            assertTrue(dom.contains(lab.host(rs).ip() + ":80</td><td class=\"l\">Route"), rs + " listed: " + dom);
        }
        assertTrue(dom.contains("class=\"l MASTER\">MASTER"), "VI_1 shown as MASTER: " + dom);
        assertTrue(dom.contains("BACKUP → MASTER"), "its transition listed: " + dom);
        assertTrue(dom.contains("class=\"l UP\">UP"), "the checked servers shown UP: " + dom);

        Path screenshot = Path.of(System.getProperty("lvs4j.screenshot"));
        Files.createDirectories(screenshot.getParent());
        List<String> shot = new ArrayList<>(chromium);
        shot.addAll(List.of("--window-size=1500,600", "--screenshot=" + screenshot, "http://" + ADMIN + "/"));
        host.netns().exec(Duration.ofSeconds(60), shot.toArray(String[]::new)).check();
        byte[] png = Files.readAllBytes(screenshot);
        assertTrue(png.length > 10_000, "a real picture: " + png.length + " bytes");
        assertEquals(0x89504E47, java.nio.ByteBuffer.wrap(png).getInt(), "a PNG");
    }

    @Test
    void shouldShipASystemdUnitThatSystemdAccepts() throws IOException {
        Path unit = work.resolve("lvs4j.service");
        Files.writeString(unit, Files.readString(home.resolve("systemd/lvs4j.service"))
                .replace("/opt/lvs4j", home.toString()));
        assertTrue(Files.readString(unit).contains("ExecStart=" + home + "/bin/lvs4j run --config"),
                "the unit starts the tarball's launcher");
        Command.Result verify = Command.run(Duration.ofSeconds(30), List.of("systemd-analyze", "verify",
                unit.toString()));
        assertEquals(0, verify.exitCode(), verify.toString());
    }

    private static String config(String iface, String vip, String rs1, String rs2) {
        return """
                vrrp_instance VI_1 {
                    state MASTER
                    interface %1$s
                    virtual_router_id 51
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        %2$s
                    }
                }
                virtual_server %2$s 80 {
                    delay_loop 2
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                    real_server %3$s 80 {
                        weight 1
                        TCP_CHECK {
                            connect_timeout 2
                        }
                    }
                    real_server %4$s 80 {
                        weight 2
                        TCP_CHECK {
                            connect_timeout 2
                        }
                    }
                }
                """.formatted(iface, vip, rs1, rs2);
    }
}

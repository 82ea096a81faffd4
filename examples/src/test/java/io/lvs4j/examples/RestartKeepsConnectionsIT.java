package io.lvs4j.examples;

import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A director restarted after {@code kill -9} keeps its connections (issue 15, item 2): {@code
 * ./lvs4j run} (DR, rr, two nginx, two loops) with its tables in files of a directory in
 * {@code /dev/shm}; 20 held keep-alive connections and a rate-limited 20 MB download through the
 * VIP; the director is killed mid-download and started again with the same config: every held
 * connection answers again from the same real server, and the download completes with the
 * right SHA-256.
 */
class RestartKeepsConnectionsIT {

    private static final int DOWNLOAD = 20 << 20;
    private static final int HELD = 20;

    @Test
    void shouldKeepEveryConnectionAcrossAKill() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "sha256sum");
        Path tables = Files.createTempDirectory(Path.of("/dev/shm"), "lvs4j-it-");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            byte[] blob = new byte[DOWNLOAD];
            new Random(15).nextBytes(blob);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            try (NginxServer rs1 = NginxServer.start(lab.host("rs1"), "nginx1", 80);
                    NginxServer rs2 = NginxServer.start(lab.host("rs2"), "nginx2", 80)) {
                for (NginxServer rs : List.of(rs1, rs2)) {
                    Files.write(rs.files().resolve("blob"), blob);
                }
                lab.host("rs1").holdVipOnLoopback(vip);
                lab.host("rs2").holdVipOnLoopback(vip);
                Path conf = Files.createTempFile("lvs4j-restart-", ".conf");
                Files.writeString(conf, config(vip, lab.host("rs1").ip(), lab.host("rs2").ip()));
                String[] options = {"--loops", "2", "--table-dir", tables.toString()};
                DirectorProcess first = DirectorProcess.start(lab.host("director"), conf, options);
                List<HeldConnection> held = new ArrayList<>();
                List<String> servers = new ArrayList<>();
                Path output = Files.createTempFile("lvs4j-restart-", ".blob");
                Process download = null;
                long killedAt;
                try {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                            .until(() -> client.exec("curl", "-sf", "--max-time", "2", "http://" + vip + "/").ok());
                    for (int i = 0; i < HELD; i++) {
                        HeldConnection c = HeldConnection.open(client.netns(), vip, 80);
                        held.add(c);
                        String server = c.ask(5000);
                        assertNotNull(server, "held connection " + i + " answers");
                        servers.add(server);
                    }
                    assertEquals(2, servers.stream().distinct().count(), "rr spreads the held connections");
                    // 20 MB at 2 MB/s: about 10 s, the director dies in the middle
                    download = client.netns().start(new ProcessBuilder("curl", "-sf", "--limit-rate", "2M",
                            "--max-time", "120", "-o", output.toString(), "http://" + vip + "/files/blob")
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                            .until(() -> Files.size(output) > 4 << 20);
                    first.kill();
                    killedAt = System.nanoTime();
                    long atKill = Files.size(output);
                    System.out.printf("killed the director with %d of %d bytes downloaded%n", atKill, DOWNLOAD);
                    try (Stream<Path> files = Files.list(tables)) {
                        assertTrue(files.findAny().isPresent(), "the tables are in " + tables);
                    }
                } finally {
                    System.out.println("---- first director's log ----\n" + first.log());
                }

                try (DirectorProcess second = DirectorProcess.start(lab.host("director"), conf, options)) {
                    assertTrue(second.log().contains("kept"), "the second director says what it kept:\n"
                            + second.log());
                    long restartedAt = System.nanoTime();
                    for (int i = 0; i < HELD; i++) {
                        assertEquals(servers.get(i), held.get(i).ask(15000),
                                "held connection " + i + " answers again from the same real server");
                    }
                    long answeredAt = System.nanoTime();
                    assertTrue(download.waitFor(120, TimeUnit.SECONDS), "the download ends");
                    System.out.printf("director down %d ms (kill to admin endpoint up); %d held connections"
                            + " answered again %d ms after the kill; download done %d ms after the kill%n",
                            (restartedAt - killedAt) / 1_000_000, HELD, (answeredAt - killedAt) / 1_000_000,
                            (System.nanoTime() - killedAt) / 1_000_000);
                    assertEquals(0, download.exitValue(), "the download completes");
                    Command.Result sum = client.exec("sha256sum", output.toString()).check();
                    assertEquals(sha, sum.stdout().split("\\s+")[0], "the download is the file");
                    for (HeldConnection c : held) {
                        c.close();
                    }
                    assertEquals(0, second.stop(), "a clean SIGTERM exits 0");
                } finally {
                    if (download != null) {
                        download.destroyForcibly();
                    }
                    Files.deleteIfExists(output);
                }
            }
        } finally {
            try (Stream<Path> files = Files.list(tables)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(tables);
        }
    }

    /**
     * wrk's keep-alive connections across a {@code kill -9} and restart: no socket error (wrk's
     * timeout raised above the restart), and the longest stall (wrk's latency maximum) reported.
     */
    @Test
    void shouldKeepWrksConnectionsAcrossAKill() throws Exception {
        NetnsGuard.assumeNetns("nginx", "wrk");
        Path tables = Files.createTempDirectory(Path.of("/dev/shm"), "lvs4j-it-");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            try (NginxServer rs1 = NginxServer.start(lab.host("rs1"), "nginx1", 80);
                    NginxServer rs2 = NginxServer.start(lab.host("rs2"), "nginx2", 80)) {
                lab.host("rs1").holdVipOnLoopback(vip);
                lab.host("rs2").holdVipOnLoopback(vip);
                Path conf = Files.createTempFile("lvs4j-restart-", ".conf");
                Files.writeString(conf, config(vip, lab.host("rs1").ip(), lab.host("rs2").ip()));
                String[] options = {"--loops", "2", "--table-dir", tables.toString()};
                DirectorProcess first = DirectorProcess.start(lab.host("director"), conf, options);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> client.exec("curl", "-sf", "--max-time", "2", "http://" + vip + "/").ok());
                Path out = Files.createTempFile("lvs4j-wrk-", ".txt");
                Process wrk = client.netns().start(new ProcessBuilder("wrk", "-t2", "-c20", "-d30s", "--timeout", "30s",
                        "--latency", "http://" + vip + "/").redirectErrorStream(true).redirectOutput(out.toFile()));
                DirectorProcess second = null;
                try {
                    Thread.sleep(8000); // wrk's run: 8 s before the kill; waiting on wrk itself would not bound it
                    first.kill();
                    long killedAt = System.nanoTime();
                    second = DirectorProcess.start(lab.host("director"), conf, options);
                    long restartMillis = (System.nanoTime() - killedAt) / 1_000_000;
                    assertTrue(wrk.waitFor(90, TimeUnit.SECONDS), "wrk ends");
                    String report = Files.readString(out);
                    System.out.printf("wrk across kill -9 (director back after %d ms):%n%s%n", restartMillis, report);
                    assertTrue(report.contains("requests in"), report);
                    assertTrue(!report.contains("Socket errors"), "no socket error:\n" + report);
                    assertTrue(!report.contains("Non-2xx"), "every answer a 200:\n" + report);
                } finally {
                    wrk.destroyForcibly();
                    System.out.println("---- first director's log ----\n" + first.log());
                    if (second != null) {
                        second.close();
                    }
                    Files.deleteIfExists(out);
                }
            }
        } finally {
            try (Stream<Path> files = Files.list(tables)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(tables);
        }
    }

    private static String config(String vip, String rs1, String rs2) {
        return """
                virtual_server %1$s 80 {
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                    real_server %2$s 80 {
                        weight 1
                    }
                    real_server %3$s 80 {
                        weight 1
                    }
                }
                """.formatted(vip, rs1, rs2);
    }
}

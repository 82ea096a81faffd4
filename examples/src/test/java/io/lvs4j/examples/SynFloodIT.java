package io.lvs4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SYN flood survived, IPVS's way (issue 13, item 3): {@code ./lvs4j run} (DR, rr, two nginx, one
 * loop) with a 100,000-entry table and its default defences ({@code --drop-entry auto},
 * {@code --secure-tcp auto}); 20 held keep-alive connections and a rate-limited download run while
 * a raw-socket sender in the client's namespace sends up to 1,000,000 SYNs from 1,000,000 sources
 * of 198.19.0.0/16 (bounded to 30 s). The table fills, both defences switch on, embryonic entries
 * are dropped and counted; every held connection answers, new clients get in, the download
 * completes with the right SHA-256.
 */
class SynFloodIT {

    private static final int DOWNLOAD = 20 << 20;
    private static final int HELD = 20;
    private static final int CAPACITY = 100_000;

    @Test
    void shouldServeHeldAndNewConnectionsThroughASynFlood() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "sha256sum", "python3");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            byte[] blob = new byte[DOWNLOAD];
            new Random(13).nextBytes(blob);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            Path sender = Files.createTempFile("lvs4j-synflood-", ".py");
            try (InputStream script = SynFloodIT.class.getResourceAsStream("synflood.py")) {
                Files.write(sender, script.readAllBytes());
            }
            Path output = Files.createTempFile("lvs4j-synflood-", ".blob");
            try (NginxServer rs1 = NginxServer.start(lab.host("rs1"), "nginx1", 80);
                    NginxServer rs2 = NginxServer.start(lab.host("rs2"), "nginx2", 80)) {
                for (NginxServer rs : List.of(rs1, rs2)) {
                    Files.write(rs.files().resolve("blob"), blob);
                }
                lab.host("rs1").holdVipOnLoopback(vip);
                lab.host("rs2").holdVipOnLoopback(vip);
                Path conf = Files.createTempFile("lvs4j-synflood-", ".conf");
                Files.writeString(conf, config(vip, lab.host("rs1").ip(), lab.host("rs2").ip()));
                try (DirectorProcess d = DirectorProcess.start(lab.host("director"), conf, "--loops", "1",
                        "--connection-capacity", String.valueOf(CAPACITY), "--table-dir", "none")) {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                            .until(() -> client.exec("curl", "-sf", "--max-time", "2", "http://" + vip + "/").ok());
                    List<HeldConnection> held = new ArrayList<>();
                    List<String> servers = new ArrayList<>();
                    for (int i = 0; i < HELD; i++) {
                        HeldConnection c = HeldConnection.open(client.netns(), vip, 80);
                        held.add(c);
                        servers.add(c.ask(5000));
                        assertNotNull(servers.get(i), "held connection " + i + " answers");
                    }
                    long rssBefore = rssKib(d.pid());
                    Process download = client.netns().start(new ProcessBuilder("curl", "-sf", "--limit-rate", "1M",
                            "--max-time", "120", "-o", output.toString(), "http://" + vip + "/files/blob")
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
                    Path sent = Files.createTempFile("lvs4j-synflood-", ".out");
                    long floodStart = System.nanoTime();
                    Process flood = client.netns().start(new ProcessBuilder("python3", sender.toString(), vip, "80",
                            "1000000", "30").redirectErrorStream(true).redirectOutput(sent.toFile()));
                    try {
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                                .until(() -> counter(d, "flood_drop_entry_active") > 0
                                        && counter(d, "flood_secure_tcp_active") > 0);
                        long onAfter = (System.nanoTime() - floodStart) / 1_000_000;
                        // while the flood goes on: new clients get in, held connections answer
                        int fresh = 0;
                        for (int i = 0; i < 20; i++) {
                            if (client.exec("curl", "-sf", "--max-time", "5", "http://" + vip + "/").ok()) {
                                fresh++;
                            }
                        }
                        boolean flooding = flood.isAlive();
                        for (int i = 0; i < HELD; i++) {
                            assertEquals(servers.get(i), held.get(i).ask(5000), "held connection " + i
                                    + " answers during the flood from the same server");
                        }
                        assertTrue(flood.waitFor(60, TimeUnit.SECONDS), "the sender ends within its bound");
                        long floodMillis = (System.nanoTime() - floodStart) / 1_000_000;
                        JsonNode counters = json(d).get("counters");
                        JsonNode drops = json(d).get("drops");
                        String status = d.cli("status").check().stdout();
                        long rssAfter = rssKib(d.pid());
                        System.out.printf("SYN flood: %s SYNs sent in %d ms; defences on after %d ms; %d of 20 new"
                                + " clients got in %s the flood; counters %s; drops %s; director RSS %d -> %d KiB%n"
                                + "status:%n%s", Files.readString(sent).strip(), floodMillis, onAfter, fresh,
                                flooding ? "during" : "right after", counters, drops, rssBefore, rssAfter, status);
                        assertTrue(counters.get("flood_embryonic_dropped").asLong() > 0, "embryonic entries dropped");
                        assertTrue(counters.get("flood_defense_activations").asLong() >= 1, "the defences switched on");
                        assertTrue(status.contains("SYN-flood defence: drop_entry"), status);
                        assertEquals(20, fresh, "new clients get in: a full table drops an embryonic entry for them");
                        assertTrue(rssAfter < rssBefore + 64 * 1024, "RSS stays flat: " + rssBefore + " -> " + rssAfter);
                        for (int i = 0; i < HELD; i++) {
                            assertEquals(servers.get(i), held.get(i).ask(5000), "held connection " + i
                                    + " answers after the flood");
                        }
                        assertTrue(download.waitFor(120, TimeUnit.SECONDS), "the download ends");
                        assertEquals(0, download.exitValue(), "the download completes");
                        Command.Result sum = client.exec("sha256sum", output.toString()).check();
                        assertEquals(sha, sum.stdout().split("\\s+")[0], "the download is the file");
                        for (HeldConnection c : held) {
                            c.close();
                        }
                    } finally {
                        flood.destroyForcibly();
                        download.destroyForcibly();
                        Files.deleteIfExists(sent);
                    }
                }
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(sender);
            }
        }
    }

    private static JsonNode json(DirectorProcess d) throws Exception {
        return AdminJson.mapper().readTree(d.admin("/status").check().stdout());
    }

    private static long counter(DirectorProcess d, String name) throws Exception {
        JsonNode value = json(d).get("counters").get(name);
        return value == null ? 0 : value.asLong();
    }

    private static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
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

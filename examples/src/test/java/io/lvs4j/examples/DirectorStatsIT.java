package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.IpvsadmFormat;
import io.lvs4j.core.status.ServiceStatus;
import io.lvs4j.core.status.TrafficStats;
import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.NginxServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lvs4j run} with real nginx behind it, counted as {@code ipvsadm -Ln --stats} counts:
 * after 21 requests and a 20 MB download through the VIP, {@code status --stats} shows the
 * connections and the packets and bytes the client sent (its kernel's own IP counters, within
 * 5%); with NAT also those it received; {@code status --rate} shows rates while wrk runs; the
 * Prometheus text of {@code /metrics} holds the same totals as {@code --stats}.
 */
class DirectorStatsIT {

    private static final String CLIENT = "198.18.1.11";
    private static final String CLIENT_GATEWAY = "198.18.1.1";
    private static final int DOWNLOAD = 20 << 20;
    private static final String ADMIN = "127.0.0.1:9180";
    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)\\{([^}]*)} (\\S+)");

    @ParameterizedTest(name = "lb_kind {0}")
    @ValueSource(strings = {"DR", "NAT"})
    void shouldCountTrafficAsIpvsadmStatsDoes(String kind) throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "wrk", "nstat");
        boolean nat = kind.equals("NAT");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            int port = nat ? 8080 : 80;
            Host client = lab.host("client");
            Host director = lab.host("director");
            String clientAddress = nat ? CLIENT : client.ip();
            if (nat) {
                routeThroughDirector(lab);
            }
            byte[] blob = new byte[DOWNLOAD];
            new Random(7).nextBytes(blob);
            try (NginxServer rs1 = NginxServer.start(lab.host("rs1"), "nginx1", port);
                    NginxServer rs2 = NginxServer.start(lab.host("rs2"), "nginx2", port)) {
                for (NginxServer rs : List.of(rs1, rs2)) {
                    Files.write(rs.files().resolve("blob"), blob);
                }
                if (!nat) {
                    lab.host("rs1").holdVipOnLoopback(vip);
                    lab.host("rs2").holdVipOnLoopback(vip);
                }
                Path conf = Files.createTempFile("lvs4j-stats-", ".conf");
                Files.writeString(conf, config(vip, kind, port, lab.host("rs1").ip(), lab.host("rs2").ip()));
                Path log = Files.createTempFile("lvs4j-stats-", ".log");
                Process run = director.netns().start(new ProcessBuilder(DirectorProcess.command("256m", conf, "--interface",
                        director.iface())).redirectErrorStream(true)
                        .redirectOutput(log.toFile()));
                try {
                    // Ready: the VIP answers, and so does the admin endpoint (it opens after the director starts).
                    await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                            .until(() -> curl(client, "http://" + vip + "/").ok()
                                    && curl(director, "http://" + ADMIN + "/status").ok());
                    DirectorStatus start = quiet(director);
                    Map<String, Long> sentBefore = nstat(client);

                    for (int i = 0; i < 21; i++) {
                        Command.Result answer = curl(client, "http://" + vip + "/");
                        assertTrue(answer.ok() && answer.stdout().startsWith("nginx"), answer.toString());
                    }
                    Command.Result download = client.netns().exec(Duration.ofSeconds(60), "curl", "-s", "-o",
                            "/dev/null", "-w", "%{size_download}", "--max-time", "50", "http://" + vip + "/files/blob");
                    assertEquals(String.valueOf(DOWNLOAD), download.stdout().strip(), download.toString());

                    DirectorStatus end = quiet(director);
                    Map<String, Long> sentAfter = nstat(client);
                    TrafficStats counted = minus(service(end).stats(), service(start).stats());
                    assertTrue(counted.connections() >= 22, "21 requests and a download: " + counted);
                    long outPackets = sentAfter.get("IpOutRequests") - sentBefore.get("IpOutRequests");
                    long outOctets = sentAfter.get("IpExtOutOctets") - sentBefore.get("IpExtOutOctets");
                    System.out.printf("[%s] director counted %s; the client's kernel sent %d packets, %d octets, "
                            + "received %d packets, %d octets%n", kind, counted, outPackets, outOctets,
                            sentAfter.get("IpInReceives") - sentBefore.get("IpInReceives"),
                            sentAfter.get("IpExtInOctets") - sentBefore.get("IpExtInOctets"));
                    assertWithin(outPackets, counted.inPackets(), "InPkts against the client's IP packets sent");
                    assertWithin(outOctets, counted.inBytes(), "InBytes against the client's IP octets sent");
                    if (nat) {
                        long inPackets = sentAfter.get("IpInReceives") - sentBefore.get("IpInReceives");
                        long inOctets = sentAfter.get("IpExtInOctets") - sentBefore.get("IpExtInOctets");
                        assertWithin(inPackets, counted.outPackets(), "OutPkts against the client's IP packets received");
                        assertWithin(inOctets, counted.outBytes(), "OutBytes against the client's IP octets received");
                        assertTrue(counted.outBytes() >= DOWNLOAD, "the download passed the director: " + counted);
                    } else {
                        assertEquals(0, counted.outPackets(), "DR sees no replies");
                    }

                    Command.Result stats = cli(director, "status", "--stats");
                    assertEquals(IpvsadmFormat.table(end, IpvsadmFormat.Columns.STATS), stats.stdout(),
                            "status --stats prints the director's totals");
                    assertTrue(stats.stdout().contains("Conns"), stats.stdout());
                    assertMetricsEqual(service(end), admin(director, "/metrics"));

                    // New connections (Connection: close), so that CPS has something to count.
                    Process wrk = client.netns().start(new ProcessBuilder("wrk", "-t1", "-c4", "-d15s", "-H",
                            "Connection: close", "http://" + vip + "/").redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD));
                    try {
                        // IPVS's estimator needs two 2-second samples: wait for the rates in the JSON,
                        // then read them as `status --rate` prints them.
                        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> {
                            ServiceStatus s = service(status(director));
                            return s.rates().connectionsPerSecond() > 0 && s.rates().inPacketsPerSecond() > 0
                                    && (!nat || s.rates().outPacketsPerSecond() > 0);
                        });
                        String rates = cli(director, "status", "--rate").stdout();
                        long[] row = serviceRow(rates, vip);
                        assertTrue(row != null && row[0] > 0 && row[1] > 0 && row[3] > 0 && (!nat || row[2] > 0),
                                "status --rate shows the rates: " + rates);
                        System.out.printf("[%s] status --rate during wrk:%n%s", kind, rates);
                    } finally {
                        assertTrue(wrk.waitFor(60, TimeUnit.SECONDS), "wrk ends within its time");
                    }
                } finally {
                    run.destroy();
                    assertTrue(run.waitFor(20, TimeUnit.SECONDS), "the director stops on SIGTERM");
                    System.out.println(Files.readString(log));
                }
            }
        }
    }

    private static String config(String vip, String kind, int port, String rs1, String rs2) {
        return """
                virtual_server %1$s 80 {
                    lb_algo rr
                    lb_kind %2$s
                    protocol TCP
                    real_server %3$s %4$d {
                        weight 1
                    }
                    real_server %5$s %4$d {
                        weight 1
                    }
                }
                """.formatted(vip, kind, rs1, port, rs2);
    }

    /** Puts the client in its own subnet behind the director and routes the real servers through it (NAT). */
    private static void routeThroughDirector(Lab lab) {
        Host client = lab.host("client");
        Host director = lab.host("director");
        client.exec("ip", "addr", "flush", "dev", client.iface()).check();
        client.exec("ip", "addr", "add", CLIENT + "/24", "dev", client.iface()).check();
        client.exec("ip", "route", "add", "default", "via", CLIENT_GATEWAY).check();
        director.exec("ip", "addr", "add", CLIENT_GATEWAY + "/24", "dev", director.iface()).check();
        for (String rs : List.of("rs1", "rs2")) {
            lab.host(rs).exec("ip", "route", "add", "default", "via", director.ip()).check();
        }
    }

    private static Command.Result curl(Host host, String url) {
        return host.netns().exec(Duration.ofSeconds(10), "curl", "-sf", "--max-time", "5", url);
    }

    private static Command.Result cli(Host director, String... args) {
        String[] command = new String[4 + args.length];
        command[0] = DirectorProcess.java();
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = Lvs4j.class.getName();
        System.arraycopy(args, 0, command, 4, args.length);
        return director.netns().exec(Duration.ofSeconds(30), command).check();
    }

    private static String admin(Host director, String path) {
        return director.netns().exec(Duration.ofSeconds(10), "curl", "-s", "--max-time", "5", "http://" + ADMIN + path)
                .check().stdout();
    }

    private static DirectorStatus status(Host director) throws IOException {
        return AdminJson.mapper().readValue(admin(director, "/status"), DirectorStatus.class);
    }

    /** Waits until the director's counters stand still (the client's connections are over), then reads them. */
    private static DirectorStatus quiet(Host director) {
        AtomicReference<DirectorStatus> last = new AtomicReference<>();
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> {
            DirectorStatus now = status(director);
            DirectorStatus before = last.getAndSet(now);
            return before != null && service(before).stats().equals(service(now).stats());
        });
        return last.get();
    }

    private static ServiceStatus service(DirectorStatus status) {
        assertEquals(1, status.services().size(), status.toString());
        return status.services().get(0);
    }

    private static TrafficStats minus(TrafficStats a, TrafficStats b) {
        return new TrafficStats(a.connections() - b.connections(), a.inPackets() - b.inPackets(),
                a.outPackets() - b.outPackets(), a.inBytes() - b.inBytes(), a.outBytes() - b.outBytes());
    }

    /** Reads a namespace's IP counters (absolute, without touching nstat's history). */
    private static Map<String, Long> nstat(Host host) {
        Map<String, Long> values = new HashMap<>();
        for (String line : host.exec("nstat", "-asz").check().stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[1].matches("\\d+")) {
                values.put(f[0], Long.parseLong(f[1]));
            }
        }
        return values;
    }

    private static void assertWithin(long expected, long actual, String what) {
        assertTrue(expected > 0, what + ": nothing measured");
        double ratio = (double) actual / expected;
        assertTrue(ratio >= 0.95 && ratio <= 1.05, what + ": counted " + actual + ", measured " + expected);
    }

    private static void assertMetricsEqual(ServiceStatus service, String metrics) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : metrics.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.merge(m.group(1) + "{" + m.group(2).replaceAll(",?vip=\"[^\"]*\"", "") + "}",
                        Double.parseDouble(m.group(3)), Double::sum);
            }
        }
        TrafficStats s = service.stats();
        assertEquals(s.connections(), samples.get("lvs_service_connections_total{protocol=\"tcp\"}").longValue());
        assertEquals(s.inPackets(), samples.get("lvs_service_packets_total{direction=\"in\",protocol=\"tcp\"}").longValue());
        assertEquals(s.outPackets(), samples.get("lvs_service_packets_total{direction=\"out\",protocol=\"tcp\"}").longValue());
        assertEquals(s.inBytes(), samples.get("lvs_service_bytes_total{direction=\"in\",protocol=\"tcp\"}").longValue());
        assertEquals(s.outBytes(), samples.get("lvs_service_bytes_total{direction=\"out\",protocol=\"tcp\"}").longValue());
        assertTrue(samples.get("lvs_events_total{event=\"forwarded\"}") > 0, "the data path's counters are exported");
    }

    /** @return CPS, InPPS, OutPPS, InBPS of the service's line of {@code status --rate}, or null */
    private static long[] serviceRow(String table, String vip) {
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[0].equals("TCP") && f[1].equals(vip + ":80")) {
                return new long[] {number(f[2]), number(f[3]), number(f[4]), number(f[5])};
            }
        }
        return null;
    }

    private static long number(String text) {
        long unit = switch (text.charAt(text.length() - 1)) {
            case 'K' -> 1_000L;
            case 'M' -> 1_000_000L;
            case 'G' -> 1_000_000_000L;
            default -> 1L;
        };
        return Long.parseLong(unit == 1 ? text : text.substring(0, text.length() - 1)) * unit;
    }
}

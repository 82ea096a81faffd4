package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection sync across a crash, as keepalived's {@code lvs_sync_daemon} gives IPVS: two
 * {@code ./lvs4j run} directors (DR or NAT, rr, VRRP 51, {@code lvs_sync_daemon eth0 VI_1}) in front of
 * two nginx; 20 keep-alive connections are held and a rate-limited download runs through the VIP
 * when the master is killed with SIGKILL. The backup takes over with the master's table: every
 * held connection answers again from the same nginx and the download completes with the right
 * SHA-256. The old master comes back, learns the backup's table while it waits out its
 * {@code preempt_delay}, preempts, and every held connection answers a third time. With NAT the
 * client is in a network of its own and the real servers route it through a second, floating
 * address of the instance, so the backup must rewrite the synced connections' replies too.
 */
class SyncFailoverIT {

    private static final int HELD = 20;
    private static final int DOWNLOAD = 12 << 20;

    @TempDir
    Path dir;

    private static final String NAT_CLIENT = "198.18.1.11";

    static String config(String kind, Host director, String vip, String gateway, int priority, Host rs1,
            Host rs2) {
        StringBuilder real = new StringBuilder();
        for (Host rs : List.of(rs1, rs2)) {
            real.append("""
                        real_server %s 80 {
                            weight 1
                            TCP_CHECK {
                                connect_timeout 1
                            }
                        }
                    """.formatted(rs.ip()));
        }
        return """
                global_defs {
                    lvs_sync_daemon %1$s VI_1
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface %1$s
                    virtual_router_id 51
                    priority %3$d
                    advert_int 1
                    preempt_delay 6
                    virtual_ipaddress {
                        %2$s
                        %6$s
                    }
                }
                virtual_server %2$s 80 {
                    delay_loop 1
                    lb_algo rr
                    lb_kind %5$s
                    protocol TCP
                %4$s}
                """.formatted(director.iface(), vip, priority, real, kind, gateway == null ? "" : gateway);
    }

    private static String state(DirectorProcess d) throws Exception {
        return d.status().vrrp().getFirst().state();
    }

    private static long counter(DirectorProcess d, String name) throws Exception {
        DirectorStatus s = d.status();
        return s.counters().getOrDefault(name, 0L);
    }

    @ParameterizedTest(name = "lb_kind {0}")
    @ValueSource(strings = {"DR", "NAT"})
    void shouldKeepEveryHeldConnectionAndTheDownloadAcrossAKillAndThePreemptionBack(String kind) throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "tshark");
        try (Lab lab = Lab.builder().host("client").host("lvs1").host("lvs2").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            Host lvs1 = lab.host("lvs1");
            Host lvs2 = lab.host("lvs2");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            boolean nat = kind.equals("NAT");
            String gateway = nat ? lab.address(201) : null;
            if (nat) {
                // The client in a network of its own, the VIP on its link; the real servers answer it
                // through the directors' floating gateway address (on the master's kernel interface).
                client.exec("ip", "addr", "flush", "dev", client.iface()).check();
                client.exec("ip", "addr", "add", NAT_CLIENT + "/24", "dev", client.iface()).check();
                client.exec("ip", "route", "add", vip, "dev", client.iface()).check();
                for (Host rs : List.of(rs1, rs2)) {
                    rs.exec("ip", "route", "add", "198.18.1.0/24", "via", gateway).check();
                }
            } else {
                rs1.holdVipOnLoopback(vip);
                rs2.holdVipOnLoopback(vip);
            }
            byte[] blob = new byte[DOWNLOAD];
            new Random(15).nextBytes(blob);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            Path conf1 = dir.resolve("lvs1.conf");
            Path conf2 = dir.resolve("lvs2.conf");
            Files.writeString(conf1, config(kind, lvs1, vip, gateway, 150, rs1, rs2));
            Files.writeString(conf2, config(kind, lvs2, vip, gateway, 100, rs1, rs2));
            Path pcap = dir.resolve("sync.pcap");
            Path tsharkLog = dir.resolve("tshark.log");
            Process tshark = client.netns().start(new ProcessBuilder("tshark", "-n", "-i", client.iface(), "-F", "pcap",
                    "-f", "udp port 8848", "-w", pcap.toString()).redirectErrorStream(true)
                    .redirectOutput(tsharkLog.toFile()));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(tsharkLog).contains("Capturing on"));
            List<Integer> heldPorts = new ArrayList<>();
            try (NginxServer one = NginxServer.start(rs1, "nginx1", 80);
                    NginxServer two = NginxServer.start(rs2, "nginx2", 80)) {
                Files.write(one.files().resolve("blob"), blob);
                Files.write(two.files().resolve("blob"), blob);
                List<DirectorProcess> started = new ArrayList<>();
                DirectorProcess d1 = DirectorProcess.start(lvs1, conf1);
                started.add(d1);
                try (DirectorProcess d2 = DirectorProcess.start(lvs2, conf2)) {
                    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                            .until(() -> "MASTER".equals(state(d1)) && "BACKUP".equals(state(d2))
                                    && client.exec("curl", "-sf", "--max-time", "2", "http://" + vip + "/").ok());

                    List<HeldConnection> held = new ArrayList<>();
                    List<String> servers = new ArrayList<>();
                    for (int i = 0; i < HELD; i++) {
                        HeldConnection c = HeldConnection.open(client.netns(), vip, 80);
                        held.add(c);
                        heldPorts.add(c.localPort());
                        servers.add(c.ask(5000));
                    }
                    assertTrue(servers.contains("nginx1") && servers.contains("nginx2"), "rr: " + servers);
                    await().atMost(Duration.ofSeconds(10)).until(() -> counter(d2, "sync_installed") >= HELD);

                    Path out = dir.resolve("blob.out");
                    Process download = client.netns().start(new ProcessBuilder("curl", "-sS", "--limit-rate", "1M",
                            "--max-time", "120", "-o", out.toString(), "http://" + vip + "/files/blob")
                            .redirectErrorStream(true).redirectOutput(dir.resolve("curl.log").toFile()));
                    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(out) && Files.size(out) > 2 << 20
                            && counter(d2, "sync_installed") >= HELD + 1);
                    long sentByMaster = counter(d1, "sync_records_sent");
                    long datagramsByMaster = counter(d1, "sync_datagrams_sent");

                    AtomicLong longestStall = new AtomicLong();
                    Thread watch = Thread.ofVirtual().start(() -> DownloadStalls.watch(out, download, longestStall));
                    long atKill = Files.size(out);
                    assertTrue(download.isAlive() && atKill < DOWNLOAD, "the download runs when the master dies");
                    long killed = System.nanoTime();
                    d1.kill();
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                            .until(() -> "MASTER".equals(state(d2)));
                    long takeover = System.nanoTime() - killed;
                    for (int i = 0; i < HELD; i++) {
                        assertEquals(servers.get(i), held.get(i).ask(15000),
                                "held connection " + i + " answers from the same server through the backup");
                    }
                    long allAnswered = System.nanoTime() - killed;
                    assertTrue(download.waitFor(120, TimeUnit.SECONDS), "the download ends");
                    watch.join();
                    assertEquals(0, download.exitValue(), Files.readString(dir.resolve("curl.log")));
                    assertEquals(sha, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(out))), "the download is whole");
                    System.out.printf("[sync " + kind + "] takeover %d ms, all %d held connections answered %d ms after the kill, "
                            + "longest download stall %d ms (%d of %d bytes at the kill); before the kill the master had sent %d records (36 bytes "
                            + "each) in %d datagrams for %d connections, the backup installed %d%n",
                            takeover / 1_000_000, HELD, allAnswered / 1_000_000, longestStall.get() / 1_000_000, atKill, DOWNLOAD,
                            sentByMaster, datagramsByMaster, HELD + 1, counter(d2, "sync_installed"));
                    assertEquals(0, counter(d2, "sync_drop_bad_source") + counter(d2, "sync_drop_malformed")
                            + counter(d2, "sync_drop_unknown_server") + counter(d2, "sync_drop_unknown_service"));

                    // The old master comes back: it learns the table while it waits out preempt_delay, then preempts.
                    DirectorProcess back = DirectorProcess.start(lvs1, conf1);
                    started.add(back);
                    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                            .until(() -> "MASTER".equals(state(back)));
                    assertTrue(counter(back, "sync_installed") >= HELD, "it learnt the held connections first");
                    await().atMost(Duration.ofSeconds(10)).until(() -> "BACKUP".equals(state(d2)));
                    for (int i = 0; i < HELD; i++) {
                        assertEquals(servers.get(i), held.get(i).ask(15000),
                                "held connection " + i + " answers a third time, through the returned master");
                    }
                    for (HeldConnection c : held) {
                        c.close();
                    }
                } finally {
                    for (DirectorProcess d : started) {
                        d.close();
                    }
                }
            } finally {
                tshark.destroy();
                tshark.waitFor(20, TimeUnit.SECONDS);
            }
            assertDecodedByTshark(pcap, lvs1.ip(), heldPorts);
        }
    }

    /**
     * tshark's {@code ipvs} dissector reads lvs4j's datagrams on the wire: IPVS sync version 1 from
     * the first master, a record of each held connection in ESTABLISHED (state 0x0001) to port 80, and
     * no malformed packet.
     */
    private static void assertDecodedByTshark(Path pcap, String master, List<Integer> heldPorts) throws Exception {
        String fields = Command.run("tshark", "-n", "-r", pcap.toString(), "-Y", "ipvs", "-T", "fields", "-E", "occurrence=a",
                "-E", "aggregator=,", "-e",
                "ip.src", "-e", "ipvs.version", "-e", "ipvs.cport", "-e", "ipvs.vport", "-e", "ipvs.state")
                .check().stdout();
        List<Integer> seen = new ArrayList<>();
        int datagrams = 0;
        for (String line : fields.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length < 5 || !f[0].equals(master)) {
                continue;
            }
            datagrams++;
            assertEquals("1", f[1], line);
            String[] cports = f[2].split(",");
            String[] vports = f[3].split(",");
            String[] states = f[4].split(",");
            for (int i = 0; i < cports.length; i++) {
                if (vports[i].equals("80") && states[i].equals("0x0001")) {
                    seen.add(Integer.parseInt(cports[i]));
                }
            }
        }
        assertTrue(datagrams > 0, "tshark decoded the master's sync datagrams: " + fields);
        assertTrue(seen.containsAll(heldPorts), "each held connection in a record: " + heldPorts + " in " + seen);
        String malformed = Command.run("tshark", "-n", "-r", pcap.toString(), "-Y", "_ws.malformed || _ws.expert")
                .check().stdout();
        assertEquals("", malformed.strip(), "no malformed packet, no expert warning");
        System.out.printf("[sync] tshark decoded %d sync datagrams from the first master%n", datagrams);
    }

}

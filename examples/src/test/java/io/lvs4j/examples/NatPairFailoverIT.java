package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classic LVS-NAT director pair, each {@code ./lvs4j run} with two interfaces: an outside one
 * on the clients' bridge (instance VI_OUT holds the VIP 198.18.0.10 of the NAT virtual server) and
 * an inside one on the real servers' bridge (instance VI_IN holds 198.19.1.1, the real servers'
 * default gateway, as a kernel address), both instances in one sync group, connections synced
 * over the inside interface ({@code lvs_sync_daemon}). The client reaches both nginx through the
 * VIP; the master is killed with SIGKILL; the backup then holds both VIPs (the client's and the
 * real servers' ARP caches show its MACs), new requests succeed, and the held keep-alive
 * connections and a download running across the kill answer through it: the real servers'
 * replies come in on its inside interface and leave on its outside one, while its kernel drops
 * its own copy of each silently (forwarding off: no ICMP, no redirect). The same with SIGTERM,
 * where the old master also gives the inside gateway address back.
 */
class NatPairFailoverIT {

    private static final String VIP = "198.18.0.10";
    private static final String GATEWAY = "198.19.1.1";
    private static final String INSIDE = "198.19.1.";
    private static final int HELD = 10;
    private static final int DOWNLOAD = 8 << 20;

    @TempDir
    Path dir;

    static String config(String outside, String inside, int priority) {
        StringBuilder real = new StringBuilder();
        for (int n : new int[] {11, 12}) {
            real.append("""
                        real_server %s%d 80 {
                            weight 1
                            TCP_CHECK {
                                connect_timeout 1
                            }
                        }
                    """.formatted(INSIDE, n));
        }
        return """
                global_defs {
                    lvs_sync_daemon %2$s VI_IN
                }
                vrrp_sync_group VG {
                    group {
                        VI_OUT
                        VI_IN
                    }
                }
                vrrp_instance VI_OUT {
                    state BACKUP
                    interface %1$s
                    virtual_router_id 51
                    priority %3$d
                    advert_int 1
                    virtual_ipaddress {
                        %4$s/24
                    }
                }
                vrrp_instance VI_IN {
                    state BACKUP
                    interface %2$s
                    virtual_router_id 52
                    priority %3$d
                    advert_int 1
                    virtual_ipaddress {
                        %5$s/24
                    }
                }
                virtual_server %4$s 80 {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                %6$s}
                """.formatted(outside, inside, priority, VIP, GATEWAY, real);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGKILL", "SIGTERM"})
    void shouldMoveBothVipsTogetherAndKeepTheRealServersRepliesFlowingThroughTheNewMaster(String signal)
            throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl");
        try (Lab lab = Lab.builder().host("client").host("lvs1").host("lvs2").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host lvs1 = lab.host("lvs1");
            Host lvs2 = lab.host("lvs2");
            String inside = "in-" + lab.tag();
            InsideNetwork net = new InsideNetwork(lab, inside);
            net.director(lvs1, 2);
            net.director(lvs2, 3);
            Host rs1 = net.realServer(lab.host("rs1"), 11, GATEWAY);
            Host rs2 = net.realServer(lab.host("rs2"), 12, GATEWAY);
            // A small receive window keeps the download's data on the wire at curl's rate, rather
            // than all of it in the client's socket buffer within the first second.
            client.exec("sysctl", "-q", "-w", "net.ipv4.tcp_rmem=4096 65536 262144").check();
            for (Host d : List.of(lvs1, lvs2)) {
                // The kernel must not forward what lvs4j forwards itself: forwarding off (a new
                // namespace's default) drops the VIP's frames and the servers' replies silently.
                assertEquals("0", d.exec("sysctl", "-n", "net.ipv4.ip_forward").check().stdout().strip());
            }
            byte[] blob = new byte[DOWNLOAD];
            new Random(16).nextBytes(blob);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            Path conf1 = dir.resolve("lvs1.conf");
            Path conf2 = dir.resolve("lvs2.conf");
            Files.writeString(conf1, config(lvs1.iface(), inside, 150));
            Files.writeString(conf2, config(lvs2.iface(), inside, 100));
            try (NginxServer one = NginxServer.start(rs1, "nginx1", 80);
                    NginxServer two = NginxServer.start(rs2, "nginx2", 80)) {
                Files.write(one.files().resolve("blob"), blob);
                Files.write(two.files().resolve("blob"), blob);
                DirectorProcess d1 = DirectorProcess.start(lvs1, conf1);
                try (DirectorProcess d2 = DirectorProcess.start(lvs2, conf2)) {
                    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                            .until(() -> states(d1).equals(Set.of("MASTER")) && states(d2).equals(Set.of("BACKUP"))
                                    && client.exec("curl", "-sf", "--max-time", "2", "http://" + VIP + "/").ok());
                    assertTrue(holds(lvs1, inside, GATEWAY) && !holds(lvs2, inside, GATEWAY),
                            "the master holds the inside gateway on its kernel interface");
                    assertTrue(d1.log().contains("data path also on " + inside),
                            "the master's data path runs on " + inside);

                    List<HeldConnection> held = new ArrayList<>();
                    List<String> servers = new ArrayList<>();
                    for (int i = 0; i < HELD; i++) {
                        HeldConnection c = HeldConnection.open(client.netns(), VIP, 80);
                        held.add(c);
                        servers.add(c.ask(5000));
                    }
                    assertEquals(Set.of("nginx1", "nginx2"), new HashSet<>(servers), "rr over both: " + servers);
                    await().atMost(Duration.ofSeconds(10)).until(() -> counter(d2, "sync_installed") >= HELD);

                    Path out = dir.resolve("blob.out");
                    Process download = client.netns().start(new ProcessBuilder("curl", "-sS", "--limit-rate", "1M",
                            "--max-time", "120", "-o", out.toString(), "http://" + VIP + "/files/blob")
                            .redirectErrorStream(true).redirectOutput(dir.resolve("curl.log").toFile()));
                    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(out) && Files.size(out) > 1 << 20
                            && counter(d2, "sync_installed") >= HELD + 1);
                    AtomicLong longestStall = new AtomicLong();
                    Thread watch = Thread.ofVirtual().start(() -> DownloadStalls.watch(out, download, longestStall));
                    long repliesBefore = counter(d2, "replies_forwarded");
                    long icmpBefore = icmpOut(lvs2);
                    long droppedBefore = ip(lvs2, "InAddrErrors");
                    long atKill = Files.size(out);
                    assertTrue(download.isAlive() && atKill < DOWNLOAD / 2, "the download runs when the master dies: "
                            + atKill);

                    long killed = System.nanoTime();
                    if (signal.equals("SIGKILL")) {
                        d1.kill();
                    } else {
                        assertEquals(0, d1.stop(), "a clean stop");
                    }
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                            .until(() -> states(d2).equals(Set.of("MASTER")));
                    long takeover = System.nanoTime() - killed;
                    assertTrue(holds(lvs2, inside, GATEWAY), "the new master holds the inside gateway");
                    if (signal.equals("SIGTERM")) {
                        assertTrue(!holds(lvs1, inside, GATEWAY), "the old master gave the inside gateway back");
                    }
                    for (int i = 0; i < HELD; i++) {
                        assertEquals(servers.get(i), held.get(i).ask(15000),
                                "held connection " + i + " answers from the same server through the new master");
                    }
                    long allAnswered = System.nanoTime() - killed;
                    Set<String> fresh = new HashSet<>();
                    for (int i = 0; i < 6; i++) {
                        fresh.add(client.exec("curl", "-sf", "--max-time", "5", "http://" + VIP + "/").check().stdout()
                                .strip());
                    }
                    assertEquals(Set.of("nginx1", "nginx2"), fresh, "new connections reach both servers");
                    assertTrue(download.waitFor(120, TimeUnit.SECONDS), "the download ends");
                    watch.join();
                    assertEquals(0, download.exitValue(), Files.readString(dir.resolve("curl.log")));
                    assertEquals(sha, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(out))), "the download is whole");

                    // Both VIPs moved: the client and the real servers now send to the new master's MACs.
                    assertTrue(neighbour(client, VIP).contains(lvs2.mac()), "client: " + neighbour(client, VIP));
                    String lvs2Inside = lvs2.exec("cat", "/sys/class/net/" + inside + "/address").check().stdout()
                            .strip();
                    for (Host rs : List.of(rs1, rs2)) {
                        assertTrue(neighbour(rs, GATEWAY).contains(lvs2Inside),
                                rs.role() + ": " + neighbour(rs, GATEWAY));
                    }
                    long replies = counter(d2, "replies_forwarded") - repliesBefore;
                    // Frames, not segments: the download's replies are GSO super-frames of up to 64 KiB,
                    // and more than a quarter of it passes after the kill.
                    assertTrue(replies >= HELD + DOWNLOAD / 4 / 65536,
                            "the servers' replies went through the new master: " + replies);
                    assertEquals(icmpBefore, icmpOut(lvs2), "the new master's kernel sent no ICMP error or redirect");
                    long dropped = ip(lvs2, "InAddrErrors") - droppedBefore;
                    assertTrue(dropped >= replies / 2, "its kernel saw the frames lvs4j forwarded and dropped them "
                            + "(forwarding off): " + dropped + " for " + replies + " replies");
                    System.out.printf("[nat pair %s] takeover of both VIPs %d ms after the signal, all %d held "
                            + "connections answered %d ms after it, longest download stall %d ms (%d of %d bytes at "
                            + "the signal), %d reply frames forwarded by the new master since, %d frames its kernel "
                            + "dropped (forwarding off)%n", signal, takeover / 1_000_000, HELD, allAnswered / 1_000_000,
                            longestStall.get() / 1_000_000, atKill, DOWNLOAD, replies, dropped);
                    for (HeldConnection c : held) {
                        c.close();
                    }
                } finally {
                    d1.close();
                }
            }
        }
    }

    /** @return the states of a director's VRRP instances */
    private static Set<String> states(DirectorProcess d) throws Exception {
        Set<String> all = new HashSet<>();
        d.status().vrrp().forEach(v -> all.add(v.state()));
        return all;
    }

    private static long counter(DirectorProcess d, String name) throws Exception {
        DirectorStatus s = d.status();
        return s.counters().getOrDefault(name, 0L);
    }

    private static boolean holds(Host host, String iface, String address) {
        return host.exec("ip", "-o", "-4", "addr", "show", "dev", iface).stdout().contains(" " + address + "/24 ");
    }

    private static String neighbour(Host host, String address) {
        return host.exec("ip", "neigh", "show", address).stdout().strip();
    }

    /** @return the ICMP destination-unreachable and redirect messages the host's kernel sent */
    private static long icmpOut(Host host) {
        return snmp(host, "Icmp:", "OutDestUnreachs") + snmp(host, "Icmp:", "OutRedirects");
    }

    /** @return an IP counter of the host's kernel ({@code InAddrErrors}: packets it would have had to forward) */
    private static long ip(Host host, String name) {
        return snmp(host, "Ip:", name);
    }

    private static long snmp(Host host, String group, String name) {
        List<String> lines = host.exec("cat", "/proc/net/snmp").check().stdout().lines()
                .filter(l -> l.startsWith(group)).toList();
        List<String> names = List.of(lines.get(0).split("\\s+"));
        return Long.parseLong(lines.get(1).split("\\s+")[names.indexOf(name)]);
    }

    /**
     * The inside network: a second bridge in the lab's bridge namespace, an inside interface on
     * each director, and the real servers moved from the outside bridge to it. Everything lives in
     * the lab's namespaces, so the lab's teardown removes it.
     */
    private static final class InsideNetwork {
        private final Lab lab;
        private final String bridge;
        private final String inside;
        private int ports;

        InsideNetwork(Lab lab, String inside) {
            this.lab = lab;
            this.inside = inside;
            this.bridge = "bi-" + lab.tag();
            lab.bridgeNamespace().exec("ip", "link", "add", bridge, "type", "bridge").check();
            lab.bridgeNamespace().exec("ip", "link", "set", bridge, "up").check();
        }

        /** Adds a veth from the bridge to a host, named {@code name} there, addressed 198.19.1.n/24. */
        private void link(Host host, String name, int n) {
            String port = "w" + lab.tag() + "-" + ++ports;
            lab.bridgeNamespace().exec("ip", "link", "add", port, "type", "veth", "peer", "name", name, "netns",
                    host.netns().name()).check();
            lab.bridgeNamespace().exec("ip", "link", "set", port, "master", bridge).check();
            lab.bridgeNamespace().exec("ip", "link", "set", port, "up").check();
            host.exec("ip", "addr", "add", INSIDE + n + "/24", "dev", name).check();
            host.exec("ip", "link", "set", name, "up").check();
        }

        void director(Host host, int n) {
            link(host, inside, n);
        }

        /** Moves a real server inside, its default route through the gateway; @return it as it is now */
        Host realServer(Host host, int n, String gateway) {
            host.exec("ip", "link", "del", host.iface()).check();
            link(host, host.iface(), n);
            host.exec("ip", "route", "add", "default", "via", gateway).check();
            return new Host(host.role(), host.netns(), host.iface(), INSIDE + n);
        }
    }
}

package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.ServerStatus;
import io.lvs4j.core.status.VrrpStatus;
import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.NginxServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lvs4j run} reloaded as keepalived is, in namespaces with real nginx behind a DR
 * director that is VRRP master. A reload that adds rs2 keeps the director up and master (no
 * advert from another router, no priority-0 advert), every held keep-alive connection answers
 * again from rs1, new connections alternate rs1 and rs2, status lists both; a file with a syntax
 * error is refused with its {@code file:line:column} and the old configuration stays; a reload
 * that removes rs2 drains it as IPVS does (its connection's packets dropped, its entry kept).
 * Then wrk opens new connections across 10 reloads without one failed request.
 */
class ReloadIT {

    private static final Pattern WRK_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern WRK_REQUESTS = Pattern.compile("(\\d+) requests in");

    @TempDir
    Path dir;

    private static String config(Host director, String vip, List<Host> servers, String more) {
        StringBuilder real = new StringBuilder();
        for (Host rs : servers) {
            real.append("""
                        real_server %s 80 {
                            weight 1
                            TCP_CHECK {
                                connect_timeout 1
                                retry 0
                            }
                        }
                    """.formatted(rs.ip()));
        }
        return """
                vrrp_instance VI_1 {
                    state MASTER
                    interface %1$s
                    virtual_router_id 51
                    priority 150
                    advert_int 1
                    virtual_ipaddress {
                        %2$s
                    }
                }
                virtual_server %2$s 80 {
                    delay_loop 1
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                %3$s}
                %4$s
                """.formatted(director.iface(), vip, real, more);
    }

    private static String curl(Host client, String vip) {
        return client.exec("curl", "-sS", "--max-time", "5", "http://" + vip + "/").check().stdout().strip();
    }

    private static List<String> answers(Host client, String vip, int n) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(curl(client, vip));
        }
        return all;
    }

    private static ServerStatus server(DirectorStatus status, Host rs) {
        return status.services().getFirst().servers().stream()
                .filter(s -> s.address().getHostAddress().equals(rs.ip())).findFirst().orElse(null);
    }

    private static VrrpStatus instance(DirectorStatus status) {
        return status.vrrp().getFirst();
    }

    @Test
    void shouldApplyAReloadAsKeepalivedDoesWhileStayingMasterAndKeepingConnections() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "tshark");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            rs1.holdVipOnLoopback(vip);
            rs2.holdVipOnLoopback(vip);
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, config(director, vip, List.of(rs1), ""));
            Path adverts = dir.resolve("adverts.txt");
            Path tsharkLog = dir.resolve("tshark.log");
            Process tshark = client.netns().start(new ProcessBuilder("tshark", "-i", client.iface(), "-l",
                    "-f", "ip proto 112", "-T", "fields", "-e", "ip.src", "-e", "vrrp.prio")
                    .redirectOutput(adverts.toFile()).redirectError(tsharkLog.toFile()));
            try (NginxServer one = NginxServer.start(rs1, "nginx1", 80);
                    NginxServer two = NginxServer.start(rs2, "nginx2", 80);
                    DirectorProcess d = DirectorProcess.start(director, conf)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(tsharkLog).contains("Capturing on"));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> "MASTER".equals(instance(d.status()).state())
                                && client.exec("curl", "-sf", "--max-time", "2", "http://" + vip + "/").ok());
                long transitions = instance(d.status()).transitions();

                List<HeldConnection> held = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    HeldConnection c = HeldConnection.open(client.netns(), vip, 80);
                    held.add(c);
                    assertEquals("nginx1", c.ask(5000), "rs1 is the only server");
                }

                // rs2 joins: SIGHUP through ./lvs4j reload, which waits for the outcome
                Files.writeString(conf, config(director, vip, List.of(rs1, rs2), ""));
                Command.Result reload = d.cli("reload");
                assertEquals(0, reload.exitCode(), reload.toString());
                assertTrue(reload.stdout().contains("reloaded"), reload.stdout());
                assertTrue(d.alive(), "the director stays up");
                for (HeldConnection c : held) {
                    assertEquals("nginx1", c.ask(5000), "a held connection answers again from rs1");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    ServerStatus s = server(d.status(), rs2);
                    return s != null && s.weight() == 1;
                });
                List<String> fresh = answers(client, vip, 6);
                for (int i = 1; i < fresh.size(); i++) {
                    assertFalse(fresh.get(i).equals(fresh.get(i - 1)), "new connections alternate: " + fresh);
                }
                assertTrue(fresh.containsAll(List.of("nginx1", "nginx2")), fresh.toString());
                String table = d.cli("status").check().stdout();
                assertTrue(table.contains(rs1.ip() + ":80") && table.contains(rs2.ip() + ":80"), table);
                DirectorStatus afterAdd = d.status();
                assertEquals("MASTER", instance(afterAdd).state(), "still master");
                assertEquals(transitions, instance(afterAdd).transitions(), "no VRRP transition");

                // a file with an error: refused with file:line:column, the running configuration stays
                String broken = config(director, vip, List.of(rs1, rs2), "").replace("lb_algo rr", "lb_algo rr {");
                Files.writeString(conf, broken);
                Command.Result refused = d.cli("reload");
                assertEquals(1, refused.exitCode(), refused.toString());
                Matcher position = Pattern.compile(Pattern.quote(conf.toString()) + ":(\\d+):(\\d+): error: ")
                        .matcher(refused.stderr());
                assertTrue(position.find(), "file:line:column in " + refused.stderr());
                assertTrue(d.log().contains(position.group()), "and in the log");
                assertEquals(List.of("nginx1", "nginx2"), answers(client, vip, 4).stream().distinct().sorted().toList(),
                        "the old configuration serves on");

                // rs2 leaves: drained as IPVS does (expire_nodest_conn 0)
                HeldConnection onRs2 = null;
                for (int i = 0; i < 6 && onRs2 == null; i++) {
                    HeldConnection c = HeldConnection.open(client.netns(), vip, 80);
                    if ("nginx2".equals(c.ask(5000))) {
                        onRs2 = c;
                    } else {
                        held.add(c);
                    }
                }
                assertTrue(onRs2 != null, "a connection to rs2");
                Files.writeString(conf, config(director, vip, List.of(rs1), ""));
                d.sighup();
                await().atMost(Duration.ofSeconds(10)).until(() -> server(d.status(), rs2) == null);
                long dropped = d.status().counters().get("drop_destination_unavailable");
                onRs2.send();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> d.status().counters().get("drop_destination_unavailable") > dropped);
                assertEquals(0, onRs2.pending(), "the removed server's connection gets nothing through");
                String connections = d.cli("status", "-c").check().stdout();
                assertTrue(connections.contains(rs2.ip() + ":80"), "its entry is kept:\n" + connections);
                assertEquals(List.of("nginx1"), answers(client, vip, 4).stream().distinct().toList());
                for (HeldConnection c : held) {
                    assertEquals("nginx1", c.ask(5000), "rs1's connections go on");
                }
                assertEquals("MASTER", instance(d.status()).state());
                assertEquals(transitions, instance(d.status()).transitions(), "three reloads, no VRRP transition");

                List<String> heard = Files.readAllLines(adverts);
                assertTrue(heard.size() >= 5, "adverts heard: " + heard);
                for (String line : heard) {
                    assertEquals(director.ip() + "\t150", line, "only the director's adverts, never priority 0");
                }
                for (HeldConnection c : held) {
                    c.close();
                }
                onRs2.close();
                assertEquals(0, d.stop(), "a clean SIGTERM exits 0");
                String log = d.log();
                assertEquals(1, count(log, "VRRP_Instance(VI_1) Entering MASTER STATE"), "each transition logged once");
                assertFalse(log.contains("VRRP instance VI_1"), "no second, differently worded line");
                assertTrue(log.contains("Removing service [" + rs2.ip() + "]:tcp:80 from VS [" + vip + "]:tcp:80"),
                        "keepalived's words for the removed server");
            } finally {
                tshark.destroy();
                tshark.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldLoseNoRequestOfNewConnectionsAcrossTenReloads() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "wrk");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            rs1.holdVipOnLoopback(vip);
            rs2.holdVipOnLoopback(vip);
            String other = lab.address(201);
            // Reloads change weights, the scheduler and a second service (added, removed and
            // moved in front of the first), never the servers wrk reaches.
            List<String> versions = List.of(
                    config(director, vip, List.of(rs1, rs2), ""),
                    config(director, vip, List.of(rs1, rs2), "").replace("lb_algo rr", "lb_algo wrr")
                            .replaceFirst("weight 1", "weight 3"),
                    """
                    virtual_server %s 8080 {
                        lb_algo rr
                        lb_kind DR
                        protocol TCP
                        real_server %s 8080 {
                            weight 1
                        }
                    }
                    """.formatted(other, rs1.ip()) + config(director, vip, List.of(rs1, rs2), ""));
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, versions.getFirst());
            try (NginxServer one = NginxServer.start(rs1, "nginx1", 80);
                    NginxServer two = NginxServer.start(rs2, "nginx2", 80);
                    DirectorProcess d = DirectorProcess.start(director, conf)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> "MASTER".equals(instance(d.status()).state())
                                && answers(client, vip, 2).stream().distinct().count() == 2);
                Path wrkOut = dir.resolve("wrk.txt");
                Process wrk = client.netns().start(new ProcessBuilder("wrk", "-t2", "-c8", "-d20s", "--timeout", "5s",
                        "-H", "Connection: close", "http://" + vip + "/").redirectErrorStream(true)
                        .redirectOutput(wrkOut.toFile()));
                try {
                    for (int i = 1; i <= 10; i++) {
                        Files.writeString(conf, versions.get(i % versions.size()));
                        d.sighup();
                        JsonReload outcome = JsonReload.of(d);
                        // the reloads are spread over wrk's 20 s
                        assertTrue(outcome.ok(), "reload " + i + " applied: " + outcome.messages());
                        Thread.sleep(1000);
                    }
                    assertEquals(10, d.reloads());
                } finally {
                    assertTrue(wrk.waitFor(60, TimeUnit.SECONDS), "wrk ends within its time");
                }
                String report = Files.readString(wrkOut);
                System.out.println("[wrk across 10 reloads]\n" + report);
                Matcher requests = WRK_REQUESTS.matcher(report);
                assertTrue(requests.find(), report);
                assertTrue(Long.parseLong(requests.group(1)) > 1000, "wrk made requests: " + report);
                Matcher errors = WRK_ERRORS.matcher(report);
                if (errors.find()) {
                    assertEquals("0 0 0 0", errors.group(1) + " " + errors.group(2) + " " + errors.group(3) + " "
                            + errors.group(4), "no socket error: " + report);
                }
                assertFalse(report.contains("Non-2xx or 3xx responses"), report);
                assertTrue(d.alive());
                assertEquals("MASTER", instance(d.status()).state());
            }
        }
    }

    /** The outcome of the last reload, as the admin endpoint tells it. */
    private record JsonReload(boolean ok, String messages) {
        static JsonReload of(DirectorProcess d) throws Exception {
            var json = AdminJson.mapper().readTree(d.admin("/reload").check().stdout());
            return new JsonReload(json.get("ok").asBoolean(), json.get("messages").toString());
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }
}

package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.ServerStatus;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lvs4j run} changed at run time and run with the options a service needs, in
 * namespaces with real nginx behind a DR director: {@code ./lvs4j edit -e ... -w 0} drains a
 * server (no new connections, its connection served on), {@code -d} removes it, a reload puts
 * the configuration back; {@code --loops 2} spreads clients over two loops ({@code status
 * --loops}); {@code lvs_timeouts} sets the expiry {@code status -c} shows.
 */
class RuntimeChangesIT {

    private static final Pattern EXPIRE = Pattern.compile("TCP\\s+(\\d+):(\\d\\d)\\s+ESTABLISHED");

    @TempDir
    Path dir;

    private static String config(String vip, List<Host> servers, String globals) {
        StringBuilder real = new StringBuilder();
        for (Host rs : servers) {
            real.append("""
                        real_server %s 80 {
                            weight 1
                        }
                    """.formatted(rs.ip()));
        }
        return """
                global_defs {
                %3$s
                }
                virtual_server %1$s 80 {
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                %2$s}
                """.formatted(vip, real, globals);
    }

    private static String curl(Host client, String vip, String... more) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "5"));
        command.addAll(List.of(more));
        command.add("http://" + vip + "/");
        return client.exec(command.toArray(String[]::new)).check().stdout().strip();
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

    @Test
    void shouldDrainAServerWithWeightZeroRemoveItAndHaveAReloadPutItBack() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            rs1.holdVipOnLoopback(vip);
            rs2.holdVipOnLoopback(vip);
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, config(vip, List.of(rs1, rs2), ""));
            try (NginxServer one = NginxServer.start(rs1, "nginx1", 80);
                    NginxServer two = NginxServer.start(rs2, "nginx2", 80);
                    DirectorProcess d = DirectorProcess.start(lab.host("director"), conf)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> answers(client, vip, 2).stream().distinct().count() == 2);
                HeldConnection onRs2 = null;
                List<HeldConnection> others = new ArrayList<>();
                for (int i = 0; i < 6 && onRs2 == null; i++) {
                    HeldConnection c = HeldConnection.open(client.netns(), vip, 80);
                    if ("nginx2".equals(c.ask(5000))) {
                        onRs2 = c;
                    } else {
                        others.add(c);
                    }
                }
                assertTrue(onRs2 != null, "a connection to rs2");

                Command.Result quiesce = d.cli("edit", "-e", "-t", vip + ":80", "-r", rs2.ip() + ":80", "-w", "0");
                assertEquals(0, quiesce.exitCode(), quiesce.toString());
                assertEquals(0, server(d.status(), rs2).weight());
                assertEquals(List.of("nginx1"), answers(client, vip, 6).stream().distinct().toList(),
                        "no new connection to the drained server");
                assertEquals("nginx2", onRs2.ask(5000), "its connection is served on");
                String table = d.cli("status").check().stdout();
                assertTrue(Pattern.compile(Pattern.quote(rs2.ip() + ":80") + "\\s+Route\\s+0\\s").matcher(table).find(),
                        table);

                Command.Result delete = d.cli("edit", "-d", "-t", vip + ":80", "-r", rs2.ip());
                assertEquals(0, delete.exitCode(), delete.toString());
                assertNull(server(d.status(), rs2), "-d removes it");
                long dropped = d.status().counters().get("drop_destination_unavailable");
                onRs2.send();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> d.status().counters().get("drop_destination_unavailable") > dropped);
                assertEquals(0, onRs2.pending(),
                        "a removed server's connection gets nothing through (expire_nodest_conn 0)");

                Command.Result wrongMethod = d.cli("edit", "-a", "-t", vip + ":80", "-r", rs2.ip(), "-m");
                assertEquals(1, wrongMethod.exitCode(), "the service forwards by DR: " + wrongMethod);
                assertTrue(wrongMethod.stderr().contains("forwards by DIRECT_ROUTE"), wrongMethod.stderr());

                d.sighup();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    ServerStatus s = server(d.status(), rs2);
                    return s != null && s.weight() == 1;
                });
                assertEquals(2, answers(client, vip, 4).stream().distinct().count(),
                        "a reload replaces the runtime changes");
                onRs2.close();
                for (HeldConnection c : others) {
                    c.close();
                }
            }
        }
    }

    @Test
    void shouldSpreadClientsOverTwoLoopsAndExpireConnectionsAsLvsTimeoutsSays() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            Host rs1 = lab.host("rs1");
            rs1.holdVipOnLoopback(vip);
            List<String> sources = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String source = lab.address(50 + i);
                client.exec("ip", "addr", "add", source + "/32", "dev", client.iface()).check();
                sources.add(source);
            }
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, config(vip, List.of(rs1), "    lvs_timeouts tcp 7200 tcpfin 60 udp 300"));
            try (NginxServer one = NginxServer.start(rs1, "nginx1", 80);
                    DirectorProcess d = DirectorProcess.start(lab.host("director"), conf, "--loops", "2")) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> client.exec("curl", "-sf", "--max-time", "2", "http://" + vip + "/").ok());
                for (String source : sources) {
                    assertEquals("nginx1", curl(client, vip, "--interface", source));
                }
                String loops = d.cli("status", "--loops").check().stdout();
                System.out.println("[--loops 2] status --loops:\n" + loops);
                List<Long> perLoop = new ArrayList<>();
                for (String line : loops.strip().split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    if (f[0].matches("\\d+")) {
                        perLoop.add(Long.parseLong(f[2]));
                    }
                }
                assertEquals(2, perLoop.size(), loops);
                assertTrue(perLoop.get(0) > 0 && perLoop.get(1) > 0, "both loops took connections: " + loops);

                HeldConnection held = HeldConnection.open(client.netns(), vip, 80);
                assertEquals("nginx1", held.ask(5000));
                String listed = d.cli("status", "-c").check().stdout();
                Matcher m = EXPIRE.matcher(listed);
                assertTrue(m.find(), listed);
                long seconds = Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2));
                System.out.println("[lvs_timeouts tcp 7200] status -c:\n" + listed);
                assertTrue(seconds > 7000 && seconds <= 7200, "ESTABLISHED expires after lvs_timeouts tcp: " + listed);
                held.close();
            }
        }
    }
}

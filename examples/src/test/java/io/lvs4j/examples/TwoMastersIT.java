package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.ServiceStatus;
import io.lvs4j.core.status.VrrpStatus;
import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.lvs4j.examples.VipEvents.curl;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The usual active-active pair: two directors, each with two VRRP instances and two DR virtual
 * services; host A is master of VI_1 (VIP .10, served by rs1), host B of VI_2 (VIP .20, served by
 * rs2). Each director forwards only the service whose VIP its instance holds (its own counters
 * say so, and the client's neighbour table resolves each VIP to its master's MAC). SIGKILL of A:
 * B becomes master of both and serves both; A back: each VIP goes home.
 */
class TwoMastersIT {

    private static final int REQUESTS = 5;

    @Test
    void shouldServeEachVipFromItsOwnMasterAndBothFromTheSurvivor() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl");
        try (Lab lab = Lab.builder().host("client").host("a").host("b").host("rs1").host("rs2").build()) {
            String vip10 = lab.address(10);
            String vip20 = lab.address(20);
            Host client = lab.host("client");
            Host a = lab.host("a");
            Host b = lab.host("b");
            for (String rs : new String[] {"rs1", "rs2"}) {
                lab.host(rs).holdVipOnLoopback(vip10);
                lab.host(rs).exec("ip", "addr", "add", vip20 + "/32", "dev", "lo").check();
            }
            Path dir = Files.createTempDirectory("lvs4j-two-masters-");
            Path confA = config(dir, a, 100, 90, vip10, vip20, lab);
            Path confB = config(dir, b, 90, 100, vip10, vip20, lab);
            try (NginxServer rs1 = NginxServer.start(lab.host("rs1"), "rs1", 80);
                    NginxServer rs2 = NginxServer.start(lab.host("rs2"), "rs2", 80);
                    DirectorProcess directorA = DirectorProcess.start(a, confA);
                    DirectorProcess directorB = DirectorProcess.start(b, confB)) {
                awaitStates(directorA, "MASTER", "BACKUP");
                awaitStates(directorB, "BACKUP", "MASTER");
                awaitServed(client, vip10, vip20);
                Map<String, Long> beforeA = connections(directorA);
                Map<String, Long> beforeB = connections(directorB);
                requests(client, vip10, vip20);
                assertForwarded(directorA, beforeA, vip10, vip20);
                assertForwarded(directorB, beforeB, vip20, vip10);
                assertEquals(a.mac(), neighbour(client, vip10), "the client reaches .10 through A");
                assertEquals(b.mac(), neighbour(client, vip20), "the client reaches .20 through B");

                Command.run("kill", "-KILL", String.valueOf(directorA.pid())).check();
                await().atMost(20, TimeUnit.SECONDS).until(() -> !directorA.alive());
                awaitStates(directorB, "MASTER", "MASTER");
                awaitServed(client, vip10, vip20);
                Map<String, Long> survivor = connections(directorB);
                requests(client, vip10, vip20);
                Map<String, Long> after = connections(directorB);
                for (String vip : new String[] {vip10, vip20}) {
                    assertTrue(after.get(vip) - survivor.get(vip) >= REQUESTS, "B serves " + vip + ": " + after);
                }
                assertEquals(b.mac(), neighbour(client, vip10), "B announced .10 when it took it over");

                try (DirectorProcess again = DirectorProcess.start(a, confA)) {
                    awaitStates(again, "MASTER", "BACKUP");
                    awaitStates(directorB, "BACKUP", "MASTER");
                    awaitServed(client, vip10, vip20);
                    Map<String, Long> homeA = connections(again);
                    Map<String, Long> homeB = connections(directorB);
                    requests(client, vip10, vip20);
                    assertForwarded(again, homeA, vip10, vip20);
                    assertForwarded(directorB, homeB, vip20, vip10);
                    assertEquals(a.mac(), neighbour(client, vip10), "A announced .10 when it preempted");
                }
            }
        }
    }

    private static Path config(Path dir, Host host, int priority1, int priority2, String vip10, String vip20, Lab lab)
            throws IOException {
        StringBuilder conf = new StringBuilder();
        conf.append(instance("VI_1", 10, host, priority1, vip10)).append(instance("VI_2", 20, host, priority2, vip20));
        conf.append(service(vip10, lab.host("rs1").ip())).append(service(vip20, lab.host("rs2").ip()));
        Path file = dir.resolve("keepalived-" + host.role() + ".conf");
        Files.writeString(file, conf);
        return file;
    }

    private static String instance(String name, int vrid, Host host, int priority, String vip) {
        return """
                vrrp_instance %s {
                    state BACKUP
                    interface %s
                    virtual_router_id %d
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(name, host.iface(), vrid, priority, vip);
    }

    private static String service(String vip, String server) {
        return """
                virtual_server %s 80 {
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                    real_server %s 80 {
                        weight 1
                    }
                }
                """.formatted(vip, server);
    }

    private static void awaitStates(DirectorProcess director, String vi1, String vi2) {
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, String> states = new TreeMap<>();
            for (VrrpStatus v : director.status().vrrp()) {
                states.put(v.name(), v.state());
            }
            return vi1.equals(states.get("VI_1")) && vi2.equals(states.get("VI_2"));
        });
    }

    private static void awaitServed(Host client, String vip10, String vip20) {
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> "rs1".equals(curl(client, vip10)) && "rs2".equals(curl(client, vip20)));
    }

    private static void requests(Host client, String vip10, String vip20) {
        for (int i = 0; i < REQUESTS; i++) {
            assertEquals("rs1", curl(client, vip10));
            assertEquals("rs2", curl(client, vip20));
        }
    }

    /** Asserts the director forwarded the requests to its own VIP and none to the other's. */
    private static void assertForwarded(DirectorProcess director, Map<String, Long> before, String own, String other)
            throws IOException {
        Map<String, Long> after = connections(director);
        assertTrue(after.get(own) - before.get(own) >= REQUESTS, "forwards its own VIP " + own + ": " + after);
        assertEquals(before.get(other), after.get(other), "forwards nothing for the other's VIP " + other);
    }

    /** @return connections counted per virtual service address */
    private static Map<String, Long> connections(DirectorProcess director) throws IOException {
        DirectorStatus status = director.status();
        Map<String, Long> byVip = new TreeMap<>();
        for (ServiceStatus s : status.services()) {
            byVip.put(s.address().getHostAddress(), s.stats().connections());
        }
        return byVip;
    }

    /** @return the MAC address the client's neighbour table holds for an address */
    private static String neighbour(Host client, String address) {
        String line = client.exec("ip", "neigh", "show", address).stdout().strip();
        String[] words = line.split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("lladdr")) {
                return words[i + 1];
            }
        }
        return line;
    }
}

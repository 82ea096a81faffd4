package io.lvs4j.examples;

import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.NginxServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lvs4j.examples.VipEvents.curl;
import static io.lvs4j.examples.VipEvents.describe;
import static io.lvs4j.examples.VipEvents.holds;
import static io.lvs4j.examples.VipEvents.intervals;
import static io.lvs4j.examples.VipEvents.monitor;
import static io.lvs4j.examples.VipEvents.overlap;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The most common keepalived set-up, VRRP alone: two hosts running {@code ./lvs4j run} with a
 * floating address and no virtual server, each with its own nginx on 0.0.0.0:80. The master
 * holds the VIP on its kernel interface and the client reaches its nginx through it; SIGTERM of
 * the master hands the VIP to the other within a second; the first comes back and preempts. The
 * hosts' own address events ({@code ip -ts monitor address}) show that the two never held the
 * VIP at once but for the instant of a preemption, which VRRP allows (the returning master
 * announces itself as it takes over; the other gives up on that advert).
 */
class VrrpOnlyIT {

    @Test
    void shouldFloatAnAddressBetweenTwoHostsWithoutVirtualServers() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl");
        try (Lab lab = Lab.builder().host("client").host("a").host("b").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            Host a = lab.host("a");
            Host b = lab.host("b");
            List<Process> processes = new ArrayList<>();
            Path dir = Files.createTempDirectory("lvs4j-vrrp-only-");
            try (NginxServer na = NginxServer.start(a, "host-a", 80); NginxServer nb = NginxServer.start(b, "host-b", 80)) {
                Process monitorA = monitor(a, dir.resolve("a.events"));
                Process monitorB = monitor(b, dir.resolve("b.events"));
                processes.add(monitorA);
                processes.add(monitorB);
                Process runA = run(a, dir, vip, 100);
                processes.add(runA);
                // b starts once a is master: started together, either JVM may come up first, and
                // a b that wins the race holds the VIP until a preempts it (a third interval)
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> "host-a".equals(curl(client, vip)));
                Process runB = run(b, dir, vip, 90);
                processes.add(runB);
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> backupLogged(dir.resolve("b.log")));
                assertTrue(holds(a, vip), "the master holds the VIP on its interface");
                assertFalse(holds(b, vip), "the backup does not");

                runA.destroy(); // SIGTERM: a priority-0 advert, the VIP released
                assertTrue(runA.waitFor(20, TimeUnit.SECONDS));
                await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                        .until(() -> "host-b".equals(curl(client, vip)));
                assertFalse(holds(a, vip), "a stopped master leaves no address behind");

                Process again = run(a, dir, vip, 100);
                processes.add(again);
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> "host-a".equals(curl(client, vip)) && !holds(b, vip));
                again.destroy();
                assertTrue(again.waitFor(20, TimeUnit.SECONDS));
                await().atMost(10, TimeUnit.SECONDS).until(() -> holds(b, vip));
                runB.destroy();
                assertTrue(runB.waitFor(20, TimeUnit.SECONDS));
                assertFalse(holds(b, vip));
            } finally {
                for (Process p : processes) {
                    p.destroy();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
            List<long[]> heldA = intervals(dir.resolve("a.events"), vip);
            List<long[]> heldB = intervals(dir.resolve("b.events"), vip);
            System.out.println("VIP held by a: " + describe(heldA) + "; by b: " + describe(heldB));
            assertEquals(2, heldA.size(), "a held it twice: at first and after preempting");
            assertEquals(2, heldB.size(), "b held it twice: after each stop of a");
            long handOver = heldB.get(0)[0] - heldA.get(0)[1];
            System.out.println("SIGTERM hand-over: a released, b took the VIP " + handOver + " ms later");
            assertTrue(handOver >= 0 && handOver <= 1000, "b holds the VIP within 1 s of a's release: " + handOver);
            long overlap = overlap(heldA, heldB);
            System.out.println("longest time both held the VIP: " + overlap + " ms");
            assertTrue(overlap <= 250, "both held the VIP only for the instant of the preemption: " + overlap + " ms");
        }
    }

    private static Process run(Host host, Path dir, String vip, int priority) throws IOException {
        Path conf = dir.resolve("keepalived-" + host.role() + ".conf");
        Files.writeString(conf, """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface %s
                    virtual_router_id 51
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(host.iface(), priority, vip));
        Path log = dir.resolve(host.role() + ".log");
        return host.netns().start(new ProcessBuilder(DirectorProcess.command("192m", conf, "--admin", "none")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    }

    /** @return whether b's director has its VRRP router running (it starts as a backup) */
    private static boolean backupLogged(Path log) throws IOException {
        return Files.exists(log) && Files.readString(log).contains("VRRP router on");
    }
}

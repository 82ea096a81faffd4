package io.lvs4j.examples;

import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
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
 * A VRRP-only {@code ./lvs4j run} with real keepalived as its peer, each host with its own nginx
 * on 0.0.0.0:80: whichever holds the VIP has it on its kernel interface and the client reaches
 * that host's nginx through it. The higher-priority side starts first and serves; SIGTERM of it
 * hands the VIP to the other; its return preempts. Run both ways round (lvs4j 100 / keepalived
 * 90 and the reverse); the backup stays a backup past its master-down interval while the
 * master runs; the hosts' address events show the two never held the VIP at once but
 * for the instant of a preemption.
 */
class KeepalivedPeerIT {

    @Test
    void shouldBeBackedUpByKeepalived() throws Exception {
        failOverBothWays(100, 90);
    }

    @Test
    void shouldBackUpKeepalived() throws Exception {
        failOverBothWays(90, 100);
    }

    private static void failOverBothWays(int lvsPriority, int keepalivedPriority) throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl", "keepalived");
        try (Lab lab = Lab.builder().host("client").host("lvs").host("ka").build()) {
            String vip = lab.address(200);
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            Host ka = lab.host("ka");
            boolean lvsFirst = lvsPriority > keepalivedPriority;
            Host high = lvsFirst ? lvs : ka;
            Host low = lvsFirst ? ka : lvs;
            List<Process> processes = new ArrayList<>();
            Path dir = Files.createTempDirectory("lvs4j-keepalived-peer-");
            try (NginxServer nl = NginxServer.start(lvs, "lvs", 80); NginxServer nk = NginxServer.start(ka, "ka", 80)) {
                processes.add(monitor(lvs, dir.resolve("lvs.events")));
                processes.add(monitor(ka, dir.resolve("ka.events")));
                Process first = start(high, dir, vip, lvsFirst ? lvsPriority : keepalivedPriority);
                processes.add(first);
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> high.role().equals(curl(client, vip)));
                Process second = start(low, dir, vip, lvsFirst ? keepalivedPriority : lvsPriority);
                processes.add(second);
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> backupLogged(low, dir));
                // past the backup's master-down interval (3 adverts and its skew): it hears the master
                await().during(Duration.ofSeconds(4)).atMost(10, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> holds(high, vip) && !holds(low, vip) && high.role().equals(curl(client, vip)));

                first.destroy(); // SIGTERM: a priority-0 advert, the VIP released
                assertTrue(first.waitFor(20, TimeUnit.SECONDS));
                await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                        .until(() -> low.role().equals(curl(client, vip)));
                assertFalse(holds(high, vip), "a stopped master leaves no address behind");

                Process again = start(high, dir, vip, lvsFirst ? lvsPriority : keepalivedPriority);
                processes.add(again);
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> high.role().equals(curl(client, vip)) && !holds(low, vip));
                again.destroy();
                assertTrue(again.waitFor(20, TimeUnit.SECONDS));
                await().atMost(10, TimeUnit.SECONDS).until(() -> holds(low, vip));
                second.destroy();
                assertTrue(second.waitFor(20, TimeUnit.SECONDS));
                assertFalse(holds(low, vip), "a stopped backup-turned-master leaves no address behind");
            } finally {
                for (Process p : processes) {
                    p.destroy();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
                for (String role : List.of("lvs", "ka")) {
                    Path log = dir.resolve(role + ".log");
                    if (Files.exists(log)) {
                        System.out.println("---- " + role + " log ----\n" + Files.readString(log));
                    }
                }
            }
            List<long[]> heldHigh = intervals(dir.resolve(high.role() + ".events"), vip);
            List<long[]> heldLow = intervals(dir.resolve(low.role() + ".events"), vip);
            System.out.println("VIP held by " + high.role() + " (priority " + Math.max(lvsPriority, keepalivedPriority)
                    + "): " + describe(heldHigh) + "; by " + low.role() + ": " + describe(heldLow));
            assertEquals(2, heldHigh.size(), "the higher priority held it twice: at first and after preempting");
            assertEquals(2, heldLow.size(), "the lower priority held it twice: after each stop of the other");
            long handOver = heldLow.get(0)[0] - heldHigh.get(0)[1];
            System.out.println("SIGTERM hand-over: " + high.role() + " released, " + low.role() + " took the VIP "
                    + handOver + " ms later");
            assertTrue(handOver >= 0 && handOver <= 1000, "the backup holds the VIP within 1 s: " + handOver);
            long overlap = overlap(heldHigh, heldLow);
            System.out.println("longest time both held the VIP: " + overlap + " ms");
            assertTrue(overlap <= 250, "both held the VIP only for the instant of the preemption: " + overlap + " ms");
        }
    }

    /** Starts {@code ./lvs4j run} on the lvs host or keepalived on the ka host, appending to ROLE.log. */
    private static Process start(Host host, Path dir, String vip, int priority) throws IOException {
        Path log = dir.resolve(host.role() + ".log");
        Path conf = dir.resolve(host.role() + ".conf");
        String instance = """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface %s
                    virtual_router_id 51
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24 dev %s
                    }
                }
                """.formatted(host.iface(), priority, vip, host.iface());
        ProcessBuilder pb;
        if (host.role().equals("lvs")) {
            Files.writeString(conf, instance);
            pb = new ProcessBuilder(DirectorProcess.command("192m", conf, "--admin", "none"));
        } else {
            Files.writeString(conf, "global_defs {\n    router_id ka\n}\n" + instance);
            pb = new ProcessBuilder(VipEvents.keepalived(conf, dir));
        }
        return host.netns().start(pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    }

    /** @return whether the lower-priority side runs as a backup, as its log tells */
    private static boolean backupLogged(Host host, Path dir) throws IOException {
        Path log = dir.resolve(host.role() + ".log");
        return Files.exists(log) && Files.readString(log).contains(host.role().equals("lvs") ? "VRRP router on"
                : "Entering BACKUP STATE");
    }
}

package io.lvs4j.examples;

import io.lvs4j.lab.Host;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VRRP-only IPv6 instance of {@code ./lvs4j run} with no {@code mcast_src_ip}: lvs4j takes its
 * interface's link-local address as the adverts' source (RFC 5798 5.1.1.1), and real keepalived
 * accepts them. lvs4j (priority 100) holds 2001:db8::200 on its kernel interface while keepalived
 * (90) stays its backup past the master-down interval; SIGTERM of lvs4j hands the VIP to
 * keepalived; lvs4j's return preempts it. The client's neighbour table (after a ping) tells which
 * host answers for the VIP.
 */
class KeepalivedIpv6PeerIT {

    private static final String VIP = "2001:db8::200";
    private static final Pattern LINK_LOCAL = Pattern.compile("inet6 (fe80::[0-9a-f:]+)/64 scope link(?! tentative)");
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");

    @Test
    void shouldInteroperateWithKeepalivedOverIpv6WithoutMcastSrcIp() throws Exception {
        NetnsGuard.assumeNetns("keepalived", "ping");
        try (Lab lab = Lab.builder().host("client").host("lvs").host("ka").build()) {
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            Host ka = lab.host("ka");
            client.exec("ip", "-6", "addr", "add", "2001:db8::11/64", "dev", client.iface(), "nodad").check();
            String lvsLinkLocal = linkLocal(lvs);
            linkLocal(ka);
            Path dir = Files.createTempDirectory("lvs4j-keepalived-ipv6-");
            List<Process> processes = new ArrayList<>();
            try {
                Process first = start(lvs, dir, 100);
                processes.add(first);
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> holds(lvs) && lvs.mac().equals(neighbourOwner(client)));
                Process keepalived = start(ka, dir, 90);
                processes.add(keepalived);
                await().atMost(30, TimeUnit.SECONDS).until(() -> log(dir, ka).contains("Entering BACKUP STATE"));
                // keepalived hears lvs4j's adverts from its link-local address: it stays backup past
                // its master-down interval (3 adverts and its skew)
                await().during(Duration.ofSeconds(4)).atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> holds(lvs) && !holds(ka));
                assertTrue(keepalived.isAlive(), log(dir, ka));

                first.destroy(); // SIGTERM: a priority-0 advert, the VIP released
                assertTrue(first.waitFor(20, TimeUnit.SECONDS));
                assertFalse(holds(lvs), "a stopped master leaves no address behind");
                await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                        .until(() -> holds(ka) && ka.mac().equals(neighbourOwner(client)));

                Process again = start(lvs, dir, 100);
                processes.add(again);
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> holds(lvs) && !holds(ka) && lvs.mac().equals(neighbourOwner(client)));
                // keepalived, master, took lvs4j's advert from its link-local address and gave way
                assertTrue(log(dir, ka).contains("received advert from " + lvsLinkLocal + " with higher priority 100"),
                        log(dir, ka));
                assertTrue(keepalived.isAlive(), log(dir, ka));
            } finally {
                for (Process p : processes) {
                    p.destroy();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
                for (Host h : List.of(lvs, ka)) {
                    System.out.println("---- " + h.role() + " log ----\n" + log(dir, h));
                }
            }
            assertFalse(holds(lvs));
            assertFalse(holds(ka));
        }
    }

    private static Process start(Host host, Path dir, int priority) throws IOException {
        Path log = dir.resolve(host.role() + ".log");
        Path conf = dir.resolve(host.role() + ".conf");
        String instance = """
                vrrp_instance VI_6 {
                    state BACKUP
                    interface %s
                    version 3
                    virtual_router_id 61
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/64 dev %s nodad
                    }
                }
                """.formatted(host.iface(), priority, VIP, host.iface());
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

    private static String log(Path dir, Host host) throws IOException {
        Path log = dir.resolve(host.role() + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static boolean holds(Host host) {
        return host.exec("ip", "-o", "-6", "addr", "show", "dev", host.iface()).stdout().contains(" " + VIP + "/64 ");
    }

    /** Waits until the host's link-local address has passed duplicate address detection. */
    private static String linkLocal(Host host) {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Matcher m = LINK_LOCAL.matcher(host.exec("ip", "-6", "-o", "addr", "show", "dev", host.iface()).stdout());
            if (m.find()) {
                found[0] = m.group(1);
                return true;
            }
            return false;
        });
        return found[0];
    }

    private static String neighbourOwner(Host client) {
        client.exec("ip", "-6", "neigh", "flush", "to", VIP, "dev", client.iface());
        client.exec("ping", "-6", "-c", "1", "-W", "0.3", VIP);
        Matcher m = LLADDR.matcher(client.exec("ip", "-6", "neigh", "show", "to", VIP, "dev", client.iface()).stdout());
        return m.find() ? m.group(1) : "";
    }
}

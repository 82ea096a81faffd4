package io.lvs4j.examples;

import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.ServerHealth;
import io.lvs4j.core.status.ServerStatus;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lvs4j run --transport xdp} on a NAT service: its TCP health checks of the NAT real
 * servers pass (their replies go to the director's own address, which the XDP program leaves to
 * the kernel, though they come from NAT servers), {@code status} names the transport, a
 * {@code kill -9} leaves no XDP program on the interface (the kernel releases the BPF link with
 * the dead process's descriptors) and a restart attaches again natively, with nothing stale to
 * clean.
 */
class XdpRunIT {

    @TempDir
    Path dir;

    @Test
    void shouldRunOnAfXdpAndLeaveNoProgramBehindAKill() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl");
        try (Lab lab = Lab.builder().host("director").host("rs1").host("rs2").build()) {
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, config(lab.address(200), List.of(rs1, rs2)));
            String[] options = {"--transport", "xdp", "--loops", "2"};
            try (NginxServer one = NginxServer.start(rs1, "nginx1", 80);
                    NginxServer two = NginxServer.start(rs2, "nginx2", 80)) {
                DirectorProcess first = DirectorProcess.start(director, conf, options);
                try {
                    awaitHealthy(first, rs1, rs2);
                    String status = first.cli("status").check().stdout();
                    assertTrue(status.contains("Transport: AF_XDP (native mode)"), status);
                    assertTrue(first.status().counters().get("xdp_native") == 1L);
                    assertTrue(first.log().contains("transport xdp (native)"), first.log());
                    assertTrue(link(director).contains("prog/xdp"), link(director));
                    first.kill();
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                            .until(() -> !link(director).contains("xdp"));
                } finally {
                    first.kill();
                    System.out.println("---- first director's log ----\n" + first.log());
                }
                try (DirectorProcess second = DirectorProcess.start(director, conf, options)) {
                    awaitHealthy(second, rs1, rs2);
                    assertTrue(second.log().contains("transport xdp (native)"), second.log());
                    assertTrue(link(director).contains("prog/xdp"), link(director));
                    assertEquals(0, second.stop(), "a clean SIGTERM exits 0");
                }
                assertFalse(link(director).contains("xdp"), "detached on stop: " + link(director));
            }
        }
    }

    private static void awaitHealthy(DirectorProcess d, Host... servers) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            DirectorStatus status = d.status();
            for (Host rs : servers) {
                ServerStatus s = status.services().getFirst().servers().stream()
                        .filter(x -> x.address().getHostAddress().equals(rs.ip())).findFirst().orElse(null);
                if (s == null || s.health() != ServerHealth.UP) {
                    return false;
                }
            }
            return true;
        });
    }

    private static String link(Host director) {
        return director.exec("ip", "-d", "link", "show", "dev", director.iface()).check().stdout();
    }

    private static String config(String vip, List<Host> servers) {
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
                virtual_server %1$s 80 {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                %2$s}
                """.formatted(vip, real);
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.vrrp.VrrpState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keepalived's {@code weight 0 reverse}, {@code ha_suspend} and {@code omega} on a
 * {@link Director} from a keepalived.conf in a namespace: a tracked script with
 * {@code weight 0 reverse} holds the instance in FAULT while it succeeds; while the director does
 * not serve the VIP the service's checks are suspended and none runs, they run once it is
 * master; at the director's close the live server's {@code notify_down} and the service's
 * {@code quorum_down} run.
 */
class DirectorKeywordsIT {

    @Test
    void shouldFaultOnAReversedScriptSuspendChecksWhileNotServingAndNotifyAtCloseWithOmega(@TempDir Path dir)
            throws Exception {
        NetnsGuard.assumeNetns();
        Path hold = Files.createFile(dir.resolve("hold"));
        Path checks = dir.resolve("checks");
        Path notified = dir.resolve("notified");
        try (Lab lab = Lab.builder().host("director").build()) {
            Host director = lab.host("director");
            String conf = """
                    vrrp_script chk_hold {
                        script "/bin/test -f %1$s"
                        interval 1
                        weight 0 reverse
                    }
                    vrrp_instance VI_1 {
                        interface %2$s
                        virtual_router_id 62
                        priority 100
                        advert_int 1
                        virtual_ipaddress { %3$s }
                        track_script {
                            chk_hold
                        }
                    }
                    virtual_server %3$s 80 {
                        lb_kind DR
                        delay_loop 1
                        ha_suspend
                        omega
                        quorum_down "/bin/sh -c 'echo quorum_down >> %5$s'"
                        real_server %4$s 80 {
                            notify_down "/bin/sh -c 'echo notify_down >> %5$s'"
                            MISC_CHECK {
                                misc_path "/bin/sh -c 'echo check >> %6$s'"
                            }
                        }
                    }
                    """.formatted(hold, director.iface(), lab.address(200), lab.address(201), notified, checks);
            DirectorConfig config = KeepalivedConfigParser.create().parse(Path.of("director.conf"), conf).config();
            RealServer server = RealServer.of(java.net.InetAddress.ofLiteral(lab.address(201)), 80, 1);
            try (Director d = director.netns().call(() -> Director.fromConfig(config, null).build().start())) {
                VirtualServiceHealth health = d.running().healths().getFirst();
                await().atMost(10, TimeUnit.SECONDS).until(() -> d.state("VI_1") == VrrpState.FAULT);
                assertTrue(health.suspended(), "not serving the VIP: the checks are suspended");
                assertEquals(0, health.attempts(server), "and none ran");
                assertFalse(Files.exists(checks));

                Files.delete(hold);
                await().atMost(15, TimeUnit.SECONDS).until(() -> d.state("VI_1") == VrrpState.MASTER);
                await().atMost(10, TimeUnit.SECONDS).until(() -> !health.suspended());
                await().atMost(10, TimeUnit.SECONDS).until(() -> lines(checks).size() >= 2);
                assertTrue(health.isUp(server));

                Files.createFile(hold);
                await().atMost(10, TimeUnit.SECONDS).until(() -> d.state("VI_1") == VrrpState.FAULT);
                await().atMost(10, TimeUnit.SECONDS).until(health::suspended);
                assertTrue(health.isUp(server), "suspended, the server stays as its last check left it");
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> lines(notified).size() == 2);
            assertEquals(List.of("notify_down", "quorum_down"), lines(notified).stream().sorted().toList(),
                    "omega: the live server's notify_down and the quorum_down ran at close");
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}

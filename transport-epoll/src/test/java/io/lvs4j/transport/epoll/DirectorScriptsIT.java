package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
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
 * A {@link Director} from a keepalived.conf in a namespace runs the configuration's
 * {@code vrrp_script}s and notify scripts as keepalived does: a failing tracked script with a
 * negative weight lowers the priority, one with weight 0 puts the instance in FAULT, and
 * {@code notify_master} and {@code notify_fault} run on the transitions. Needs the failing
 * script results to wake the router's timers: leaving FAULT starts the master-down timer.
 */
class DirectorScriptsIT {

    @Test
    void shouldLowerThePriorityAndFaultOnFailingTrackScriptsAndRunTheNotifyScripts(@TempDir Path dir)
            throws Exception {
        NetnsGuard.assumeNetns();
        Path weighted = Files.createFile(dir.resolve("weighted-ok"));
        Path vital = Files.createFile(dir.resolve("vital-ok"));
        Path notified = dir.resolve("notified");
        try (Lab lab = Lab.builder().host("director").build()) {
            Host director = lab.host("director");
            String conf = """
                    vrrp_script chk_weighted {
                        script "/bin/test -f %1$s"
                        interval 1
                        weight -30
                    }
                    vrrp_script chk_vital {
                        script "/bin/test -f %2$s"
                        interval 1
                        fall 2
                        weight 0
                    }
                    vrrp_instance VI_1 {
                        interface %3$s
                        virtual_router_id 61
                        priority 100
                        advert_int 1
                        virtual_ipaddress { %4$s }
                        track_script {
                            chk_weighted
                            chk_vital
                        }
                        notify_master "/bin/sh -c 'echo master >> %5$s'"
                        notify_fault "/bin/sh -c 'echo fault >> %5$s'"
                    }
                    virtual_server %4$s 80 {
                        lb_kind DR
                        real_server %6$s 80 { }
                    }
                    """.formatted(weighted, vital, director.iface(), lab.address(200), notified,
                    lab.address(201));
            DirectorConfig config = KeepalivedConfigParser.create().parse(Path.of("director.conf"), conf).config();
            try (Director d = director.netns().call(() -> Director.fromConfig(config, null).build().start())) {
                // the vital script starts failed, so the instance starts in FAULT (notify_fault
                // runs) and leaves it on the script's first success
                await().atMost(15, TimeUnit.SECONDS).until(() -> d.state("VI_1") == VrrpState.MASTER);
                await().atMost(10, TimeUnit.SECONDS).until(() -> lines(notified).equals(List.of("fault", "master")));
                assertEquals(100, d.priority("VI_1"), "both scripts succeed: the configured priority");
                assertTrue(d.serving());

                Files.delete(weighted);
                await().atMost(10, TimeUnit.SECONDS).until(() -> d.priority("VI_1") == 70);
                assertEquals(VrrpState.MASTER, d.state("VI_1"), "alone on the link, it stays master at 70");

                Files.delete(vital);
                await().atMost(10, TimeUnit.SECONDS).until(() -> d.state("VI_1") == VrrpState.FAULT);
                await().atMost(10, TimeUnit.SECONDS).until(() -> lines(notified).equals(List.of("fault", "master", "fault")));
                assertFalse(d.serving(), "a faulted instance releases the VIP");

                Files.createFile(vital);
                Files.createFile(weighted);
                await().atMost(15, TimeUnit.SECONDS).until(() -> d.state("VI_1") == VrrpState.MASTER);
                await().atMost(10, TimeUnit.SECONDS)
                        .until(() -> lines(notified).equals(List.of("fault", "master", "fault", "master")));
                assertEquals(100, d.priority("VI_1"));
            }
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}

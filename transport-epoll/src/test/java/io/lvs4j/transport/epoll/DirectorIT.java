package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole {@link Director} from a keepalived.conf in namespaces, without VRRP: TCP_CHECK
 * removes a stopped real server from the data path and puts it back, and the server gets
 * traffic again.
 */
class DirectorIT {

    @Test
    void shouldStopAndResumeForwardingToARealServerAsItsHealthCheckFailsAndRecovers() throws Exception {
        NetnsGuard.assumeNetns("curl");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            String vip = lab.address(200);
            rs1.holdVipOnLoopback(vip);
            rs2.holdVipOnLoopback(vip);
            String conf = """
                    virtual_server %1$s 80 {
                        delay_loop 1
                        lb_algo rr
                        lb_kind DR
                        protocol TCP
                        real_server %2$s 80 {
                            TCP_CHECK {
                                connect_timeout 1
                                retry 0
                            }
                        }
                        real_server %3$s 80 {
                            TCP_CHECK {
                                connect_timeout 1
                                retry 0
                            }
                        }
                    }
                    """.formatted(vip, rs1.ip(), rs2.ip());
            DirectorConfig config = KeepalivedConfigParser.create().parse(Path.of("director.conf"), conf).config();
            NamedHttpServer one = NamedHttpServer.start(rs1, "nginx1", 80);
            NamedHttpServer two = NamedHttpServer.start(rs2, "nginx2", 80);
            try (Director d = director.netns().call(() -> Director.fromConfig(config, director.iface()).build()
                    .start())) {
                VirtualService vs = d.services().getFirst();
                assertTrue(d.serving(), "no VRRP: serves from start");
                await().atMost(10, TimeUnit.SECONDS).until(() -> vs.destinations().size() == 2
                        && d.dataPath().resolved(InetAddress.getByName(rs1.ip()))
                        && d.dataPath().resolved(InetAddress.getByName(rs2.ip())));
                assertEquals(Set.of("nginx1", "nginx2"), answers(client, vip, 4));

                two.close();
                await().atMost(15, TimeUnit.SECONDS).until(() -> vs.destinations().size() == 1);
                assertEquals(Set.of("nginx1"), answers(client, vip, 4), "the stopped server gets no new connection");
                List<ConnectionEntry> entries = d.dataPath().connections();
                assertTrue(entries.stream().anyMatch(e -> e.destination().getHostAddress().equals(rs2.ip())),
                        "the removed server's connections keep their entries: " + entries);

                two = NamedHttpServer.start(rs2, "nginx2", 80);
                await().atMost(15, TimeUnit.SECONDS).until(() -> vs.destinations().size() == 2);
                assertEquals(Set.of("nginx1", "nginx2"), answers(client, vip, 4),
                        "the server back up gets traffic again");
            } finally {
                one.close();
                two.close();
            }
        }
    }

    private static Set<String> answers(Host client, String vip, int n) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(client.exec("curl", "-sS", "-m", "5", "http://" + vip + "/").check().stdout().strip());
        }
        return new HashSet<>(all);
    }
}

package io.lvs4j.examples;

import io.lvs4j.core.status.ServiceStatus;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static io.lvs4j.examples.VipEvents.curl;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lvs4j run} with a {@code virtual_server group} over a range of three VIPs: each VIP is
 * a service of its own (as {@code ipvsadm -Ln} would list it) with the block's DR real servers,
 * and the client reaches both nginx servers through every one of them.
 */
class VirtualServerGroupIT {

    @Test
    void shouldForwardEveryMemberOfTheGroupToTheSharedRealServers() throws Exception {
        NetnsGuard.assumeNetns("nginx", "curl");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            List<String> vips = List.of(lab.address(200), lab.address(201), lab.address(202));
            Host client = lab.host("client");
            for (String rs : new String[] {"rs1", "rs2"}) {
                lab.host(rs).holdVipOnLoopback(vips.getFirst());
                for (String vip : vips.subList(1, vips.size())) {
                    lab.host(rs).exec("ip", "addr", "add", vip + "/32", "dev", "lo").check();
                }
            }
            Path conf = Files.createTempFile("lvs4j-group-", ".conf");
            Files.writeString(conf, """
                    virtual_server_group WEB {
                        %s-202 80
                    }
                    virtual_server group WEB {
                        lb_algo rr
                        lb_kind DR
                        protocol TCP
                        real_server %s 80 {
                            TCP_CHECK {
                                connect_timeout 1
                            }
                        }
                        real_server %s 80 {
                            TCP_CHECK {
                                connect_timeout 1
                            }
                        }
                    }
                    """.formatted(vips.getFirst(), lab.host("rs1").ip(), lab.host("rs2").ip()));
            try (NginxServer rs1 = NginxServer.start(lab.host("rs1"), "rs1", 80);
                    NginxServer rs2 = NginxServer.start(lab.host("rs2"), "rs2", 80);
                    DirectorProcess director = DirectorProcess.start(lab.host("director"), conf)) {
                for (String vip : vips) {
                    Set<String> answered = new TreeSet<>();
                    await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> {
                        String body = curl(client, vip);
                        if (body != null) {
                            answered.add(body);
                        }
                        return answered.size() == 2;
                    });
                    assertEquals(Set.of("rs1", "rs2"), answered, "both real servers behind " + vip);
                }
                Map<String, Long> connections = new TreeMap<>();
                for (ServiceStatus s : director.status().services()) {
                    connections.put(s.address().getHostAddress() + ":" + s.port(), s.stats().connections());
                    assertEquals(2, s.servers().size(), "the group's real servers in " + s.address());
                }
                System.out.println("connections per member of the group: " + connections);
                assertEquals(Set.of(vips.get(0) + ":80", vips.get(1) + ":80", vips.get(2) + ":80"), connections.keySet());
                for (long c : connections.values()) {
                    assertTrue(c >= 2, "each member forwarded its own connections: " + connections);
                }
            }
        }
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.testkit.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.internal.FanoutProgram;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 full-NAT end to end in namespaces, over two event loops: a client in 2001:db8:7::/64
 * (default route through the director's 2001:db8:7::1) and two nginx real servers in
 * 2001:db8:6::/64 with no route at all to the client's prefix; the director's local address
 * 2001:db8:6::fe is on no kernel interface (owned through Neighbor Discovery), so the real
 * servers answer it and the director rewrites their replies for the client.
 */
class FullNatDirectorIpv6IT {

    private static final String CLIENT = "2001:db8:7::11";
    private static final String CLIENT_GATEWAY = "2001:db8:7::1";
    private static final String LADDR = "2001:db8:6::fe";
    private static final int BIG = 12 << 20;

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("curl", "nginx", "sha256sum");
        loops = PacketSocketGroup.newEventLoopGroup(2);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldServeIpv6ClientsThroughServersWithoutRouteToThemOverTwoLoops() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            client.exec("ip", "-6", "addr", "flush", "dev", client.iface(), "scope", "global").check();
            client.exec("ip", "-6", "addr", "add", CLIENT + "/64", "dev", client.iface(), "nodad").check();
            client.exec("ip", "-6", "route", "add", "default", "via", CLIENT_GATEWAY).check();
            director.exec("ip", "-6", "addr", "add", CLIENT_GATEWAY + "/64", "dev", director.iface(), "nodad").check();
            for (Host rs : List.of(rs1, rs2)) {
                assertFalse(rs.exec("ip", "-6", "route", "get", CLIENT).ok(), rs.role() + " has no route to the client");
            }
            String vip = Ipv6Lab.vip(0x200);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(v6.address(rs1)), 80, 1));
            vs.addRealServer(RealServer.of(InetAddress.getByName(v6.address(rs2)), 80, 1));
            try (DownloadServer one = DownloadServer.start(rs1, "nginx1", 80, BIG, 9);
                    DownloadServer two = DownloadServer.start(rs2, "nginx2", 80, BIG, 9);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface())
                            .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(director)))
                            .loops(loops).virtualService(vs, Forwarding.fullNat())
                            .localAddresses(InetAddress.getByName(LADDR)).gratuitousArp(3, Duration.ofMillis(100))
                            .neighbourRefresh(Duration.ofSeconds(2)).build().start())) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(v6.address(rs1)))
                        && dr.resolved(InetAddress.getByName(v6.address(rs2))));

                String url = "http://[" + vip + "]/";
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    names.add(client.exec("curl", "-6", "-sS", "-m", "5", "-g", url).check().stdout().strip());
                }
                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), names);
                for (int i = 0; i < 2; i++) {
                    String sum = client.netns().exec(Duration.ofSeconds(60), "sh", "-c",
                            "curl -6 -sS -m 50 -g 'http://[" + vip + "]/big.bin' | sha256sum").check().stdout();
                    assertEquals(one.sha256(), sum.split(" ")[0], "download " + i);
                }
                assertEquals(one.sha256(), two.sha256());

                // Eight more client addresses, steered to both loops: each loop's connections take
                // local ports of its residue, and the replies must come back to it.
                Set<Integer> loopsUsed = new HashSet<>();
                Map<String, Integer> answers = new HashMap<>();
                for (int n = 0x150; n < 0x158; n++) {
                    String address = "2001:db8:7::" + Integer.toHexString(n);
                    client.exec("ip", "-6", "addr", "add", address + "/64", "dev", client.iface(), "nodad").check();
                    loopsUsed.add(FanoutProgram.socketOf(n, 2));
                    for (int i = 0; i < 2; i++) {
                        answers.merge(client.exec("curl", "-6", "-sS", "-m", "5", "-g", "--interface", address, url)
                                .check().stdout().strip(), 1, Integer::sum);
                    }
                }
                assertEquals(Set.of(0, 1), loopsUsed, "the clients' addresses steer to both loops");
                assertEquals(Map.of("nginx1", 8, "nginx2", 8), answers);

                int opened = 4 + 2 + 16;
                assertEquals(opened, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                assertTrue(dr.counter(DirectorCounter.FULL_NAT_REPLIES_FORWARDED) > opened * 2);
                assertTrue(dr.counter(DirectorCounter.NEIGHBOUR_ADVERTISEMENTS) >= 1,
                        "the real servers resolved the local address through the director");
                for (ConnectionEntry e : dr.connections()) {
                    assertEquals(InetAddress.getByName(vip), e.virtualAddress());
                }
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertEquals(0, dr.counter(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED));
                assertEquals(0, dr.socketStatistics().txErrors());
            }
        }
    }
}

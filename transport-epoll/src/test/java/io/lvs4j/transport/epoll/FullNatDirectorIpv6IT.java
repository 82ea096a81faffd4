package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    private static final String CLIENT = Ipv6Lab.CLIENT_PREFIX + "11";
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
            assertEquals(CLIENT, Ipv6Lab.routeClientThroughDirector(client, director));
            for (Host rs : List.of(rs1, rs2)) {
                assertFalse(rs.exec("ip", "-6", "route", "get", CLIENT).ok(), rs.role() + " has no route to the client");
            }
            String vip = Ipv6Lab.vip(0x200);
            VirtualService vs = Ipv6Lab.service(Protocol.TCP, vip, 80, 80, v6.addresses(rs1, rs2));
            try (DownloadServer one = DownloadServer.start(rs1, "nginx1", 80, BIG, 9);
                    DownloadServer two = DownloadServer.start(rs2, "nginx2", 80, BIG, 9);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface())
                            .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(director)))
                            .loops(loops).virtualService(vs, Forwarding.fullNat())
                            .localAddresses(InetAddress.getByName(LADDR)).gratuitousArp(3, Duration.ofMillis(100))
                            .neighbourRefresh(Duration.ofSeconds(2)).build().start())) {
                Ipv6Lab.awaitResolved(dr, v6.addresses(rs1, rs2));

                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), Ipv6Lab.names(client, vip, 4));
                for (int i = 0; i < 2; i++) {
                    Ipv6Lab.download(client, vip, one.sha256(), "download " + i);
                }
                assertEquals(one.sha256(), two.sha256());

                // Eight more client addresses, steered to both loops: each loop's connections take
                // local ports of its residue, and the replies must come back to it.
                assertEquals(Map.of("nginx1", 8, "nginx2", 8),
                        Ipv6Lab.fromEightClients(client, Ipv6Lab.CLIENT_PREFIX, vip));

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

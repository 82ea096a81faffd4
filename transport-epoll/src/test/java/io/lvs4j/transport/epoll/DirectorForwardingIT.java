package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.RealServerSetup;
import io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole {@link Director}s from keepalived.conf files in namespaces, one per forwarding keyword
 * the data path offers beyond IPv4 direct routing (which {@link DirectorIT} covers): keepalived
 * 2.x's GUE tunnel, full-NAT in DPVS's words, and an IPv6 virtual server.
 */
class DirectorForwardingIT {

    private static final String LADDR = "198.18.1.254";
    private static final String DIRECTOR_SERVER_SIDE = "198.18.1.2";

    /** Moves a host into the real servers' network: its only address and route are 198.18.1.n/24. */
    private static String serverSide(Host host, int n) {
        host.exec("ip", "addr", "flush", "dev", host.iface()).check();
        String ip = "198.18.1." + n;
        host.exec("ip", "addr", "add", ip + "/24", "dev", host.iface()).check();
        return ip;
    }

    /**
     * {@code lb_kind FNAT} with {@code laddr_group_name} and {@code local_address_group}: VIP port
     * 80 maps to the real servers' port 8080, and the real servers live in their own network
     * (198.18.1.0/24) with no route to the client, so only the local address from the
     * configuration brings their replies back.
     */
    @Test
    void shouldServeAFullNatVirtualServerWithItsPortMappingFromKeepalivedConf() throws Exception {
        NetnsGuard.assumeNetns("curl");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String rs1 = serverSide(lab.host("rs1"), 7);
            String rs2 = serverSide(lab.host("rs2"), 8);
            assertFalse(lab.host("rs1").exec("ip", "route", "get", client.ip()).ok(), "rs1 has no route to the client");
            director.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=0").check();
            director.exec("ip", "addr", "add", DIRECTOR_SERVER_SIDE + "/24", "dev", director.iface()).check();
            String vip = lab.address(200);
            String conf = """
                    local_address_group laddr_g1 {
                        %4$s dpdk0
                    }
                    virtual_server %1$s 80 {
                        delay_loop 1
                        lb_algo rr
                        lb_kind FNAT
                        laddr_group_name laddr_g1
                        protocol TCP
                        real_server %2$s 8080 {
                            TCP_CHECK {
                                connect_timeout 1
                                retry 0
                            }
                        }
                        real_server %3$s 8080 {
                            TCP_CHECK {
                                connect_timeout 1
                                retry 0
                            }
                        }
                    }
                    """.formatted(vip, rs1, rs2, LADDR);
            DirectorConfig config = KeepalivedConfigParser.create().parse(Path.of("fnat.conf"), conf).config();
            try (NamedHttpServer one = NamedHttpServer.start(lab.host("rs1"), "nginx1", 8080);
                    NamedHttpServer two = NamedHttpServer.start(lab.host("rs2"), "nginx2", 8080);
                    Director d = director.netns().call(() -> Director.fromConfig(config, director.iface())
                            .directorAddress(InetAddress.getByName(DIRECTOR_SERVER_SIDE)).build().start())) {
                VirtualService vs = d.services().getFirst();
                assertEquals(Forwarding.fullNat(), d.forwardingOf(vs));
                assertEquals(List.of(InetAddress.getByName(LADDR)), d.localAddresses());
                await().atMost(15, TimeUnit.SECONDS).until(() -> vs.destinations().size() == 2
                        && d.dataPath().resolved(InetAddress.getByName(rs1))
                        && d.dataPath().resolved(InetAddress.getByName(rs2)));

                assertEquals(Set.of("nginx1", "nginx2"), answers(client, vip, 4));
                assertTrue(d.dataPath().counter(DirectorCounter.FULL_NAT_REPLIES_FORWARDED) > 0, "replies rewritten");
            }
        }
    }

    /**
     * {@code virtual_server 2001:db8:6::210 80} with {@code lb_kind DR} and IPv6 TCP checks: the
     * director finds its own IPv6 address on the interface for its neighbour solicitations.
     */
    @Test
    void shouldServeAnIpv6DirectRoutingVirtualServerFromKeepalivedConf() throws Exception {
        NetnsGuard.assumeNetns("curl", "nginx");
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            String vip = Ipv6Lab.vip(0x210);
            Ipv6Lab.holdVipOnLoopback(lab.host("rs1"), vip);
            Ipv6Lab.holdVipOnLoopback(lab.host("rs2"), vip);
            String rs1 = v6.address(lab.host("rs1"));
            String rs2 = v6.address(lab.host("rs2"));
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
                    """.formatted(vip, rs1, rs2);
            DirectorConfig config = KeepalivedConfigParser.create().parse(Path.of("v6.conf"), conf).config();
            try (DownloadServer one = DownloadServer.start(lab.host("rs1"), "nginx1", 80, 1024, 1);
                    DownloadServer two = DownloadServer.start(lab.host("rs2"), "nginx2", 80, 1024, 2);
                    Director d = director.netns().call(() -> Director.fromConfig(config, director.iface()).build()
                            .start())) {
                VirtualService vs = d.services().getFirst();
                assertEquals(InetAddress.getByName(vip), vs.address());
                await().atMost(15, TimeUnit.SECONDS).until(() -> vs.destinations().size() == 2
                        && d.dataPath().resolved(InetAddress.getByName(rs1))
                        && d.dataPath().resolved(InetAddress.getByName(rs2)));

                assertEquals(Set.of("nginx1", "nginx2"), answers(client, "[" + vip + "]", 4));
                assertTrue(d.dataPath().counter(DirectorCounter.NEIGHBOUR_SOLICITATIONS) >= 2,
                        "the director solicited its real servers from its own IPv6 address");
            }
        }
    }

    /**
     * {@code lvs_method TUN type gue port 6080}: the real servers run the user-space GUE
     * decapsulator and answer the client directly from the VIP.
     */
    @Test
    void shouldServeAGueTunnelVirtualServerFromKeepalivedConf() throws Exception {
        NetnsGuard.assumeNetns("curl");
        MultiThreadIoEventLoopGroup decapLoops = PacketSocketGroup.newEventLoopGroup(1);
        List<AutoCloseable> resources = new ArrayList<>();
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String vip = lab.address(222);
            int n = 0;
            for (Host rs : List.of(lab.host("rs1"), lab.host("rs2"))) {
                n++;
                String tun = "tg" + lab.tag() + n;
                IoEventLoop loop = (IoEventLoop) decapLoops.next();
                resources.add(rs.netns().call(() -> TunnelDecapsulator.builder().gue(6080).tunName(tun)
                        .families(StandardProtocolFamily.INET).loop(loop).build().start()));
                RealServerSetup.in(rs.netns()).tunDevice(tun).vip(vip).apply();
                resources.add(NamedHttpServer.start(rs, "nginx" + n, 80));
            }
            String conf = """
                    virtual_server %1$s 80 {
                        delay_loop 1
                        lb_algo rr
                        lvs_method TUN type gue port 6080
                        protocol TCP
                        real_server %2$s 80 {
                            TCP_CHECK {
                                connect_timeout 1
                                retry 0
                            }
                        }
                        real_server %3$s 80 {
                            lvs_method TUN port 6080 type gue nocsum
                            TCP_CHECK {
                                connect_timeout 1
                                retry 0
                            }
                        }
                    }
                    """.formatted(vip, lab.host("rs1").ip(), lab.host("rs2").ip());
            DirectorConfig config = KeepalivedConfigParser.create().parse(Path.of("gue.conf"), conf).config();
            try (Director d = director.netns().call(() -> Director.fromConfig(config, director.iface()).build()
                    .start())) {
                VirtualService vs = d.services().getFirst();
                assertEquals(Forwarding.gue(6080), d.forwardingOf(vs));
                await().atMost(15, TimeUnit.SECONDS).until(() -> vs.destinations().size() == 2
                        && d.dataPath().resolved(InetAddress.getByName(lab.host("rs1").ip()))
                        && d.dataPath().resolved(InetAddress.getByName(lab.host("rs2").ip())));

                assertEquals(Set.of("nginx1", "nginx2"), answers(client, vip, 4));
                assertTrue(d.dataPath().counter(DirectorCounter.TUNNEL_ENCAPSULATED) > 0, "packets encapsulated");
            }
        } finally {
            for (int i = resources.size() - 1; i >= 0; i--) {
                resources.get(i).close();
            }
            decapLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static Set<String> answers(Host client, String host, int n) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(client.exec("curl", "-sS", "-g", "-m", "5", "http://" + host + "/").check().stdout().strip());
        }
        return new HashSet<>(all);
    }
}

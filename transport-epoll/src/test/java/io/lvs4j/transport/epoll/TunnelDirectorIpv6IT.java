package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.RealServerSetup;
import io.lvs4j.transport.epoll.tunnel.DecapCounter;
import io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 tunnelling end to end in namespaces: IPv6-in-IPv6 (IPVS's IPIP for an IPv6 real server)
 * and GUE over IPv6 from the in-process director to two real servers running the user-space
 * decapsulator, nginx ({@link DownloadServer}: names and a 12 MiB file) and a
 * {@link BulkServer}; curl and uploads over IPv6 from the client. A full-sized IPv6 segment does
 * not fit the tunnel: the director answers ICMPv6 packet too big and the client learns the
 * tunnel's MTU.
 */
class TunnelDirectorIpv6IT {

    private static final int GUE_PORT = 6080;
    private static final int BULK_PORT = 9000;
    private static final int BIG = 12 << 20;

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("curl", "nginx", "sha256sum");
        loops = PacketSocketGroup.newEventLoopGroup(4);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldCarryIpv6InIpv6AndGueOverIpv6BothWaysAndAnswerPacketTooBig() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            String ipipVip = Ipv6Lab.vip(0x220);
            String gueVip = Ipv6Lab.vip(0x221);
            List<AutoCloseable> resources = new ArrayList<>();
            try {
                List<TunnelDecapsulator> decaps = new ArrayList<>();
                String sha256 = null;
                int n = 0;
                for (Host rs : List.of(lab.host("rs1"), lab.host("rs2"))) {
                    n++;
                    decaps.addAll(realServer(lab, rs, n, List.of(ipipVip, gueVip), resources));
                    DownloadServer nginx = DownloadServer.start(rs, "nginx" + n, 80, BIG, 6);
                    resources.add(nginx);
                    sha256 = nginx.sha256();
                    resources.add(BulkServer.start(rs, BULK_PORT));
                }
                PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                        .interfaceName(director.iface())
                        .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(director)))
                        .loops(loops)
                        .virtualService(service(v6, lab, ipipVip, 80), Forwarding.ipip())
                        .virtualService(service(v6, lab, ipipVip, BULK_PORT), Forwarding.ipip())
                        .virtualService(service(v6, lab, gueVip, 80), Forwarding.gue(GUE_PORT))
                        .virtualService(service(v6, lab, gueVip, BULK_PORT), Forwarding.gue(GUE_PORT))
                        .gratuitousArp(2, Duration.ofMillis(100)).neighbourRefresh(Duration.ofSeconds(2))
                        .build().start());
                resources.add(dr);
                await().atMost(10, TimeUnit.SECONDS).until(
                        () -> dr.resolved(InetAddress.getByName(v6.address(lab.host("rs1"))))
                                && dr.resolved(InetAddress.getByName(v6.address(lab.host("rs2")))));

                for (String vip : List.of(ipipVip, gueVip)) {
                    Set<String> names = new HashSet<>();
                    for (int i = 0; i < 4; i++) {
                        names.add(client.exec("curl", "-6", "-sS", "-m", "5", "-g", "http://[" + vip + "]/").check()
                                .stdout().strip());
                    }
                    assertEquals(Set.of("nginx1", "nginx2"), names, "curl through " + vip + " reaches both servers");
                    for (int i = 0; i < 2; i++) {
                        String sum = client.netns().exec(Duration.ofSeconds(60), "sh", "-c",
                                "curl -6 -sS -m 50 -g 'http://[" + vip + "]/big.bin' | sha256sum").check().stdout();
                        assertEquals(sha256, sum.split(" ")[0], "12 MiB from " + vip);
                    }
                }

                byte[] data = BulkServer.data();
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
                for (String vip : List.of(ipipVip, gueVip)) {
                    int tunnelMtu = vip.equals(ipipVip) ? 1500 - 40 : 1500 - 40 - 12;
                    long errors = dr.counter(DirectorCounter.TUNNEL_ICMP_SENT);
                    assertArrayEquals(digest, BulkServer.upload(client, vip, BULK_PORT, data), "10 MiB to " + vip);
                    assertTrue(dr.counter(DirectorCounter.TUNNEL_ICMP_SENT) > errors, "packet too big sent");
                    String route = client.exec("ip", "-6", "route", "get", vip).check().stdout();
                    assertTrue(route.contains("mtu " + tunnelMtu), "the client learnt the tunnel MTU: " + route);
                    long tooBig = dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG);
                    assertArrayEquals(digest, BulkServer.upload(client, vip, BULK_PORT, data), "again to " + vip);
                    assertEquals(tooBig, dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG), "the next connection fits");
                }
                assertTrue(dr.counter(DirectorCounter.TUNNEL_SUPER_FRAMES) > 0, "GSO super-frames were segmented");
                assertEquals(0, dr.counter(DirectorCounter.DROP_TUNNEL_UNSUPPORTED));
                assertEquals(0, dr.socketStatistics().txErrors());
                for (TunnelDecapsulator decap : decaps) {
                    assertTrue(decap.counter(DecapCounter.DECAPSULATED) > 0, "every decapsulator got traffic");
                    assertEquals(0, decap.drops());
                }
            } finally {
                for (int i = resources.size() - 1; i >= 0; i--) {
                    resources.get(i).close();
                }
            }
        }
    }

    /** Starts both IPv6 decapsulators and the VIP setup on a real server. */
    private static List<TunnelDecapsulator> realServer(Lab lab, Host rs, int n, List<String> vips,
            List<AutoCloseable> resources) throws Exception {
        String ipipTun = "ti" + lab.tag() + n;
        String gueTun = "tg" + lab.tag() + n;
        IoEventLoop loop = (IoEventLoop) loops.next();
        TunnelDecapsulator ipip = rs.netns().call(() -> TunnelDecapsulator.builder().ipip().tunName(ipipTun)
                .families(StandardProtocolFamily.INET6).loop(loop).build().start());
        resources.add(ipip);
        TunnelDecapsulator gue = rs.netns().call(() -> TunnelDecapsulator.builder().gue(GUE_PORT).tunName(gueTun)
                .families(StandardProtocolFamily.INET6).loop(loop).build().start());
        resources.add(gue);
        for (String tun : List.of(ipipTun, gueTun)) {
            RealServerSetup setup = RealServerSetup.in(rs.netns()).tunDevice(tun);
            vips.forEach(setup::vip);
            setup.apply();
        }
        return List.of(ipip, gue);
    }

    private static VirtualService service(Ipv6Lab v6, Lab lab, String vip, int port) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), port,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(v6.address(lab.host("rs1"))), port, 1));
        vs.addRealServer(RealServer.of(InetAddress.getByName(v6.address(lab.host("rs2"))), port, 1));
        return vs;
    }
}

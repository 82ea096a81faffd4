package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.RealServerSetup;
import io.lvs4j.transport.epoll.tunnel.DecapCounter;
import io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
 * The tunnelling director end to end in namespaces: a client, the in-process director with an
 * IP-in-IP and a GUE virtual service, and two real servers, each running the user-space
 * decapsulator for both tunnels (the kernel has no {@code ipip} module here), nginx on port 80
 * and a {@link BulkServer} on port 9000 that sends 10 MiB or digests what it receives. The real
 * servers answer the client directly from the VIP.
 */
class TunnelDirectorIT {

    private static final int GUE_PORT = 6080;
    private static final int BULK_PORT = 9000;

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("curl");
        loops = PacketSocketGroup.newEventLoopGroup(4);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldServeBothRealServersAndTenMegabytesEachWayThroughIpipAndGueAndLearnTheTunnelMtu() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String ipipVip = lab.address(220);
            String gueVip = lab.address(221);
            List<AutoCloseable> resources = new ArrayList<>();
            try {
                List<TunnelDecapsulator> decaps = new ArrayList<>();
                int n = 0;
                for (Host rs : List.of(lab.host("rs1"), lab.host("rs2"))) {
                    n++;
                    decaps.addAll(realServer(lab, rs, "nginx" + n, List.of(ipipVip, gueVip), resources));
                }
                PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                        .interfaceName(director.iface()).directorAddress(InetAddress.getByName(director.ip()))
                        .loops(loops)
                        .virtualService(service(lab, ipipVip, 80), Forwarding.ipip())
                        .virtualService(service(lab, ipipVip, BULK_PORT), Forwarding.ipip())
                        .virtualService(service(lab, gueVip, 80), Forwarding.gue(GUE_PORT))
                        .virtualService(service(lab, gueVip, BULK_PORT), Forwarding.gue(GUE_PORT))
                        .gratuitousArp(2, Duration.ofMillis(100)).build().start());
                resources.add(dr);
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(lab.host("rs1").ip()))
                        && dr.resolved(InetAddress.getByName(lab.host("rs2").ip())));

                for (String vip : List.of(ipipVip, gueVip)) {
                    Set<String> names = new HashSet<>();
                    for (int i = 0; i < 4; i++) {
                        names.add(client.exec("curl", "-sS", "-m", "5", "http://" + vip + "/").check().stdout().strip());
                    }
                    assertEquals(Set.of("nginx1", "nginx2"), names, "curl through " + vip + " reaches both servers");
                }

                byte[] data = BulkServer.data();
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
                for (String vip : List.of(ipipVip, gueVip)) {
                    assertArrayEquals(digest, BulkServer.download(client, vip, BULK_PORT), "10 MiB from " + vip);
                }
                assertEquals(0, dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG), "the client only sent ACKs so far");

                // Uploads: the client's full-sized segments (1,500 bytes) do not fit the tunnel. The
                // director answers fragmentation needed, the client learns the tunnel's MTU and
                // sends smaller segments; the bytes arrive intact.
                for (String vip : List.of(ipipVip, gueVip)) {
                    int tunnelMtu = vip.equals(ipipVip) ? 1500 - 20 : 1500 - 32;
                    long errors = dr.counter(DirectorCounter.TUNNEL_ICMP_SENT);
                    assertArrayEquals(digest, BulkServer.upload(client, vip, BULK_PORT, data), "10 MiB to " + vip);
                    assertTrue(dr.counter(DirectorCounter.TUNNEL_ICMP_SENT) > errors, "fragmentation needed sent");
                    String route = client.exec("ip", "route", "get", vip).check().stdout();
                    assertTrue(route.contains("mtu " + tunnelMtu), "the client learnt the tunnel MTU: " + route);

                    // A following connection uses the smaller MSS from the start: nothing is too big.
                    long tooBig = dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG);
                    assertArrayEquals(digest, BulkServer.upload(client, vip, BULK_PORT, data), "again 10 MiB to " + vip);
                    assertEquals(tooBig, dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG));
                }
                assertTrue(dr.counter(DirectorCounter.TUNNEL_SUPER_FRAMES) > 0, "GSO super-frames were segmented");
                assertTrue(dr.counter(DirectorCounter.TUNNEL_ENCAPSULATED) > 4L * BulkServer.BYTES / 1500);
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

    /** Starts both decapsulators, the VIP setup, nginx and the bulk server on a real server. */
    private static List<TunnelDecapsulator> realServer(Lab lab, Host rs, String name, List<String> vips,
            List<AutoCloseable> resources) throws Exception {
        String ipipTun = "ti" + lab.tag() + rs.role().charAt(rs.role().length() - 1);
        String gueTun = "tg" + lab.tag() + rs.role().charAt(rs.role().length() - 1);
        IoEventLoop loop = (IoEventLoop) loops.next();
        TunnelDecapsulator ipip = rs.netns().call(() -> TunnelDecapsulator.builder().ipip().tunName(ipipTun)
                .families(StandardProtocolFamily.INET).loop(loop).build().start());
        resources.add(ipip);
        TunnelDecapsulator gue = rs.netns().call(() -> TunnelDecapsulator.builder().gue(GUE_PORT).tunName(gueTun)
                .families(StandardProtocolFamily.INET).loop(loop).build().start());
        resources.add(gue);
        for (String tun : List.of(ipipTun, gueTun)) {
            RealServerSetup setup = RealServerSetup.in(rs.netns()).tunDevice(tun);
            vips.forEach(setup::vip);
            setup.apply();
        }
        resources.add(NamedHttpServer.start(rs, name, 80));
        resources.add(BulkServer.start(rs, BULK_PORT));
        return List.of(ipip, gue);
    }

    private static VirtualService service(Lab lab, String vip, int port) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), port,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs1").ip()), port, 1));
        vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs2").ip()), port, 1));
        return vs;
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.testkit.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.testkit.RealServerSetup;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 tunnelling end to end in namespaces: a client, the in-process director and two nginx
 * real servers on one bridge (2001:db8:6::/64); the director wraps the client's IPv6 packets in
 * IPv6 (IPv6-in-IPv6, as IPVS's TUN for an IPv6 service, or GUE over IPv6) to the real servers,
 * whose user-space
 * {@link TunnelDecapsulator} injects them into a TUN device; the real servers, holding the VIP on
 * {@code lo}, answer the client directly.
 */
class TunnelDirectorIpv6IT {

    private static final int BIG = 12 << 20;
    private static final int GUE_PORT = 6080;

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
    void shouldTunnelIpv6InIpv6ToBothDecapsulatingRealServersAndCarryALargeDownload() throws Exception {
        tunnelThrough(Forwarding.ipip(), () -> TunnelDecapsulator.builder().ipip());
    }

    @Test
    void shouldTunnelGueOverIpv6ToBothDecapsulatingRealServersAndCarryALargeDownload() throws Exception {
        tunnelThrough(Forwarding.gue(GUE_PORT), () -> TunnelDecapsulator.builder().gue(GUE_PORT));
    }

    private void tunnelThrough(Forwarding forwarding, Supplier<TunnelDecapsulator.Builder> decapsulator)
            throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            String vip = Ipv6Lab.vip(0x200);
            String tun = "tun-" + lab.tag();
            VirtualService vs = Ipv6Lab.service(Protocol.TCP, vip, 80, 80, v6.addresses(rs1, rs2));
            List<TunnelDecapsulator> decaps = new ArrayList<>();
            try (DownloadServer one = DownloadServer.start(rs1, "nginx1", 80, BIG, 8);
                    DownloadServer two = DownloadServer.start(rs2, "nginx2", 80, BIG, 8)) {
                for (Host rs : List.of(rs1, rs2)) {
                    IoEventLoop loop = (IoEventLoop) loops.next();
                    decaps.add(rs.netns().call(() -> decapsulator.get().tunName(tun)
                            .families(StandardProtocolFamily.INET6).loop(loop).build().start()));
                    RealServerSetup.in(rs.netns()).tunDevice(tun).vip(vip).apply();
                }
                try (PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                        .interfaceName(director.iface())
                        .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(director)))
                        .loops(loops).virtualService(vs, forwarding)
                        .gratuitousArp(3, Duration.ofMillis(100)).neighbourRefresh(Duration.ofSeconds(2))
                        .build().start())) {
                    Ipv6Lab.awaitResolved(dr, v6.addresses(rs1, rs2));

                    assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), Ipv6Lab.names(client, vip, 4));
                    for (int i = 0; i < 2; i++) {
                        Ipv6Lab.download(client, vip, one.sha256(), "download " + i);
                    }
                    assertEquals(one.sha256(), two.sha256());
                    assertEquals(6, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                    assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                    for (TunnelDecapsulator decap : decaps) {
                        assertTrue(decap.counter(DecapCounter.DECAPSULATED) >= 3 * 3, "each server got its share");
                        assertEquals(0, decap.drops());
                    }
                }
            } finally {
                decaps.forEach(TunnelDecapsulator::close);
            }
        }
    }
}

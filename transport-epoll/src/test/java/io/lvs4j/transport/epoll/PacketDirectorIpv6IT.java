package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The director's IPv6 data path end to end in namespaces: a client, the in-process director
 * and two nginx real servers on one bridge, addressed in 2001:db8:6::/64, curl over IPv6.
 */
class PacketDirectorIpv6IT {

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
    void shouldRouteIpv6DirectlyToBothRealServersAndCarryALargeDownloadIntact() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            String vip = Ipv6Lab.vip(0x200);
            Ipv6Lab.holdVipOnLoopback(rs1, vip);
            Ipv6Lab.holdVipOnLoopback(rs2, vip);
            VirtualService vs = Ipv6Lab.service(Protocol.TCP, vip, 80, 80, v6.addresses(rs1, rs2));
            try (DownloadServer one = DownloadServer.start(rs1, "nginx1", 80, BIG, 6);
                    DownloadServer two = DownloadServer.start(rs2, "nginx2", 80, BIG, 6);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface())
                            .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(director)))
                            .loops(loops).virtualService(vs).gratuitousArp(3, Duration.ofMillis(100))
                            .neighbourRefresh(Duration.ofSeconds(2)).build().start())) {
                Ipv6Lab.awaitResolved(dr, v6.addresses(rs1, rs2));
                await().atMost(5, TimeUnit.SECONDS).until(() -> dr.counter(DirectorCounter.UNSOLICITED_ADVERTISEMENTS) >= 1);
                assertTrue(dr.counter(DirectorCounter.NEIGHBOUR_SOLICITATIONS) >= 2);

                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), Ipv6Lab.names(client, vip, 4));
                assertTrue(dr.counter(DirectorCounter.NEIGHBOUR_ADVERTISEMENTS) >= 1,
                        "the client resolved the VIP through the director");

                // The next two connections go to each server once: each carries the whole file.
                for (int i = 0; i < 2; i++) {
                    Ipv6Lab.download(client, vip, one.sha256(), "download " + i);
                }
                assertEquals(one.sha256(), two.sha256());

                // Eight more client addresses, which the fanout steers to both loops: all answered.
                assertEquals(Map.of("nginx1", 8, "nginx2", 8), Ipv6Lab.fromEightClients(client, Ipv6Lab.PREFIX, vip));

                int opened = 4 + 2 + 16;
                assertEquals(opened, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertTrue(dr.counter(DirectorCounter.FORWARDED) > opened * 3);
                assertEquals(0, dr.socketStatistics().txErrors());
                assertEquals(opened, dr.connectionCount());
            }
        }
    }

    @Test
    void shouldRelayAPacketTooBigToTheRealServerOfTheFlowSoItsPathMtuDrops() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            String vip = Ipv6Lab.vip(0x201);
            String clientAddress = v6.address(client);
            Ipv6Lab.holdVipOnLoopback(rs1, vip);
            VirtualService dns = new VirtualService(Protocol.UDP, InetAddress.getByName(vip), 53,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            dns.addRealServer(RealServer.of(InetAddress.getByName(v6.address(rs1)), 53, 1));
            try (UdpNameServer server = UdpNameServer.start(rs1.netns(), "udp1", vip, 53);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface())
                            .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(director)))
                            .loops(loops).virtualService(dns).build().start())) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(v6.address(rs1))));
                int clientPort = client.netns().call(() -> {
                    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(clientAddress, 0))) {
                        socket.setSoTimeout(5000);
                        byte[] question = "who".getBytes(StandardCharsets.US_ASCII);
                        socket.send(new DatagramPacket(question, question.length, new InetSocketAddress(vip, 53)));
                        DatagramPacket answer = new DatagramPacket(new byte[64], 64);
                        socket.receive(answer);
                        assertEquals("udp1", new String(answer.getData(), 0, answer.getLength(),
                                StandardCharsets.US_ASCII));
                        return socket.getLocalPort();
                    }
                });
                assertTrue(!rs1.exec("ip", "-6", "route", "get", clientAddress).check().stdout().contains("mtu 1280"));

                // A router on the client's side cannot pass a 1,400-byte reply of that flow.
                byte[] reply = new PacketBuilder().ipv6(vip, clientAddress).udp(53, clientPort)
                        .payload(new byte[1400]).buildIpPacket();
                byte[] tooBig = new PacketBuilder().ethernet(client.macBits(), director.macBits())
                        .ipv6(clientAddress, vip).icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
                        .payload(Arrays.copyOf(reply, 512)).build();
                Ipv6Lab.inject(client, tooBig, loops);
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.counter(DirectorCounter.ICMP_RELAYED) == 1);
                await().atMost(10, TimeUnit.SECONDS).until(() ->
                        rs1.exec("ip", "-6", "route", "get", clientAddress).check().stdout().contains("mtu 1280"));
                assertEquals(1, server.received());
            }
        }
    }

    @Test
    void shouldMoveTheClientToTheNewActiveDirectorWithAnUnsolicitedAdvertisement() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("dira").host("dirb").host("rs1").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host rs1 = lab.host("rs1");
            String vip = Ipv6Lab.vip(0x202);
            Ipv6Lab.holdVipOnLoopback(rs1, vip);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(v6.address(rs1)), 80, 1));
            try (DownloadServer one = DownloadServer.start(rs1, "nginx1", 80, 1024, 1);
                    PacketDirector a = director(lab.host("dira"), v6, vs, true);
                    PacketDirector b = director(lab.host("dirb"), v6, vs, false)) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> a.resolved(InetAddress.getByName(v6.address(rs1)))
                        && b.resolved(InetAddress.getByName(v6.address(rs1))));
                String url = "http://[" + vip + "]/";
                assertEquals("nginx1", client.exec("curl", "-6", "-sS", "-m", "5", "-g", url).check().stdout().strip());
                assertTrue(neighbour(client, vip).contains(lab.host("dira").mac()), neighbour(client, vip));
                assertEquals(0, b.counter(DirectorCounter.NEIGHBOUR_ADVERTISEMENTS), "a backup answers nothing");

                // Takeover: the new active director's unsolicited advertisements (flag O) move the
                // client's cached MAC for the VIP before it would ever probe again.
                a.active(false);
                b.active(true);
                await().atMost(5, TimeUnit.SECONDS).until(() -> neighbour(client, vip).contains(lab.host("dirb").mac()));
                assertEquals("nginx1", client.exec("curl", "-6", "-sS", "-m", "5", "-g", url).check().stdout().strip());
                assertEquals(1, b.counter(DirectorCounter.NEW_CONNECTIONS));
                assertEquals(1, a.counter(DirectorCounter.NEW_CONNECTIONS));
                assertTrue(b.counter(DirectorCounter.UNSOLICITED_ADVERTISEMENTS) >= 1);
            }
        }
    }

    private static PacketDirector director(Host host, Ipv6Lab v6, VirtualService vs, boolean active) throws Exception {
        return host.netns().call(() -> PacketDirector.builder().interfaceName(host.iface())
                .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(host))).loops(loops)
                .virtualService(vs).active(active).gratuitousArp(3, Duration.ofMillis(100))
                .neighbourRefresh(Duration.ofSeconds(2)).build().start());
    }

    private static String neighbour(Host host, String address) {
        return host.exec("ip", "-6", "neigh", "show", address).check().stdout();
    }
}

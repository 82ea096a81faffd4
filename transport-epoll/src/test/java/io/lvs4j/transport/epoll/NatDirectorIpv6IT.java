package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.testkit.Host;
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
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 NAT end to end in namespaces, on one bridge: a client in its own prefix
 * (2001:db8:7::/64, default route through the director's 2001:db8:7::1), the in-process
 * director (IPv6 forwarding off, the VIP on no kernel interface) and two nginx real servers in
 * 2001:db8:6::/64 listening on port 8080, whose default route is the director, so that their
 * replies come back through it.
 */
class NatDirectorIpv6IT {

    private static final String CLIENT = Ipv6Lab.CLIENT_PREFIX + "11";
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
    void shouldBalanceIpv6WithAPortMappingCarryALargeDownloadAndTranslatePacketTooBig() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            assertEquals(CLIENT, Ipv6Lab.routeClientThroughDirector(client, director));
            for (Host rs : List.of(rs1, rs2)) {
                rs.exec("ip", "-6", "route", "add", "default", "via", v6.address(director)).check();
            }
            String vip = Ipv6Lab.vip(0x200);
            VirtualService vs = Ipv6Lab.service(Protocol.TCP, vip, 80, 8080, v6.addresses(rs1, rs2));
            VirtualService dns = new VirtualService(Protocol.UDP, InetAddress.getByName(vip), 53,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            dns.addRealServer(RealServer.of(InetAddress.getByName(v6.address(rs1)), 5353, 1));
            try (DownloadServer one = DownloadServer.start(rs1, "nginx1", 8080, BIG, 7);
                    DownloadServer two = DownloadServer.start(rs2, "nginx2", 8080, BIG, 7);
                    UdpNameServer udp = UdpNameServer.start(rs1.netns(), "udp1", "::", 5353);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface())
                            .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(director)))
                            .loops(loops).virtualService(vs, Forwarding.masquerade()).virtualService(dns, Forwarding.masquerade())
                            .gratuitousArp(1, Duration.ofMillis(100)).neighbourRefresh(Duration.ofSeconds(2))
                            .build().start())) {
                Ipv6Lab.awaitResolved(dr, v6.addresses(rs1, rs2));

                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), Ipv6Lab.names(client, vip, 4));

                // One download from each server, the second with the director's transmit checksum
                // offload off, so that the client verifies every checksum the director completed.
                for (int i = 0; i < 2; i++) {
                    if (i == 1) {
                        assertTrue(!TxChecksumOffload.set(director, false));
                    }
                    String sum = client.netns().exec(Duration.ofSeconds(60), "sh", "-c",
                            "curl -6 -sS -m 50 -g 'http://[" + vip + "]/big.bin' | sha256sum").check().stdout();
                    assertEquals(one.sha256(), sum.split(" ")[0], "download " + i);
                }
                assertEquals(one.sha256(), two.sha256());
                assertTrue(dr.counter(DirectorCounter.NAT_PARTIAL_CHECKSUMS) > 0,
                        "offloaded frames (partial checksums, GSO) went through the IPv6 NAT path");
                assertEquals(6, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                for (ConnectionEntry e : dr.connections()) {
                    assertEquals(InetAddress.getByName(vip), e.virtualAddress());
                    assertEquals(InetAddress.getByName(CLIENT), e.client());
                    assertEquals(8080, e.destinationPort());
                }

                // UDP VIP:53 -> rs1:5353, answered from VIP:53; then a router on the client's side
                // cannot pass a reply of that flow: its packet too big reaches rs1 translated (to rs1,
                // quoting rs1:5353), and rs1's kernel lowers its path MTU to the client.
                int clientPort = client.netns().call(() -> {
                    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(CLIENT, 0))) {
                        socket.setSoTimeout(5000);
                        byte[] question = "who".getBytes(StandardCharsets.US_ASCII);
                        socket.send(new DatagramPacket(question, question.length, new InetSocketAddress(vip, 53)));
                        DatagramPacket answer = new DatagramPacket(new byte[64], 64);
                        socket.receive(answer);
                        assertEquals(new InetSocketAddress(vip, 53), answer.getSocketAddress());
                        return socket.getLocalPort();
                    }
                });
                assertEquals(1, udp.received());
                assertTrue(!rs1.exec("ip", "-6", "route", "get", CLIENT).check().stdout().contains("mtu 1280"));
                byte[] reply = new PacketBuilder().ipv6(vip, CLIENT).udp(53, clientPort).payload(new byte[1400])
                        .buildIpPacket();
                Ipv6Lab.inject(client, new PacketBuilder().ethernet(client.macBits(), director.macBits())
                        .ipv6(Ipv6Lab.CLIENT_PREFIX + "fe", vip)
                        .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280).payload(Arrays.copyOf(reply, 512)).build(),
                        loops);
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.counter(DirectorCounter.NAT_ICMP_TO_SERVER) == 1);
                await().atMost(10, TimeUnit.SECONDS).until(() ->
                        rs1.exec("ip", "-6", "route", "get", CLIENT).check().stdout().contains("mtu 1280"));
                assertTrue(dr.counter(DirectorCounter.REPLIES_FORWARDED) > 6 * 3);
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertEquals(0, dr.socketStatistics().txErrors());
            }
        }
    }
}

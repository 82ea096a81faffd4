package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tunnel forwarder on the wire, without a decapsulator: what the real servers receive
 * (captured with packet sockets) for an IP-in-IP and a GUE service, and the ICMP error a client
 * gets for a DF packet too big for the tunnel.
 */
class TunnelWireIT {

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns();
        loops = PacketSocketGroup.newEventLoopGroup(3);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** What a capture saw: outer source, destination, protocol, UDP port, inner destination and port. */
    private record Captured(int outerSource, int outerDestination, int protocol, int udpPort, int innerSource,
            int innerDestination, int innerPort, boolean checksumOk) {
    }

    private static PacketSocket capture(Host host, Queue<Captured> seen) throws Exception {
        return host.netns().call(() -> PacketSocket.open(loops.next(), PacketSocketOptions.forInterface(host.iface()),
                false, socket -> {
                    FrameParser outer = new FrameParser();
                    FrameParser inner = new FrameParser();
                    MemorySegment copy = Arena.ofAuto().allocate(2048);
                    return frame -> {
                        if (outer.parse(frame.buffer(), frame.offset(), frame.length()) != DropReason.NONE
                                || outer.ipVersion() != 4 || frame.length() > 2048) {
                            return;
                        }
                        int innerAt;
                        int udpPort = 0;
                        if (outer.protocol() == Ipv4Header.PROTOCOL_IPIP) {
                            innerAt = (int) (outer.l4Offset() - frame.offset());
                        } else if (outer.protocol() == Ipv4Header.PROTOCOL_UDP && outer.destinationPort() == 6080) {
                            udpPort = 6080;
                            innerAt = (int) (outer.l4Offset() - frame.offset()) + 12;
                        } else {
                            return;
                        }
                        // The inner packet behind the outer Ethernet header, to parse it as a frame.
                        MemorySegment.copy(frame.buffer(), frame.offset(), copy, 0, 14);
                        int innerLength = frame.length() - innerAt;
                        MemorySegment.copy(frame.buffer(), frame.offset() + innerAt, copy, 14, innerLength);
                        if (inner.parse(copy, 0, 14 + innerLength) != DropReason.NONE || !inner.hasPorts()) {
                            return;
                        }
                        int sum = io.lvs4j.core.packet.Checksums.transportIpv4(copy, 14, inner.l4Offset(),
                                inner.l4Length(), TcpHeader.CHECKSUM_OFFSET);
                        seen.add(new Captured(outer.ipv4().source(), outer.ipv4().destination(), outer.protocol(),
                                udpPort, inner.ipv4().source(), inner.ipv4().destination(), inner.destinationPort(),
                                sum == inner.tcp().checksum()));
                    };
                }));
    }

    @Test
    void shouldSendIpipAndGueToBothRealServersFromTheDirectorsAddress() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String ipipVip = lab.address(210);
            String gueVip = lab.address(211);
            VirtualService ipip = service(lab, ipipVip);
            VirtualService gue = service(lab, gueVip);
            Queue<Captured> atRs1 = new ConcurrentLinkedQueue<>();
            Queue<Captured> atRs2 = new ConcurrentLinkedQueue<>();
            try (PacketSocket one = capture(lab.host("rs1"), atRs1);
                    PacketSocket two = capture(lab.host("rs2"), atRs2);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface()).directorAddress(InetAddress.getByName(director.ip()))
                            .loops(loops).virtualService(ipip, Forwarding.ipip())
                            .virtualService(gue, Forwarding.gue(6080)).gratuitousArp(2, Duration.ofMillis(100))
                            .build().start())) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(lab.host("rs1").ip()))
                        && dr.resolved(InetAddress.getByName(lab.host("rs2").ip())));
                for (String vip : new String[] {ipipVip, ipipVip, gueVip, gueVip}) {
                    attempt(client, vip); // no decapsulator: the SYN reaches the server, nobody answers
                }
                int director4 = ipv4(director.ip());
                int client4 = ipv4(client.ip());
                for (Queue<Captured> seen : java.util.List.of(atRs1, atRs2)) {
                    int rs = seen == atRs1 ? ipv4(lab.host("rs1").ip()) : ipv4(lab.host("rs2").ip());
                    await().atMost(10, TimeUnit.SECONDS).until(() -> seen.stream().anyMatch(c -> c.udpPort() == 0)
                            && seen.stream().anyMatch(c -> c.udpPort() == 6080));
                    for (Captured c : seen) {
                        assertEquals(director4, c.outerSource());
                        assertEquals(rs, c.outerDestination());
                        assertEquals(client4, c.innerSource());
                        assertEquals(c.udpPort() == 0 ? ipv4(ipipVip) : ipv4(gueVip), c.innerDestination());
                        assertEquals(80, c.innerPort());
                        assertTrue(c.checksumOk(), "the inner TCP checksum is complete");
                    }
                }
                assertTrue(dr.counter(DirectorCounter.TUNNEL_ENCAPSULATED) >= 4);
                assertEquals(0, dr.socketStatistics().txErrors());
            }
        }
    }

    @Test
    void shouldAnswerADfPacketTooBigForTheTunnelWithFragmentationNeededFromTheVip() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String vip = lab.address(212);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs1").ip()), 80, 1));
            Queue<Integer> mtus = new ConcurrentLinkedQueue<>();
            int vip4 = ipv4(vip);
            try (PacketSocket clientSocket = client.netns().call(() -> PacketSocket.open(loops.next(),
                    PacketSocketOptions.forInterface(client.iface()), false, socket -> {
                        FrameParser parser = new FrameParser();
                        return frame -> {
                            if (parser.parse(frame.buffer(), frame.offset(), frame.length()) == DropReason.NONE
                                    && parser.protocol() == Ipv4Header.PROTOCOL_ICMP && parser.ipv4().source() == vip4
                                    && parser.icmp().type() == IcmpHeader.TYPE_DESTINATION_UNREACHABLE
                                    && parser.icmp().code() == IcmpHeader.CODE_FRAGMENTATION_NEEDED
                                    && parser.quotedDestinationPort() == 80) {
                                mtus.add(parser.icmp().mtu());
                            }
                        };
                    }));
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface()).directorAddress(InetAddress.getByName(director.ip()))
                            .loops(loops).virtualService(vs, Forwarding.gue(6080)).build().start())) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(lab.host("rs1").ip())));
                // A SYN carrying 1,460 bytes with DF: 1,500 bytes, 32 more than the GUE tunnel's MTU.
                byte[] frame = new PacketBuilder().ethernet(client.macBits(), director.macBits()).ipv4(client.ip(), vip)
                        .dontFragment().tcp(40000, 80, TcpHeader.SYN).payload(new byte[1460]).build();
                try (Arena arena = Arena.ofShared()) {
                    MemorySegment bytes = arena.allocate(frame.length);
                    MemorySegment.copy(frame, 0, bytes, ValueLayout.JAVA_BYTE, 0, frame.length);
                    assertTrue(clientSocket.loop().submit(() -> clientSocket.send(bytes, 0, frame.length)).get());
                }
                await().atMost(10, TimeUnit.SECONDS).until(() -> !mtus.isEmpty());
                assertEquals(1500 - 20 - 8 - 4, mtus.peek());
                assertEquals(1, dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG));
                assertEquals(1, dr.counter(DirectorCounter.TUNNEL_ICMP_SENT));
                assertEquals(0, dr.counter(DirectorCounter.TUNNEL_ENCAPSULATED));
            }
        }
    }

    private static VirtualService service(Lab lab, String vip) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs1").ip()), 80, 1));
        vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs2").ip()), 80, 1));
        return vs;
    }

    private static void attempt(Host client, String vip) throws Exception {
        client.netns().call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(vip, 80), 300);
            } catch (SocketTimeoutException expected) {
                // nobody decapsulates in this test
            }
            return null;
        });
    }

    private static int ipv4(String dotted) throws Exception {
        byte[] b = InetAddress.getByName(dotted).getAddress();
        return NetworkOrder.u32(MemorySegment.ofArray(b), 0);
    }
}

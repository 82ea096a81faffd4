package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.Checksums;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tunnel data path of one loop, fed with frames built byte by byte; no socket, no root. */
class TunnelForwarderTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS_MAC = 0x02_00_00_00_00_01L;
    private static final String VIP = "198.18.0.200";
    private static final String CLIENT = "198.18.1.11";
    private static final String SERVER = "198.18.0.13";
    private static final String DIRECTOR = "198.18.0.12";

    private final Arena arena = Arena.ofConfined();
    private final List<byte[]> sent = new ArrayList<>();
    private final FrameParser parser = new FrameParser(true);
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private DataPath path;

    private void start(Forwarding forwarding) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(SERVER), 80, 1));
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName(DIRECTOR))
                .loops(unusedLoops).virtualService(vs, forwarding).connectionCapacity(1024).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName(DIRECTOR));
        path = director.newPath((frame, offset, length) -> {
            sent.add(frame.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            return true;
        });
        path.tick();
        feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS_MAC, SERVER, DIRECTOR_MAC, DIRECTOR).build());
        sent.clear();
    }

    @AfterEach
    void tearDown() {
        if (path != null) {
            path.release();
        }
        arena.close();
        if (unusedLoops != null) {
            unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private boolean feed(byte[] frame) {
        return feed(frame, false, 0, 0);
    }

    private boolean feed(byte[] frame, boolean needsChecksum, int gsoType, int gsoSize) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return path.onFrame(new OffloadFrame(segment, frame.length, needsChecksum, gsoType, gsoSize));
    }

    private static PacketBuilder client(int flags, int payload) {
        byte[] data = new byte[payload];
        new Random(payload).nextBytes(data);
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP).dontFragment().ttl(63)
                .tcp(40000, 80, flags).sequence(100, 0).payload(data);
    }

    private FrameParser parseSent(int index) {
        byte[] frame = sent.get(index);
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(frame), 0, frame.length));
        return parser;
    }

    private static byte[] ipPacket(byte[] frame) {
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    @Test
    void shouldWrapTheClientsPacketInIpipToTheRealServer() throws Exception {
        start(Forwarding.ipip());
        byte[] syn = client(TcpHeader.SYN, 0).build();
        assertFalse(feed(syn), "the received frame itself is not sent on");
        assertEquals(1, sent.size());
        FrameParser p = parseSent(0);
        assertEquals(RS_MAC, p.ethernet().destination());
        assertEquals(DIRECTOR_MAC, p.ethernet().source());
        assertEquals(Ipv4Header.PROTOCOL_IPIP, p.protocol());
        assertEquals(ip(DIRECTOR), p.ipv4().source());
        assertEquals(ip(SERVER), p.ipv4().destination());
        assertEquals(63, p.ipv4().ttl());
        assertTrue(p.ipv4().dontFragment());
        assertArrayEquals(ipPacket(syn), Arrays.copyOfRange(sent.get(0), 34, sent.get(0).length));
        assertEquals(1, director.counter(DirectorCounter.TUNNEL_ENCAPSULATED));
        assertEquals(1, director.counter(DirectorCounter.FORWARDED));
    }

    @Test
    void shouldWrapTheClientsPacketInGueToTheServicePort() throws Exception {
        start(Forwarding.gue(6080));
        byte[] syn = client(TcpHeader.SYN, 0).build();
        feed(syn);
        FrameParser p = parseSent(0);
        assertEquals(Ipv4Header.PROTOCOL_UDP, p.protocol());
        assertEquals(6080, p.destinationPort());
        assertEquals(0, p.udp().checksum());
        byte[] frame = sent.get(0);
        assertEquals(0x00040000, NetworkOrder.u32(MemorySegment.ofArray(frame), 42));
        assertArrayEquals(ipPacket(syn), Arrays.copyOfRange(frame, 46, frame.length));
    }

    @Test
    void shouldAnswerADfPacketTooBigForTheTunnelWithFragmentationNeeded() throws Exception {
        start(Forwarding.gue(6080));
        feed(client(TcpHeader.SYN, 0).build());
        sent.clear();
        byte[] big = client(TcpHeader.ACK, 1460).build();
        feed(big);
        assertEquals(1, sent.size(), "only the ICMP error");
        FrameParser p = parseSent(0);
        assertEquals(CLIENT_MAC, p.ethernet().destination());
        assertEquals(ip(VIP), p.ipv4().source());
        assertEquals(ip(CLIENT), p.ipv4().destination());
        assertEquals(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, p.icmp().type());
        assertEquals(IcmpHeader.CODE_FRAGMENTATION_NEEDED, p.icmp().code());
        assertEquals(1500 - 32, p.icmp().mtu());
        assertEquals(40000, p.quotedSourcePort());
        assertEquals(1, director.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG));
        assertEquals(1, director.counter(DirectorCounter.TUNNEL_ICMP_SENT));
        sent.clear();
        feed(client(TcpHeader.ACK, 1500 - 32 - 40).build());
        assertEquals(1, sent.size());
        assertEquals(1500 + 14, sent.get(0).length, "a packet of the tunnel MTU fits the link");
    }

    @Test
    void shouldSendAPacketWithoutDfInOuterFragments() throws Exception {
        start(Forwarding.ipip());
        feed(client(TcpHeader.SYN, 0).build());
        sent.clear();
        byte[] data = new byte[1460];
        new Random(1).nextBytes(data);
        byte[] big = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP).identification(5)
                .tcp(40000, 80, TcpHeader.ACK).payload(data).build();
        feed(big);
        assertEquals(2, sent.size());
        ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
        int id = -1;
        for (int i = 0; i < 2; i++) {
            FrameParser p = parseSent(i);
            assertTrue(sent.get(i).length <= 1514);
            assertEquals(i == 0, p.ipv4().moreFragments());
            assertEquals(reassembled.size(), p.ipv4().fragmentOffset());
            if (i == 1) {
                assertEquals(id, p.ipv4().identification());
            }
            id = p.ipv4().identification();
            byte[] frame = sent.get(i);
            reassembled.write(frame, 34, frame.length - 34);
        }
        assertArrayEquals(ipPacket(big), reassembled.toByteArray());
        assertEquals(1, director.counter(DirectorCounter.TUNNEL_FRAGMENTED));
    }

    @Test
    void shouldSegmentASuperFrameAndCompleteTheChecksums() throws Exception {
        start(Forwarding.ipip());
        feed(client(TcpHeader.SYN, 0).build());
        sent.clear();
        byte[] superFrame = client(TcpHeader.ACK | TcpHeader.PSH, 4000).build();
        superFrame[34 + 16] = 0x11; // partial checksum
        feed(superFrame, true, 1, 1400);
        assertEquals(3, sent.size());
        FrameParser inner = new FrameParser();
        for (int i = 0; i < 3; i++) {
            byte[] frame = sent.get(i);
            assertEquals(DropReason.NONE, parseSent(i).parse(MemorySegment.ofArray(frame), 0, frame.length));
            assertEquals(Ipv4Header.PROTOCOL_IPIP, parser.protocol());
            byte[] innerFrame = Arrays.copyOfRange(frame, 20, frame.length);
            System.arraycopy(frame, 0, innerFrame, 0, 14);
            assertEquals(DropReason.NONE, inner.parse(MemorySegment.ofArray(innerFrame), 0, innerFrame.length));
            assertEquals(100 + 1400 * i, inner.tcp().sequence());
            assertEquals(Checksums.transportIpv4(inner.segment(), 14, 34, inner.l4Length(), TcpHeader.CHECKSUM_OFFSET),
                    inner.tcp().checksum());
            assertEquals(i == 2, (inner.tcpFlags() & TcpHeader.PSH) != 0);
        }
        assertEquals(1, director.counter(DirectorCounter.TUNNEL_SUPER_FRAMES));
        assertEquals(1 + 3, director.counter(DirectorCounter.TUNNEL_ENCAPSULATED), "the SYN and 3 segments");
    }

    @Test
    void shouldAnswerASuperFrameWhoseSegmentsDoNotFitWithFragmentationNeeded() throws Exception {
        start(Forwarding.ipip());
        feed(client(TcpHeader.SYN, 0).build());
        sent.clear();
        feed(client(TcpHeader.ACK, 6000).build(), true, 1, 1460);
        assertEquals(1, sent.size());
        assertEquals(1480, parseSent(0).icmp().mtu());
        assertEquals(1, director.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG));
    }

    @Test
    void shouldCompleteAPartialChecksumBeforeEncapsulating() throws Exception {
        start(Forwarding.ipip());
        byte[] syn = client(TcpHeader.SYN, 10).build();
        byte[] partial = syn.clone();
        partial[34 + 16] ^= 0x5A;
        feed(partial, true, 0, 0);
        assertArrayEquals(ipPacket(syn), Arrays.copyOfRange(sent.get(0), 34, sent.get(0).length));
    }

    @Test
    void shouldDropASuperFrameOfAnotherGsoType() throws Exception {
        start(Forwarding.ipip());
        feed(client(TcpHeader.SYN, 0).build());
        sent.clear();
        feed(client(TcpHeader.ACK, 3000).build(), true, 5, 1000);
        assertTrue(sent.isEmpty());
        assertEquals(1, director.counter(DirectorCounter.DROP_TUNNEL_UNSUPPORTED));
    }

    @Test
    void shouldWrapAnIpv6PacketInIpv6AndAnswerOneTooBigWithPacketTooBig() throws Exception {
        String vip6 = "2001:db8::200";
        String client6 = "2001:db8:1::11";
        String server6 = "2001:db8::13";
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip6), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(server6), 80, 1));
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("eth0").loops(unusedLoops)
                .directorAddress6((Inet6Address) InetAddress.getByName("2001:db8::12"))
                .virtualService(vs, Forwarding.gue(6080)).connectionCapacity(1024).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), null);
        path = director.newPath((frame, offset, length) -> {
            sent.add(frame.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            return true;
        });
        path.tick();
        byte[] target = new byte[24];
        System.arraycopy(InetAddress.getByName(server6).getAddress(), 0, target, 0, 16);
        target[16] = (byte) NdpMessage.OPTION_TARGET_LINK_LAYER;
        target[17] = 1;
        for (int i = 0; i < 6; i++) {
            target[18 + i] = (byte) (RS_MAC >>> (40 - 8 * i));
        }
        feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC).ipv6(server6, "2001:db8::12").ttl(255)
                .icmpv6(Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT, 0,
                        NdpMessage.FLAG_SOLICITED | NdpMessage.FLAG_OVERRIDE)
                .payload(target).build());
        sent.clear();

        byte[] syn = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(client6, vip6).ttl(60)
                .tcp(40000, 80, TcpHeader.SYN).build();
        assertFalse(feed(syn));
        assertEquals(1, sent.size());
        FrameParser p = parseSent(0);
        assertEquals(6, p.ipVersion());
        assertEquals(RS_MAC, p.ethernet().destination());
        assertEquals(60, p.ipv6().hopLimit());
        assertEquals(6080, p.destinationPort());
        assertArrayEquals(InetAddress.getByName("2001:db8::12").getAddress(),
                Arrays.copyOfRange(sent.get(0), 14 + 8, 14 + 24), "outer source: the director");
        assertArrayEquals(InetAddress.getByName(server6).getAddress(),
                Arrays.copyOfRange(sent.get(0), 14 + 24, 14 + 40), "outer destination: the real server");
        assertEquals(Checksums.transportIpv6(p.segment(), 14, 54, p.l4Length(), 17, 6), p.udp().checksum());
        assertArrayEquals(ipPacket(syn), Arrays.copyOfRange(sent.get(0), 14 + 40 + 12, sent.get(0).length));

        sent.clear();
        feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(client6, vip6)
                .tcp(40000, 80, TcpHeader.ACK).payload(new byte[1440]).build());
        FrameParser icmp = parseSent(0);
        assertEquals(Icmpv6Header.TYPE_PACKET_TOO_BIG, icmp.icmpv6().type());
        assertEquals(1500 - 40 - 12, icmp.icmpv6().mtu());
        assertEquals(CLIENT_MAC, icmp.ethernet().destination());
        assertArrayEquals(InetAddress.getByName(vip6).getAddress(), Arrays.copyOfRange(sent.get(0), 14 + 8, 14 + 24),
                "from the VIP");
        assertEquals(Checksums.transportIpv6(icmp.segment(), 14, 54, icmp.l4Length(), 58, 2), icmp.icmpv6().checksum());
        assertEquals(1, director.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG));

        sent.clear();
        byte[] reply = new PacketBuilder().ipv6(vip6, client6).tcp(80, 40000, TcpHeader.ACK).payload(new byte[40])
                .buildIpPacket();
        byte[] error = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6("2001:db8:9::1", vip6)
                .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1400).payload(reply).build();
        assertFalse(feed(error));
        assertEquals(1, sent.size());
        FrameParser tunnelled = parseSent(0);
        assertEquals(Ipv4Header.PROTOCOL_UDP, tunnelled.protocol());
        assertArrayEquals(ipPacket(error), Arrays.copyOfRange(sent.get(0), 14 + 40 + 12, sent.get(0).length));
        assertEquals(1, director.counter(DirectorCounter.ICMP_RELAYED));
    }

    @Test
    void shouldTunnelAnIcmpErrorAboutAReplyToTheConnectionsRealServer() throws Exception {
        start(Forwarding.ipip());
        feed(client(TcpHeader.SYN, 0).build());
        sent.clear();
        // A router on the client's side cannot forward the server's reply (sent from the VIP).
        byte[] reply = new PacketBuilder().ipv4(VIP, CLIENT).dontFragment().tcp(80, 40000, TcpHeader.ACK)
                .payload(new byte[40]).buildIpPacket();
        byte[] error = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.9.1", VIP)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1400)
                .payload(Arrays.copyOf(reply, 28)).build();
        assertFalse(feed(error));
        assertEquals(1, sent.size());
        FrameParser p = parseSent(0);
        assertEquals(Ipv4Header.PROTOCOL_IPIP, p.protocol());
        assertEquals(ip(SERVER), p.ipv4().destination());
        assertArrayEquals(ipPacket(error), Arrays.copyOfRange(sent.get(0), 34, sent.get(0).length));
        assertEquals(1, director.counter(DirectorCounter.ICMP_RELAYED));

        sent.clear();
        byte[] otherConnection = new PacketBuilder().ipv4(VIP, CLIENT).tcp(80, 40001, TcpHeader.ACK).buildIpPacket();
        feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.9.1", VIP)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1400)
                .payload(Arrays.copyOf(otherConnection, 28)).build());
        assertTrue(sent.isEmpty(), "no connection, nothing tunnelled");
        assertEquals(1, director.counter(DirectorCounter.ICMP_RELAYED));
    }

    @Test
    void shouldKeepAnsweringTooBigPacketsWithinTheRateLimitOnly() throws Exception {
        start(Forwarding.ipip());
        feed(client(TcpHeader.SYN, 0).build());
        for (int i = 0; i < 3 * TunnelForwarder.ICMP_PER_SECOND; i++) {
            feed(client(TcpHeader.ACK, 1460).build());
        }
        assertEquals(3L * TunnelForwarder.ICMP_PER_SECOND, director.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG));
        assertEquals(TunnelForwarder.ICMP_PER_SECOND / 10, director.counter(DirectorCounter.TUNNEL_ICMP_SENT),
                "one burst until the loop's clock ticks");
    }

    private static int ip(String address) throws Exception {
        byte[] b = InetAddress.getByName(address).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    /** A received frame with the offload state a virtio-net header would carry. */
    private record OffloadFrame(MemorySegment buffer, int length, boolean needsChecksum, int gsoType, int gsoSize)
            implements ReceivedFrame {
        @Override
        public long offset() {
            return 0;
        }
    }
}

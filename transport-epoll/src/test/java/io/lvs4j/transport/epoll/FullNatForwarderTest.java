package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.Checksums;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Icmpv6Header;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The full-NAT data path of one loop, fed with frames built byte by byte; no socket, no root. */
class FullNatForwarderTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS1_MAC = 0x02_00_00_00_00_01L;
    private static final long RS2_MAC = 0x02_00_00_00_00_02L;
    private static final String VIP = "198.18.0.200";
    private static final String CLIENT = "198.18.0.11";
    private static final String RS1 = "198.18.1.7";
    private static final String RS2 = "198.18.1.8";
    private static final String LADDR = "198.18.1.254";
    private static final String LADDR2 = "198.18.1.253";
    private static final long S = 1_000_000_000L;

    private final Arena arena = Arena.ofConfined();
    private final MultiThreadIoEventLoopGroup unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FrameParser parser = new FrameParser(true);
    private final long[] clock = {1_000 * S};
    private final List<byte[]> sent = new ArrayList<>();
    private PacketDirector director;
    private DataPath path;

    /** A frame whose transport checksum is partial, as a virtio-net header says. */
    private static final class PartialFrame implements ReceivedFrame {
        private final MemorySegment buffer;

        PartialFrame(MemorySegment buffer) {
            this.buffer = buffer;
        }

        @Override
        public MemorySegment buffer() {
            return buffer;
        }

        @Override
        public long offset() {
            return 0;
        }

        @Override
        public int length() {
            return (int) buffer.byteSize();
        }

        @Override
        public boolean needsChecksum() {
            return true;
        }

        @Override
        public int gsoType() {
            return 0;
        }

        @Override
        public int gsoSize() {
            return 0;
        }
    }

    private void start(int servers, int firstPort, int lastPort, String... locals) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(RS1), 8080, 1));
        if (servers > 1) {
            vs.addRealServer(RealServer.of(InetAddress.getByName(RS2), 8080, 1));
        }
        InetAddress[] addresses = new InetAddress[locals.length];
        for (int i = 0; i < locals.length; i++) {
            addresses[i] = InetAddress.getByName(locals[i]);
        }
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName("198.18.0.12"))
                .loops(unusedLoops).virtualService(vs, Forwarding.fullNat()).localAddresses(addresses)
                .localPortRange(firstPort, lastPort).connectionCapacity(1024).clock(() -> clock[0]).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((frame, offset, length) -> {
            sent.add(frame.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            return true;
        });
        path.tick();
        feed(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS1_MAC, RS1, DIRECTOR_MAC, "198.18.0.12").build());
        feed(new PacketBuilder().ethernet(RS2_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS2_MAC, RS2, DIRECTOR_MAC, "198.18.0.12").build());
    }

    @AfterEach
    void tearDown() {
        if (path != null) {
            path.release();
        }
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** @return the frame as the director left it (parsed by {@link #parser}), or null if not forwarded */
    private MemorySegment feed(byte[] frame) {
        MemorySegment segment = copy(frame);
        if (!path.onFrame(segment, 0, frame.length)) {
            return null;
        }
        assertEquals(DropReason.NONE, parser.parse(segment, 0, frame.length));
        return segment;
    }

    private MemorySegment copy(byte[] frame) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return segment;
    }

    private static byte[] syn(int clientPort) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP).tcp(clientPort, 80, TcpHeader.SYN)
                .sequence(100, 0).build();
    }

    private void assertValid(MemorySegment frame) {
        assertEquals(DropReason.NONE, parser.parse(frame, 0, frame.byteSize()));
        assertEquals(Checksums.transportIpv4(frame, parser.l3Offset(), parser.l4Offset(), parser.l4Length(),
                TcpHeader.CHECKSUM_OFFSET), parser.tcp().checksum(), "TCP checksum");
    }

    @Test
    void shouldRewriteBothAddressesTowardTheServerAndBackTowardTheClient() throws Exception {
        start(2, 5000, 5009, LADDR);
        MemorySegment in = feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP)
                .tcp(40000, 80, TcpHeader.SYN).payload(new byte[] {1, 2, 3}).build());
        assertNotNull(in, "the SYN is forwarded");
        assertValid(in);
        long serverMac = parser.ethernet().destination();
        assertTrue(serverMac == RS1_MAC || serverMac == RS2_MAC);
        String server = serverMac == RS1_MAC ? RS1 : RS2;
        assertEquals(DIRECTOR_MAC, parser.ethernet().source());
        assertEquals(ip(LADDR), parser.ipv4().source());
        assertEquals(ip(server), parser.ipv4().destination());
        assertEquals(8080, parser.destinationPort());
        int localPort = parser.sourcePort();
        assertTrue(localPort >= 5000 && localPort <= 5009, "local port " + localPort);
        assertEquals(1, director.localPortsInUse());

        MemorySegment out = feed(new PacketBuilder().ethernet(serverMac, DIRECTOR_MAC).ipv4(server, LADDR)
                .tcp(8080, localPort, TcpHeader.SYN | TcpHeader.ACK).payload(new byte[] {9, 8}).build());
        assertNotNull(out, "the SYN-ACK is forwarded");
        assertValid(out);
        assertEquals(CLIENT_MAC, parser.ethernet().destination());
        assertEquals(DIRECTOR_MAC, parser.ethernet().source());
        assertEquals(ip(VIP), parser.ipv4().source());
        assertEquals(80, parser.sourcePort());
        assertEquals(ip(CLIENT), parser.ipv4().destination());
        assertEquals(40000, parser.destinationPort());
        assertEquals(1, director.counter(DirectorCounter.FULL_NAT_REPLIES_FORWARDED));
        assertEquals(0, director.counter(DirectorCounter.REPLIES_FORWARDED));
        assertEquals(1, director.counter(DirectorCounter.FORWARDED));

        long ignored = director.counter(DirectorCounter.IGNORED);
        assertNull(feed(new PacketBuilder().ethernet(serverMac, DIRECTOR_MAC).ipv4(server, LADDR)
                .tcp(8080, localPort + 1, TcpHeader.ACK).build()), "a reply to a port of no connection");
        assertNull(feed(new PacketBuilder().ethernet(serverMac, DIRECTOR_MAC).ipv4(server, CLIENT)
                .tcp(8080, 40000, TcpHeader.ACK).build()), "a full-NAT server never answers the client");
        assertEquals(ignored + 2, director.counter(DirectorCounter.IGNORED));
    }

    @Test
    void shouldTranslateIcmpErrorsAboutAConnectionForTheOtherSide() throws Exception {
        start(1, 5000, 5009, LADDR);
        byte[] syn = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP)
                .tcp(40000, 80, TcpHeader.SYN).sequence(100, 0).build();
        MemorySegment toServer = feed(syn);
        assertNotNull(toServer);
        int localPort = parser.sourcePort();
        byte[] forwarded = toServer.asSlice(14, 28).toArray(ValueLayout.JAVA_BYTE);

        // The real server's error about the forwarded SYN reaches the client about its own SYN.
        MemorySegment toClient = feed(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC).ipv4(RS1, LADDR)
                .icmp(3, 3, 0).payload(forwarded).build());
        assertNotNull(toClient, "translated for the client");
        byte[] quote = java.util.Arrays.copyOfRange(syn, 14, 14 + 28);
        byte[] expected = new PacketBuilder().ethernet(DIRECTOR_MAC, CLIENT_MAC).ipv4(VIP, CLIENT).icmp(3, 3, 0)
                .payload(quote).build();
        assertEquals(java.util.HexFormat.of().formatHex(expected),
                java.util.HexFormat.of().formatHex(toClient.toArray(ValueLayout.JAVA_BYTE)));
        assertEquals(1, director.counter(DirectorCounter.FULL_NAT_ICMP_TO_CLIENT));

        // The client's error about the SYN-ACK it got reaches the server about the one it sent.
        byte[] synAck = new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC).ipv4(RS1, LADDR)
                .tcp(8080, localPort, TcpHeader.SYN | TcpHeader.ACK).sequence(500, 101).build();
        MemorySegment reply = feed(synAck);
        assertNotNull(reply);
        byte[] replied = reply.asSlice(14, 28).toArray(ValueLayout.JAVA_BYTE);
        MemorySegment toRealServer = feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP)
                .icmp(3, 3, 0).payload(replied).build());
        assertNotNull(toRealServer, "translated for the real server");
        byte[] expectedToServer = new PacketBuilder().ethernet(DIRECTOR_MAC, RS1_MAC).ipv4(LADDR, RS1).icmp(3, 3, 0)
                .payload(java.util.Arrays.copyOfRange(synAck, 14, 14 + 28)).build();
        assertEquals(java.util.HexFormat.of().formatHex(expectedToServer),
                java.util.HexFormat.of().formatHex(toRealServer.toArray(ValueLayout.JAVA_BYTE)));
        assertEquals(1, director.counter(DirectorCounter.FULL_NAT_ICMP_TO_SERVER));

        long ignored = director.counter(DirectorCounter.IGNORED);
        byte[] otherQuote = forwarded.clone();
        otherQuote[20] ^= 1; // another local port
        assertNull(feed(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC).ipv4(RS1, LADDR)
                .icmp(3, 3, 0).payload(otherQuote).build()), "an error about no connection");
        assertEquals(ignored + 1, director.counter(DirectorCounter.IGNORED));
    }

    @Test
    void shouldKeepPartialChecksumsPartial() throws Exception {
        start(2, 5000, 5009, LADDR);
        byte[] bytes = syn(40000);
        MemorySegment frame = copy(bytes);
        long l4 = EthernetHeader.HEADER_LENGTH + 20;
        NetworkOrder.u16(frame, l4 + TcpHeader.CHECKSUM_OFFSET, pseudoHeaderSum(frame));
        assertTrue(path.onFrame(new PartialFrame(frame)));
        assertEquals(pseudoHeaderSum(frame), NetworkOrder.u16(frame, l4 + TcpHeader.CHECKSUM_OFFSET) % 0xFFFF,
                "the pseudo-header sum of the new addresses");
    }

    private static int pseudoHeaderSum(MemorySegment frame) {
        long ip = EthernetHeader.HEADER_LENGTH;
        long sum = Checksums.add(frame, ip + 12, 8, 0) + 6 + (frame.byteSize() - ip - 20);
        return (~Checksums.finish(sum) & 0xFFFF) % 0xFFFF;
    }

    @Test
    void shouldRefuseAConnectionCleanlyWhenNoLocalPortIsLeftAndReuseThePortOnceFree() throws Exception {
        start(1, 5000, 5000, LADDR);
        assertNotNull(feed(syn(40000)));
        assertEquals(5000, parser.sourcePort());
        assertNull(feed(syn(40001)), "one port: the second SYN is refused");
        assertEquals(1, director.counter(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED));
        assertEquals(1, director.connectionCount(), "no entry for the refused connection");
        assertEquals(1, director.localPortsInUse());
        assertNull(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP)
                .tcp(40001, 80, TcpHeader.ACK).build()), "the refused client's next segment finds nothing");

        clock[0] += 61 * S; // SYN_RECV lives 60 s
        path.tick();
        assertEquals(0, director.connectionCount());
        assertEquals(0, director.localPortsInUse(), "expiry hands every port back");
        MemorySegment again = feed(syn(40003));
        assertNotNull(again, "a port is free again");
        assertEquals(5000, parser.sourcePort());
    }

    @Test
    void shouldTakeTheNextLocalAddressWhenOneIsExhausted() throws Exception {
        start(1, 6000, 6000, LADDR, LADDR2);
        List<Integer> sources = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MemorySegment out = feed(syn(41000 + i));
            if (out != null) {
                sources.add(parser.ipv4().source());
                assertEquals(6000, parser.sourcePort());
            }
        }
        assertEquals(List.of(ip(LADDR), ip(LADDR2)), sources, "one port on each local address, in turn");
        assertEquals(2, director.localPortsInUse());
        assertEquals(2, director.counter(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED));
    }

    @Test
    void shouldAnswerArpForLocalAddressesAndHandPortsBackWhenReleased() throws Exception {
        start(2, 5000, 5009, LADDR);
        sent.clear();
        assertNull(feed(new PacketBuilder().ethernet(RS1_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, RS1_MAC, RS1, 0, LADDR).build()));
        assertEquals(1, sent.size(), "an ARP reply");
        FrameParser reply = new FrameParser();
        MemorySegment arp = MemorySegment.ofArray(sent.get(0));
        assertEquals(DropReason.NONE, reply.parse(arp, 0, arp.byteSize()));
        assertEquals(ArpPacket.OP_REPLY, reply.arp().operation());
        assertEquals(ip(LADDR), reply.arp().senderIp());
        assertEquals(DIRECTOR_MAC, reply.arp().senderMac());

        assertNotNull(feed(syn(40000)));
        assertNotNull(feed(syn(40001)));
        assertEquals(2, director.localPortsInUse());
        path.release();
        assertEquals(0, director.localPortsInUse(), "closing the table hands the ports back");
        path = null;
    }

    /**
     * Seeded mutations of client SYNs, replies to the local address and ICMP errors both ways:
     * nothing throws, and once the clock passes every timeout no entry and no port is left.
     */
    @Test
    void shouldSurviveMutatedFramesAndLeakNoPort() throws Exception {
        start(2, 5000, 5003, LADDR, LADDR2);
        Random random = new Random(7);
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seeds.add(syn(42000 + i));
            seeds.add(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC).ipv4(RS1, LADDR).tcp(8080, 5000 + i % 4, 0x12)
                    .build());
            byte[] quote = new PacketBuilder().ipv4(LADDR2, RS2).udp(5000 + i % 4, 8080).buildIpPacket();
            seeds.add(new PacketBuilder().ethernet(RS2_MAC, DIRECTOR_MAC).ipv4(RS2, LADDR2).icmp(3, 3, 0)
                    .payload(java.util.Arrays.copyOf(quote, 28)).build());
            byte[] replyQuote = new PacketBuilder().ipv4(VIP, CLIENT).tcp(80, 42000 + i, 0x12).buildIpPacket();
            seeds.add(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP).icmp(3, 3, 0)
                    .payload(java.util.Arrays.copyOf(replyQuote, 28)).build());
        }
        for (byte[] seed : seeds) {
            feed(seed);
        }
        int forwarded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] frame = seeds.get(random.nextInt(seeds.size())).clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = 14 + random.nextInt(frame.length - 14);
                frame[at] = (byte) random.nextInt(256);
            }
            MemorySegment segment = copy(frame);
            if (path.onFrame(segment, 0, frame.length)) {
                forwarded++;
            }
        }
        assertTrue(forwarded > 0, "some mutated frames still make sense");
        assertTrue(director.localPortsInUse() <= 2 * 4 * 2, "at most the ports of two servers' pools");
        assertEquals(director.connectionCount(), director.localPortsInUse(), "one port per live connection");
        clock[0] += 3_600 * S;
        path.tick();
        assertEquals(0, director.connectionCount());
        assertEquals(0, director.localPortsInUse());
    }

    @Test
    void shouldRewriteIpv6BothWaysAndAnswerSolicitationsForTheLocalAddress() throws Exception {
        String vip6 = "2001:db8::100";
        String client6 = "2001:db8::b";
        String server6 = "2001:db8:1::7";
        String local6 = "2001:db8:1::fe";
        String director6 = "2001:db8:1::2";
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip6), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(server6), 8080, 1));
        director = PacketDirector.builder().interfaceName("eth0").loops(unusedLoops)
                .directorAddress6((java.net.Inet6Address) InetAddress.getByName(director6))
                .virtualService(vs, Forwarding.fullNat()).localAddresses(InetAddress.getByName(local6))
                .localPortRange(7000, 7000).connectionCapacity(64).clock(() -> clock[0]).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((frame, offset, length) -> {
            sent.add(frame.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            return true;
        });
        path.tick();
        feed(ndp(RS1_MAC, DIRECTOR_MAC, server6, director6, Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                NdpMessage.FLAG_SOLICITED | NdpMessage.FLAG_OVERRIDE, server6, NdpMessage.OPTION_TARGET_LINK_LAYER,
                RS1_MAC));
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> director.resolved(InetAddress.getByName(server6)));

        MemorySegment in = feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(client6, vip6)
                .tcp(40000, 80, TcpHeader.SYN).payload(new byte[] {1, 2, 3}).build());
        assertNotNull(in, "the SYN is forwarded");
        assertValid6(in);
        assertEquals(RS1_MAC, parser.ethernet().destination());
        assertEquals(InetAddress.getByName(local6), address(in, parser.sourceAddressOffset()));
        assertEquals(InetAddress.getByName(server6), address(in, parser.destinationAddressOffset()));
        assertEquals(7000, parser.sourcePort());
        assertEquals(8080, parser.destinationPort());
        assertEquals(1, director.localPortsInUse());
        assertNull(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(client6, vip6)
                .tcp(40001, 80, TcpHeader.SYN).build()), "the only port is taken");
        assertEquals(1, director.counter(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED));

        MemorySegment out = feed(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC).ipv6(server6, local6)
                .tcp(8080, 7000, TcpHeader.SYN | TcpHeader.ACK).payload(new byte[] {9}).build());
        assertNotNull(out, "the SYN-ACK is forwarded");
        assertValid6(out);
        assertEquals(CLIENT_MAC, parser.ethernet().destination());
        assertEquals(InetAddress.getByName(vip6), address(out, parser.sourceAddressOffset()));
        assertEquals(InetAddress.getByName(client6), address(out, parser.destinationAddressOffset()));
        assertEquals(80, parser.sourcePort());
        assertEquals(40000, parser.destinationPort());
        assertEquals(1, director.counter(DirectorCounter.FULL_NAT_REPLIES_FORWARDED));

        sent.clear();
        feed(ndp(RS1_MAC, 0x3333_FF00_00FEL, server6, "ff02::1:ff00:fe", Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0,
                local6, NdpMessage.OPTION_SOURCE_LINK_LAYER, RS1_MAC));
        assertEquals(1, sent.size(), "the local address's solicitation answered");

        path.release();
        assertEquals(0, director.localPortsInUse(), "closing the table hands the port back");
        path = null;
    }

    private void assertValid6(MemorySegment frame) {
        assertEquals(DropReason.NONE, parser.parse(frame, 0, frame.byteSize()));
        assertEquals(Checksums.transportIpv6(frame, parser.l3Offset(), parser.l4Offset(), parser.l4Length(), 6,
                TcpHeader.CHECKSUM_OFFSET), parser.tcp().checksum(), "TCP checksum");
    }

    private static InetAddress address(MemorySegment frame, long offset) throws Exception {
        return InetAddress.getByAddress(frame.asSlice(offset, 16).toArray(ValueLayout.JAVA_BYTE));
    }

    private static byte[] ndp(long fromMac, long toMac, String from, String to, int type, int flags, String target,
            int option, long optionMac) throws Exception {
        byte[] payload = new byte[24];
        System.arraycopy(InetAddress.getByName(target).getAddress(), 0, payload, 0, 16);
        payload[16] = (byte) option;
        payload[17] = 1;
        for (int i = 0; i < 6; i++) {
            payload[18 + i] = (byte) (optionMac >>> (40 - 8 * i));
        }
        return new PacketBuilder().ethernet(fromMac, toMac).ipv6(from, to).ttl(255).icmpv6(type, 0, flags)
                .payload(payload).build();
    }

    @Test
    void shouldRefuseFullNatWithoutLocalAddressesOrWithAVipAsOne() throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        PacketDirectorBuilder builder = PacketDirector.builder().interfaceName("eth0")
                .directorAddress(InetAddress.getByName("198.18.0.12")).loops(unusedLoops)
                .virtualService(vs, Forwarding.fullNat());
        assertThrows(IllegalStateException.class, builder::build);
        builder.localAddresses(InetAddress.getByName(VIP));
        assertThrows(IllegalStateException.class, builder::build);
        assertThrows(IllegalArgumentException.class, () -> builder.localPortRange(10, 5));
    }

    private static int ip(String address) throws Exception {
        byte[] b = InetAddress.getByName(address).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}

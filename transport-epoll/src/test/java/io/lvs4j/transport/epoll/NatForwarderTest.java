package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.Checksums;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NAT data path of one loop, fed with frames built byte by byte; no socket, no root. */
class NatForwarderTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS_MAC = 0x02_00_00_00_00_01L;
    private static final String VIP = "198.18.0.200";
    private static final String CLIENT = "198.18.1.11";
    private static final String SERVER = "198.18.0.13";

    private final Arena arena = Arena.ofConfined();
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private DataPath path;
    private final FrameParser parser = new FrameParser(true);

    @BeforeEach
    void setUp() throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(SERVER), 8080, 1));
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName("198.18.0.12"))
                .loops(unusedLoops).virtualService(vs, Forwarding.masquerade()).connectionCapacity(1024).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((frame, offset, length) -> true);
        path.tick();
        feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS_MAC, SERVER, DIRECTOR_MAC, "198.18.0.12").build());
    }

    @AfterEach
    void tearDown() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** @return the frame as the director left it, or null if not forwarded */
    private MemorySegment feed(byte[] frame) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return path.onFrame(segment, 0, frame.length) ? segment : null;
    }

    private void assertValid(MemorySegment frame) {
        assertEquals(DropReason.NONE, parser.parse(frame, 0, frame.byteSize()));
        assertEquals(Checksums.transportIpv4(frame, parser.l3Offset(), parser.l4Offset(), parser.l4Length(),
                TcpHeader.CHECKSUM_OFFSET), parser.tcp().checksum(), "TCP checksum");
    }

    @Test
    void shouldRewriteClientFramesToTheMappedServerPortAndRepliesBackToTheVip() throws Exception {
        MemorySegment in = feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP)
                .tcp(40000, 80, 0x02).payload(new byte[] {1, 2, 3}).build());
        assertTrue(in != null, "the SYN is forwarded");
        assertValid(in);
        assertEquals(RS_MAC, parser.ethernet().destination());
        assertEquals(DIRECTOR_MAC, parser.ethernet().source());
        assertEquals(ip(SERVER), parser.ipv4().destination());
        assertEquals(ip(CLIENT), parser.ipv4().source());
        assertEquals(8080, parser.destinationPort());

        MemorySegment out = feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC).ipv4(SERVER, CLIENT)
                .tcp(8080, 40000, 0x12).payload(new byte[] {9, 8}).build());
        assertTrue(out != null, "the SYN-ACK is forwarded");
        assertValid(out);
        assertEquals(CLIENT_MAC, parser.ethernet().destination());
        assertEquals(DIRECTOR_MAC, parser.ethernet().source());
        assertEquals(ip(VIP), parser.ipv4().source());
        assertEquals(80, parser.sourcePort());
        assertEquals(ip(CLIENT), parser.ipv4().destination());
        assertEquals(1, director.counter(DirectorCounter.REPLIES_FORWARDED));
        assertEquals(1, director.counter(DirectorCounter.FORWARDED));
    }

    @Test
    void shouldLeaveFramesOfUnknownConnectionsFromServersToTheKernel() throws Exception {
        long ignored = director.counter(DirectorCounter.IGNORED);
        assertFalse(feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC).ipv4(SERVER, CLIENT)
                .tcp(8080, 40001, 0x12).build()) != null);
        assertEquals(0, director.counter(DirectorCounter.REPLIES_FORWARDED));
        assertEquals(ignored + 1, director.counter(DirectorCounter.IGNORED));
    }

    /** A frame as a packet socket with virtio-net headers reports it. */
    private record Offloaded(MemorySegment buffer, long offset, int length, boolean needsChecksum, int gsoType,
            int gsoSize) implements ReceivedFrame {
    }

    private MemorySegment feedOffloaded(byte[] frame, int gsoSize) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return path.onFrame(new Offloaded(segment, 0, frame.length, true, gsoSize > 0 ? 1 : 0, gsoSize))
                ? segment : null;
    }

    /** Puts the pseudo-header sum in the TCP checksum field, as a local sender leaves it. */
    private static byte[] partial(byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int l4Length = frame.length - 34;
        long sum = Checksums.add(s, 14 + Ipv4Header.SOURCE_OFFSET, 8, 0) + Ipv4Header.PROTOCOL_TCP + l4Length;
        NetworkOrder.u16(s, 34 + TcpHeader.CHECKSUM_OFFSET, ~Checksums.finish(sum) & 0xFFFF);
        return frame;
    }

    /** Completes a partial TCP checksum as the device does on transmit. */
    private static void completeAsDevice(MemorySegment frame) {
        long l4Length = frame.byteSize() - 34;
        NetworkOrder.u16(frame, 34 + TcpHeader.CHECKSUM_OFFSET, Checksums.finish(Checksums.add(frame, 34, l4Length, 0)));
    }

    private void assertPartial(MemorySegment frame) {
        assertEquals(DropReason.NONE, parser.parse(frame, 0, frame.byteSize()));
        long sum = Checksums.add(frame, 14 + Ipv4Header.SOURCE_OFFSET, 8, 0) + Ipv4Header.PROTOCOL_TCP
                + parser.l4Length();
        assertEquals(~Checksums.finish(sum) & 0xFFFF, parser.tcp().checksum(), "the pseudo-header sum of the new header");
        completeAsDevice(frame);
        assertValid(frame);
    }

    @Test
    void shouldKeepPartialChecksumsOfOffloadedFramesValidBothWays() throws Exception {
        MemorySegment syn = feedOffloaded(partial(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC)
                .ipv4(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN).build()), 0);
        assertTrue(syn != null, "the SYN is forwarded");
        assertPartial(syn);
        assertEquals(ip(SERVER), parser.ipv4().destination());
        assertEquals(8080, parser.destinationPort());

        byte[] data = new byte[60_000];
        new Random(7).nextBytes(data);
        MemorySegment superFrame = feedOffloaded(partial(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .ipv4(SERVER, CLIENT).tcp(8080, 40000, TcpHeader.ACK).payload(data).build()), 1448);
        assertTrue(superFrame != null, "the GSO super-frame of the reply is forwarded");
        assertPartial(superFrame);
        assertEquals(ip(VIP), parser.ipv4().source());
        assertEquals(80, parser.sourcePort());
        assertEquals(CLIENT_MAC, parser.ethernet().destination());
        assertEquals(2, director.counter(DirectorCounter.NAT_PARTIAL_CHECKSUMS));
    }

    @Test
    void shouldTranslateAnErrorFromTheServersSideForTheClient() throws Exception {
        assertTrue(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP)
                .tcp(40000, 80, TcpHeader.SYN).build()) != null);
        byte[] sent = new PacketBuilder().ipv4(CLIENT, SERVER).tcp(40000, 8080, TcpHeader.SYN).buildIpPacket();
        byte[] asClientSent = new PacketBuilder().ipv4(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN).buildIpPacket();
        MemorySegment out = feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC).ipv4("198.18.0.254", CLIENT)
                .icmp(IcmpHeader.TYPE_TIME_EXCEEDED, 0, 0).payload(Arrays.copyOf(sent, 28)).build());
        assertTrue(out != null, "the error is sent on to the client");
        assertEquals(DropReason.NONE, parser.parse(out, 0, out.byteSize()));
        assertEquals(CLIENT_MAC, parser.ethernet().destination());
        assertEquals(DIRECTOR_MAC, parser.ethernet().source());
        assertEquals(ip(VIP), parser.ipv4().source(), "the error comes from the VIP");
        assertEquals(ip(CLIENT), parser.ipv4().destination());
        byte[] quote = new byte[28];
        MemorySegment.copy(out, ValueLayout.JAVA_BYTE, parser.quotedL3Offset(), quote, 0, 28);
        byte[] expected = Arrays.copyOf(asClientSent, 28);
        assertArrayEquals(expected, quote, "the quote is the client's packet as the client sent it (its first 8 transport bytes)");
        assertEquals(0, Checksums.finish(Checksums.add(out, parser.l4Offset(), parser.l4Length(), 0)), "ICMP checksum");
        assertEquals(1, director.counter(DirectorCounter.NAT_ICMP_TO_CLIENT));
    }

    @Test
    void shouldTranslateFragmentationNeededToTheVipForTheServer() throws Exception {
        assertTrue(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP)
                .tcp(40000, 80, TcpHeader.SYN).build()) != null);
        byte[] reply = new PacketBuilder().ipv4(VIP, CLIENT).dontFragment().tcp(80, 40000, TcpHeader.ACK)
                .payload(new byte[1400]).buildIpPacket();
        MemorySegment out = feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.1.1", VIP)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1300)
                .payload(Arrays.copyOf(reply, 28)).build());
        assertTrue(out != null, "the error is sent on to the real server");
        assertEquals(DropReason.NONE, parser.parse(out, 0, out.byteSize()));
        assertEquals(RS_MAC, parser.ethernet().destination());
        assertEquals(ip(SERVER), parser.ipv4().destination());
        assertEquals(8080, parser.quotedSourcePort());
        assertEquals(40000, parser.quotedDestinationPort());
        assertEquals(ip(SERVER), NetworkOrder.u32(out, parser.quotedSourceAddressOffset()));
        assertEquals(0, Checksums.finish(Checksums.add(out, parser.l4Offset(), parser.l4Length(), 0)), "ICMP checksum");
        assertTrue(Checksums.ipv4HeaderValid(out, parser.quotedL3Offset(), 20), "quoted header checksum");
        assertEquals(1, director.counter(DirectorCounter.NAT_ICMP_TO_SERVER));
    }

    @Test
    void shouldLeaveErrorsAboutUnknownConnectionsAlone() throws Exception {
        byte[] reply = new PacketBuilder().ipv4(VIP, CLIENT).tcp(80, 40009, TcpHeader.ACK).buildIpPacket();
        long ignored = director.counter(DirectorCounter.IGNORED);
        assertFalse(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.1.1", VIP)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 1, 0).payload(Arrays.copyOf(reply, 28)).build()) != null);
        byte[] request = new PacketBuilder().ipv4(CLIENT, SERVER).tcp(40009, 8080, TcpHeader.SYN).buildIpPacket();
        assertFalse(feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC).ipv4(SERVER, CLIENT)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 1, 0).payload(Arrays.copyOf(request, 28)).build()) != null);
        assertEquals(ignored + 2, director.counter(DirectorCounter.IGNORED));
        assertEquals(0, director.counter(DirectorCounter.NAT_ICMP_TO_SERVER) + director.counter(DirectorCounter.NAT_ICMP_TO_CLIENT));
    }

    private static final String CLIENT6 = "2001:db8:1::11";
    private static final String VIP6 = "2001:db8::200";
    private static final String SERVER6 = "2001:db8::13";

    /** An IPv6 NAT connection CLIENT6:40000 -> VIP6:80 to SERVER6:8080 (destination id 0, the server's MAC). */
    private int ipv6Connection(ConnectionTable table6, int protocol) throws Exception {
        byte[] addresses = new byte[48];
        System.arraycopy(InetAddress.getByName(CLIENT6).getAddress(), 0, addresses, 0, 16);
        System.arraycopy(InetAddress.getByName(VIP6).getAddress(), 0, addresses, 16, 16);
        System.arraycopy(InetAddress.getByName(SERVER6).getAddress(), 0, addresses, 32, 16);
        MemorySegment a = MemorySegment.ofArray(addresses);
        return table6.insert(new FlowTuple().ipVersion(6).protocol(protocol).client(a, 0, 40000).virtual(a, 16, 80)
                .server(a, 32, 8080), 0, ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
    }

    /** The frame last parsed by {@link #parseOnLoop}, as the loop hands it to a forwarder. */
    private ReceivedFrame received;

    /** Parses a frame as the loop does (the parser and the received frame are what NatForwarder reads). */
    private MemorySegment parseOnLoop(byte[] frame, boolean needsChecksum) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        received = new Offloaded(segment, 0, frame.length, needsChecksum, 0, 0);
        assertEquals(DropReason.NONE, parser.parse(segment, 0, frame.length));
        return segment;
    }

    /** Finds the connection an ICMP error's quote (a reply) belongs to, as the loop does. */
    private int quotedReply(ConnectionTable table) {
        return table.lookup(new FlowTuple().quotedToClient(parser));
    }

    private static byte[] partial6(byte[] frame, int protocol, int checksumOffset) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int l4Length = frame.length - 54;
        long sum = Checksums.add(s, 14 + Ipv6Header.SOURCE_OFFSET, 32, 0) + protocol + l4Length;
        NetworkOrder.u16(s, 54 + checksumOffset, ~Checksums.finish(sum) & 0xFFFF);
        return frame;
    }

    @Test
    void shouldForwardIpv6ConnectionsBothWaysKeepingPartialChecksumsValid() throws Exception {
        try (ConnectionTable table6 = ConnectionTable.builder().ipv6().capacity(64).registry(new io.lvs4j.core.conn.DestinationRegistry(4)).build()) {
            NatForwarder nat6 = new NatForwarder(path.context(), arena, 1024, 64);
            int entry = ipv6Connection(table6, Ipv4Header.PROTOCOL_TCP);
            MemorySegment syn = parseOnLoop(partial6(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC)
                    .ipv6(CLIENT6, VIP6).tcp(40000, 80, TcpHeader.SYN).build(), 6, TcpHeader.CHECKSUM_OFFSET), true);
            assertTrue(nat6.toServer(parser, received, table6, entry, Forwarding.masquerade()));
            NetworkOrder.u16(syn, 54 + TcpHeader.CHECKSUM_OFFSET,
                    Checksums.finish(Checksums.add(syn, 54, syn.byteSize() - 54, 0)));
            assertEquals(DropReason.NONE, parser.parse(syn, 0, syn.byteSize()));
            assertEquals(Checksums.transportIpv6(syn, 14, 54, parser.l4Length(), 6, TcpHeader.CHECKSUM_OFFSET),
                    parser.tcp().checksum(), "completed as the device does, the checksum is right");
            assertArrayEquals(InetAddress.getByName(SERVER6).getAddress(), bytes(syn, 14 + Ipv6Header.DESTINATION_OFFSET));
            assertEquals(8080, parser.destinationPort());
            assertEquals(RS_MAC, parser.ethernet().destination());

            byte[] data = new byte[30_000];
            new Random(11).nextBytes(data);
            MemorySegment reply = parseOnLoop(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC).ipv6(SERVER6, CLIENT6)
                    .tcp(8080, 40000, TcpHeader.ACK).payload(data).build(), false);
            assertEquals(entry, nat6.fromServer(parser, received, table6));
            assertEquals(DropReason.NONE, parser.parse(reply, 0, reply.byteSize()));
            assertEquals(Checksums.transportIpv6(reply, 14, 54, parser.l4Length(), 6, TcpHeader.CHECKSUM_OFFSET),
                    parser.tcp().checksum(), "a full checksum updated incrementally");
            assertArrayEquals(InetAddress.getByName(VIP6).getAddress(), bytes(reply, 14 + Ipv6Header.SOURCE_OFFSET));
            assertEquals(80, parser.sourcePort());
            assertEquals(CLIENT_MAC, parser.ethernet().destination());
            assertEquals(1, director.counter(DirectorCounter.NAT_PARTIAL_CHECKSUMS));
            assertEquals(1, director.counter(DirectorCounter.REPLIES_FORWARDED));
        }
    }

    @Test
    void shouldTranslateIcmpv6ErrorsAboutIpv6ConnectionsBothWays() throws Exception {
        try (ConnectionTable table6 = ConnectionTable.builder().ipv6().capacity(64).registry(new io.lvs4j.core.conn.DestinationRegistry(4)).build()) {
            NatForwarder nat6 = new NatForwarder(path.context(), arena, 1024, 64);
            int entry = ipv6Connection(table6, Ipv4Header.PROTOCOL_UDP);
            parseOnLoop(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(CLIENT6, VIP6).udp(40000, 80)
                    .build(), false);
            assertTrue(nat6.toServer(parser, received, table6, entry, Forwarding.masquerade()),
                    "the client's MAC is remembered");

            byte[] request = new PacketBuilder().ipv6(CLIENT6, SERVER6).udp(40000, 8080).payload(new byte[4])
                    .buildIpPacket();
            MemorySegment unreachable = parseOnLoop(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                    .ipv6(SERVER6, CLIENT6).icmpv6(Icmpv6Header.TYPE_DESTINATION_UNREACHABLE, 4, 0).payload(request)
                    .build(), false);
            assertEquals(entry, nat6.fromServer(parser, received, table6));
            assertEquals(DropReason.NONE, parser.parse(unreachable, 0, unreachable.byteSize()));
            assertArrayEquals(InetAddress.getByName(VIP6).getAddress(), bytes(unreachable, 14 + Ipv6Header.SOURCE_OFFSET));
            assertArrayEquals(InetAddress.getByName(VIP6).getAddress(), bytes(unreachable, parser.quotedDestinationAddressOffset()));
            assertEquals(80, parser.quotedDestinationPort());
            assertEquals(CLIENT_MAC, parser.ethernet().destination());
            assertEquals(Checksums.transportIpv6(unreachable, 14, 54, parser.l4Length(), Ipv6Header.NEXT_ICMPV6,
                    Icmpv6Header.CHECKSUM_OFFSET), parser.icmpv6().checksum());

            byte[] reply = new PacketBuilder().ipv6(VIP6, CLIENT6).udp(80, 40000).payload(new byte[1300]).buildIpPacket();
            MemorySegment tooBig = parseOnLoop(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC)
                    .ipv6("2001:db8:1::1", VIP6).icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
                    .payload(Arrays.copyOf(reply, 1232)).build(), false);
            assertEquals(entry, quotedReply(table6));
            assertTrue(nat6.icmpToServer(parser, received, table6, entry, Forwarding.masquerade()));
            assertEquals(DropReason.NONE, parser.parse(tooBig, 0, tooBig.byteSize()));
            assertArrayEquals(InetAddress.getByName(SERVER6).getAddress(), bytes(tooBig, 14 + Ipv6Header.DESTINATION_OFFSET));
            assertArrayEquals(InetAddress.getByName(SERVER6).getAddress(), bytes(tooBig, parser.quotedSourceAddressOffset()));
            assertEquals(8080, parser.quotedSourcePort());
            assertEquals(RS_MAC, parser.ethernet().destination());
            assertEquals(Checksums.transportIpv6(tooBig, 14, 54, parser.l4Length(), Ipv6Header.NEXT_ICMPV6,
                    Icmpv6Header.CHECKSUM_OFFSET), parser.icmpv6().checksum());
            assertEquals(1, director.counter(DirectorCounter.NAT_ICMP_TO_CLIENT));
            assertEquals(1, director.counter(DirectorCounter.NAT_ICMP_TO_SERVER));
        }
    }

    private static byte[] bytes(MemorySegment frame, long offset) {
        byte[] b = new byte[16];
        MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, offset, b, 0, 16);
        return b;
    }

    private static int ip(String address) throws Exception {
        byte[] b = InetAddress.getByName(address).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}

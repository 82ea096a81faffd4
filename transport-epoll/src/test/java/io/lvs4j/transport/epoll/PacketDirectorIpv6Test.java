package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.NdpMessage;
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
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IPv6 data path of one loop (next to an IPv4 service), fed with frames built byte by
 * byte: Neighbor Discovery for the VIP and the real servers, and direct routing.
 */
class PacketDirectorIpv6Test {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS1_MAC = 0x02_00_00_00_00_01L;
    private static final long RS2_MAC = 0x02_00_00_00_00_02L;
    private static final String VIP = "2001:db8::100";
    private static final String CLIENT = "2001:db8::b";
    private static final String DIRECTOR = "2001:db8::a";
    private static final String RS1 = "2001:db8::d";
    private static final String RS2 = "2001:db8::e";

    private final Arena arena = Arena.ofConfined();
    private final List<byte[]> sent = new ArrayList<>();
    private final FrameParser parser = new FrameParser();
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private DataPath path;
    private VirtualService vs;

    @BeforeEach
    void setUp() throws Exception {
        vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(RS1), 80, 1));
        vs.addRealServer(RealServer.of(InetAddress.getByName(RS2), 80, 1));
        VirtualService v4 = new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.200"), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        v4.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), 80, 1));
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("eth0").loops(unusedLoops)
                .directorAddress(InetAddress.getByName("198.18.0.12"))
                .directorAddress6((Inet6Address) InetAddress.getByName(DIRECTOR))
                .virtualService(vs).virtualService(v4).connectionCapacity(1024).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((frame, offset, length) -> sent.add(frame.asSlice(offset, length)
                .toArray(ValueLayout.JAVA_BYTE)));
        path.tick();
    }

    @AfterEach
    void tearDown() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private boolean feed(byte[] frame) {
        return feed(path, frame);
    }

    private boolean feed(DataPath to, byte[] frame) {
        MemorySegment segment = arena.allocate(frame.length + 16);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 16, frame.length);
        boolean forward = to.onFrame(segment, 16, frame.length);
        if (forward) {
            sent.add(segment.asSlice(16, frame.length).toArray(ValueLayout.JAVA_BYTE));
        }
        return forward;
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

    private static byte[] tcp(int clientPort, int flags) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(CLIENT, VIP).tcp(clientPort, 80, flags)
                .build();
    }

    private void resolveBothServers() throws Exception {
        for (Object[] rs : new Object[][] {{RS1, RS1_MAC}, {RS2, RS2_MAC}}) {
            long mac = (Long) rs[1];
            feed(ndp(mac, DIRECTOR_MAC, (String) rs[0], DIRECTOR, Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                    NdpMessage.FLAG_SOLICITED | NdpMessage.FLAG_OVERRIDE, (String) rs[0],
                    NdpMessage.OPTION_TARGET_LINK_LAYER, mac));
        }
        sent.clear();
    }

    private static long mac(byte[] frame, int at) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (frame[at + i] & 0xFF);
        }
        return mac;
    }

    @Test
    void shouldAnswerASolicitationForTheIpv6VipOnlyWhileActive() throws Exception {
        byte[] ns = ndp(CLIENT_MAC, 0x3333_FF00_0100L, CLIENT, "ff02::1:ff00:100",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP, NdpMessage.OPTION_SOURCE_LINK_LAYER, CLIENT_MAC);
        assertFalse(feed(ns));
        assertEquals(1, sent.size());
        MemorySegment na = MemorySegment.ofArray(sent.get(0));
        assertEquals(DropReason.NONE, parser.parse(na, 0, na.byteSize()));
        NdpMessage message = new NdpMessage().wrap(na, parser.l4Offset());
        assertEquals(DropReason.NONE, message.validate(parser.ipv6(), parser.l4Length(), true));
        assertTrue(message.isAdvertisement() && message.solicited() && message.override());
        assertEquals(DIRECTOR_MAC, message.targetLinkLayer());
        assertEquals(CLIENT_MAC, parser.ethernet().destination());
        director.active(false);
        assertFalse(feed(ns));
        assertEquals(1, sent.size(), "a backup does not answer");
        assertEquals(1, director.counter(DirectorCounter.NEIGHBOUR_ADVERTISEMENTS));
    }

    @Test
    void shouldAnnounceTheIpv6VipWithTheGratuitousArpsOfTheIpv4One() {
        path.gratuitous();
        assertEquals(2, sent.size());
        assertEquals(EthernetHeader.TYPE_ARP, new EthernetHeader().wrap(MemorySegment.ofArray(sent.get(0)), 0)
                .etherType());
        MemorySegment na = MemorySegment.ofArray(sent.get(1));
        assertEquals(DropReason.NONE, parser.parse(na, 0, na.byteSize()));
        NdpMessage message = new NdpMessage().wrap(na, parser.l4Offset());
        assertEquals(DropReason.NONE, message.validate(parser.ipv6(), parser.l4Length(), true));
        assertTrue(message.override());
        assertFalse(message.solicited());
        assertEquals(0x3333_0000_0001L, parser.ethernet().destination());
        assertEquals(1, director.counter(DirectorCounter.GRATUITOUS_ARPS));
        assertEquals(1, director.counter(DirectorCounter.UNSOLICITED_ADVERTISEMENTS));
    }

    @Test
    void shouldSolicitTheIpv6RealServersFromItsOwnAddressAndArpForTheIpv4One() {
        path.resolve();
        assertEquals(3, sent.size());
        Set<Long> solicited = new java.util.HashSet<>();
        int arps = 0;
        for (byte[] frame : sent) {
            MemorySegment f = MemorySegment.ofArray(frame);
            assertEquals(DropReason.NONE, parser.parse(f, 0, f.byteSize()));
            if (parser.etherType() == EthernetHeader.TYPE_ARP) {
                arps++;
                continue;
            }
            NdpMessage message = new NdpMessage().wrap(f, parser.l4Offset());
            assertEquals(DropReason.NONE, message.validate(parser.ipv6(), parser.l4Length(), true));
            assertTrue(message.isSolicitation());
            assertEquals(DIRECTOR_MAC, message.sourceLinkLayer());
            assertEquals(0xA, f.get(io.lvs4j.core.packet.NetworkOrder.U64, parser.ipv6().sourceOffset() + 8));
            solicited.add(f.get(io.lvs4j.core.packet.NetworkOrder.U64, message.targetOffset() + 8));
        }
        assertEquals(1, arps);
        assertEquals(Set.of(0xDL, 0xEL), solicited);
        assertEquals(2, director.counter(DirectorCounter.NEIGHBOUR_SOLICITATIONS));
        assertEquals(1, director.counter(DirectorCounter.ARP_REQUESTS));
    }

    @Test
    void shouldNotForwardBeforeTheIpv6RealServerIsResolved() throws Exception {
        assertFalse(feed(tcp(40000, TcpHeader.SYN)));
        assertEquals(1, director.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
        assertFalse(director.resolved(InetAddress.getByName(RS1)));
    }

    @Test
    void shouldRouteIpv6ConnectionsDirectlyRewritingOnlyTheMacs() throws Exception {
        resolveBothServers();
        assertTrue(director.resolved(InetAddress.getByName(RS1)));
        assertTrue(director.resolved(InetAddress.getByName(RS2)));
        assertTrue(feed(tcp(40000, TcpHeader.SYN)));
        assertTrue(feed(tcp(40001, TcpHeader.SYN)));
        assertTrue(feed(tcp(40000, TcpHeader.ACK)));
        assertEquals(RS2_MAC, mac(sent.get(0), 0), "the server added last goes first");
        assertEquals(DIRECTOR_MAC, mac(sent.get(0), 6));
        assertEquals(RS1_MAC, mac(sent.get(1), 0));
        assertEquals(RS2_MAC, mac(sent.get(2), 0), "the connection stays on its server");
        byte[] original = tcp(40000, TcpHeader.SYN);
        for (int i = 12; i < original.length; i++) {
            assertEquals(original[i], sent.get(0)[i], "only the MACs change, byte " + i);
        }
        assertEquals(2, director.counter(DirectorCounter.NEW_CONNECTIONS));
        assertEquals(2, director.connectionCount());
        assertEquals(Set.of(InetAddress.getByName(VIP)),
                Set.copyOf(path.table(6).entries().stream().map(e -> e.virtualAddress()).toList()));
        assertEquals(0, path.table(4).size());
    }

    @Test
    void shouldKeepAPersistentIpv6ClientOnOneServer() throws Exception {
        resolveBothServers();
        vs.persistence(Duration.ofSeconds(60), 128);
        for (int port = 40000; port < 40004; port++) {
            assertTrue(feed(tcp(port, TcpHeader.SYN)));
        }
        for (byte[] frame : sent) {
            assertEquals(mac(sent.get(0), 0), mac(frame, 0));
        }
        assertEquals(4, director.counter(DirectorCounter.NEW_CONNECTIONS));
        assertEquals(5, director.connectionCount(), "four connections and one template");
    }

    @Test
    void shouldDropIpv6FragmentsForTheVipAndIgnoreOtherDestinations() throws Exception {
        resolveBothServers();
        long ignored = director.counter(DirectorCounter.IGNORED);
        byte[] fragment = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(CLIENT, VIP)
                .ipv6Fragment(8, false, 7).udp(5000, 80).payload(new byte[8]).build();
        assertFalse(feed(fragment));
        assertEquals(1, director.counter(DirectorCounter.DROP_FRAGMENT));
        byte[] other = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(CLIENT, "2001:db8::101")
                .tcp(40000, 80, TcpHeader.SYN).build();
        assertFalse(feed(other));
        assertEquals(ignored + 1, director.counter(DirectorCounter.IGNORED));
        assertEquals(0, director.counter(DirectorCounter.NEW_CONNECTIONS));
    }

    @Test
    void shouldDropAndCountSolicitationsThatFailTheReceiveChecks() throws Exception {
        byte[] ns = ndp(CLIENT_MAC, 0x3333_FF00_0100L, CLIENT, "ff02::1:ff00:100",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP, NdpMessage.OPTION_SOURCE_LINK_LAYER, CLIENT_MAC);
        ns[EthernetHeader.HEADER_LENGTH + 7] = 64; // hop limit
        assertFalse(feed(ns));
        assertEquals(1, director.drops(DropReason.NDP_BAD_HOP_LIMIT));
        assertEquals(List.of(), sent);
    }

    @Test
    void shouldRelayAPacketTooBigAboutAConnectionsReplyToItsRealServer() throws Exception {
        resolveBothServers();
        assertTrue(feed(tcp(40000, TcpHeader.SYN)));
        byte[] reply = new PacketBuilder().ipv6(VIP, CLIENT).tcp(80, 40000, TcpHeader.ACK)
                .payload(new byte[1400]).buildIpPacket();
        byte[] tooBig = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6("2001:db8::fe", VIP)
                .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280).payload(java.util.Arrays.copyOf(reply, 200))
                .build();
        assertTrue(feed(tooBig));
        byte[] relayed = sent.get(sent.size() - 1);
        assertEquals(RS2_MAC, mac(relayed, 0), "to the connection's server");
        assertEquals(DIRECTOR_MAC, mac(relayed, 6));
        for (int i = 12; i < tooBig.length; i++) {
            assertEquals(tooBig[i], relayed[i], "unchanged but for the MACs, byte " + i);
        }
        assertEquals(1, director.counter(DirectorCounter.ICMP_RELAYED));

        byte[] unknown = new PacketBuilder().ipv6(VIP, CLIENT).tcp(80, 40999, TcpHeader.ACK).buildIpPacket();
        assertFalse(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6("2001:db8::fe", VIP)
                .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280).payload(unknown).build()),
                "about no known connection: left alone");
        assertEquals(1, director.counter(DirectorCounter.ICMP_RELAYED));
    }

    @Test
    void shouldRequireAnIpv6OwnAddress() throws Exception {
        PacketDirectorBuilder noAddress = PacketDirector.builder().interfaceName("eth0").loops(unusedLoops)
                .directorAddress(InetAddress.getByName("198.18.0.12")).virtualService(vs);
        assertThrows(IllegalStateException.class, noAddress::build);
        assertThrows(IllegalArgumentException.class,
                () -> PacketDirector.builder().directorAddress(InetAddress.getByName(DIRECTOR)));
        PacketDirectorBuilder noLocal6 = PacketDirector.builder().interfaceName("eth0").loops(unusedLoops)
                .directorAddress6((Inet6Address) InetAddress.getByName(DIRECTOR)).virtualService(vs, Forwarding.fullNat())
                .localAddresses(InetAddress.getByName("198.18.0.254"));
        assertThrows(IllegalStateException.class, noLocal6::build, "IPv6 full-NAT needs an IPv6 local address");
    }

    @Test
    void shouldMasqueradeIpv6BothWaysWithAPortMapping() throws Exception {
        String vip = "2001:db8::200";
        VirtualService web = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        web.addRealServer(RealServer.of(InetAddress.getByName(RS1), 8080, 1));
        PacketDirector nat = PacketDirector.builder().interfaceName("eth0").loops(unusedLoops)
                .directorAddress6((Inet6Address) InetAddress.getByName(DIRECTOR))
                .virtualService(web, Forwarding.masquerade()).connectionCapacity(1024).build();
        nat.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName(DIRECTOR));
        DataPath loop = nat.newPath((frame, offset, length) -> true);
        try {
            loop.tick();
            feed(loop, ndp(RS1_MAC, DIRECTOR_MAC, RS1, DIRECTOR, Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                    NdpMessage.FLAG_SOLICITED, RS1, NdpMessage.OPTION_TARGET_LINK_LAYER, RS1_MAC));
            sent.clear();
            assertTrue(feed(loop, new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(CLIENT, vip)
                    .tcp(40000, 80, TcpHeader.SYN).build()));
            MemorySegment in = MemorySegment.ofArray(sent.get(0));
            assertEquals(DropReason.NONE, parser.parse(in, 0, in.byteSize()));
            assertEquals(RS1_MAC, parser.ethernet().destination());
            assertEquals(InetAddress.getByName(RS1), address(in, parser.ipv6().destinationOffset()));
            assertEquals(InetAddress.getByName(CLIENT), address(in, parser.ipv6().sourceOffset()));
            assertEquals(8080, parser.destinationPort());
            assertChecksumValid(in);

            assertTrue(feed(loop, new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC).ipv6(RS1, CLIENT)
                    .tcp(8080, 40000, TcpHeader.SYN | TcpHeader.ACK).build()));
            MemorySegment out = MemorySegment.ofArray(sent.get(1));
            assertEquals(DropReason.NONE, parser.parse(out, 0, out.byteSize()));
            assertEquals(CLIENT_MAC, parser.ethernet().destination());
            assertEquals(DIRECTOR_MAC, parser.ethernet().source());
            assertEquals(InetAddress.getByName(vip), address(out, parser.ipv6().sourceOffset()));
            assertEquals(80, parser.sourcePort());
            assertChecksumValid(out);
            assertEquals(1, nat.counter(DirectorCounter.REPLIES_FORWARDED));
            assertEquals(1, nat.counter(DirectorCounter.NEW_CONNECTIONS));
        } finally {
            loop.release();
        }
    }

    private static InetAddress address(MemorySegment frame, long offset) throws Exception {
        return InetAddress.getByAddress(frame.asSlice(offset, 16).toArray(ValueLayout.JAVA_BYTE));
    }

    private void assertChecksumValid(MemorySegment frame) {
        int stored = parser.tcp().checksum();
        assertEquals(stored, io.lvs4j.core.packet.Checksums.transportIpv6(frame, parser.l3Offset(), parser.l4Offset(),
                parser.l4Length(), 6, TcpHeader.CHECKSUM_OFFSET));
    }
}

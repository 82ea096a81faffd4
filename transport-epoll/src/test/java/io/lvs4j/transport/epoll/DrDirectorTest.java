package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DR data path of one loop, fed with frames built byte by byte; no socket, no root. */
class DrDirectorTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS1_MAC = 0x02_00_00_00_00_01L;
    private static final long RS2_MAC = 0x02_00_00_00_00_02L;
    private static final String VIP = "198.18.0.200";

    private final Arena arena = Arena.ofConfined();
    private final List<byte[]> sent = new ArrayList<>();
    private io.netty.channel.MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private DataPath path;
    private VirtualService vs;
    private long nanos = 1_000_000_000_000L;

    @BeforeEach
    void setUp() throws Exception {
        vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), 80, 1));
        vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.14"), 80, 1));
        unusedLoops = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName("198.18.0.12"))
                .loops(unusedLoops)
                .virtualService(vs).connectionCapacity(1024).clock(() -> nanos).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((frame, offset, length) -> sent.add(frame.asSlice(offset, length)
                .toArray(ValueLayout.JAVA_BYTE)));
        path.tick();
    }

    @AfterEach
    void tearDown() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private boolean feed(byte[] frame) {
        MemorySegment segment = arena.allocate(frame.length + 16);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 16, frame.length);
        boolean forward = path.onFrame(segment, 16, frame.length);
        if (forward) {
            byte[] out = segment.asSlice(16, frame.length).toArray(ValueLayout.JAVA_BYTE);
            sent.add(out);
        }
        return forward;
    }

    private static byte[] syn(int clientPort) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP)
                .tcp(clientPort, 80, 0x02).build();
    }

    private void resolveBothServers() {
        feed(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS1_MAC, "198.18.0.13", DIRECTOR_MAC, "198.18.0.12").build());
        feed(new PacketBuilder().ethernet(RS2_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS2_MAC, "198.18.0.14", DIRECTOR_MAC, "198.18.0.12").build());
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
    void shouldAnswerArpRequestsForTheVipWithItsOwnMac() {
        feed(new PacketBuilder().ethernet(CLIENT_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, "198.18.0.11", 0, VIP).build());
        assertEquals(1, sent.size());
        MemorySegment reply = MemorySegment.ofArray(sent.get(0));
        EthernetHeader ethernet = new EthernetHeader().wrap(reply, 0);
        assertEquals(CLIENT_MAC, ethernet.destination());
        assertEquals(DIRECTOR_MAC, ethernet.source());
        assertEquals(EthernetHeader.TYPE_ARP, ethernet.etherType());
        ArpPacket arp = new ArpPacket().wrap(reply, EthernetHeader.HEADER_LENGTH);
        assertEquals(ArpPacket.OP_REPLY, arp.operation());
        assertEquals(DIRECTOR_MAC, arp.senderMac());
        assertEquals(0xC6_12_00_C8, arp.senderIp());
        assertEquals(CLIENT_MAC, arp.targetMac());
        assertEquals(0xC6_12_00_0B, arp.targetIp());
        assertEquals(1, director.counter(DirectorCounter.ARP_REPLIES));
    }

    @Test
    void shouldIgnoreArpRequestsForOtherAddresses() {
        feed(new PacketBuilder().ethernet(CLIENT_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, "198.18.0.11", 0, "198.18.0.99").build());
        assertTrue(sent.isEmpty());
        assertEquals(1, director.counter(DirectorCounter.IGNORED));
    }

    @Test
    void shouldCountArpSpoofsOfTheVip() {
        feed(new PacketBuilder().ethernet(0x02_00_00_00_00_66L, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, 0x02_00_00_00_00_66L, VIP, DIRECTOR_MAC, "198.18.0.12").build());
        assertEquals(1, director.counter(DirectorCounter.DROP_ARP_SPOOF));
        assertTrue(sent.isEmpty());
    }

    @Test
    void shouldCountAnArpClaimOfTheVipFromItsOwnMacAsIgnored() {
        // Found by DataPathFuzzTest: the director's own announcement reflected back (or a copy of
        // it) was neither answered nor counted.
        feed(new PacketBuilder().ethernet(DIRECTOR_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, DIRECTOR_MAC, VIP, 0, VIP).build());
        feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC)
                .arp(42, DIRECTOR_MAC, VIP, DIRECTOR_MAC, "198.18.0.12").build());
        assertEquals(2, director.counter(DirectorCounter.IGNORED));
        assertEquals(0, director.counter(DirectorCounter.DROP_ARP_SPOOF));
        assertTrue(sent.isEmpty());
    }

    @Test
    void shouldSendGratuitousArpsAndResolveRealServers() {
        path.gratuitous();
        path.resolve();
        assertEquals(3, sent.size());
        ArpPacket garp = new ArpPacket().wrap(MemorySegment.ofArray(sent.get(0)), EthernetHeader.HEADER_LENGTH);
        assertEquals(0xFFFF_FFFF_FFFFL, mac(sent.get(0), 0));
        assertEquals(garp.senderIp(), garp.targetIp());
        assertEquals(0xC6_12_00_C8, garp.senderIp());
        ArpPacket who = new ArpPacket().wrap(MemorySegment.ofArray(sent.get(1)), EthernetHeader.HEADER_LENGTH);
        assertEquals(ArpPacket.OP_REQUEST, who.operation());
        assertEquals(0xC6_12_00_0C, who.senderIp());
        ArpPacket who2 = new ArpPacket().wrap(MemorySegment.ofArray(sent.get(2)), EthernetHeader.HEADER_LENGTH);
        assertEquals(java.util.Set.of(0xC6_12_00_0D, 0xC6_12_00_0E), java.util.Set.of(who.targetIp(), who2.targetIp()));
        assertEquals(2, director.counter(DirectorCounter.ARP_REQUESTS));
    }

    @Test
    void shouldNotForwardBeforeTheRealServerIsResolved() {
        assertFalse(feed(syn(40000)));
        assertEquals(1, director.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
        assertEquals(0, director.counter(DirectorCounter.FORWARDED));
    }

    @Test
    void shouldRewriteBothMacsAndAlternateServersInRoundRobin() {
        resolveBothServers();
        assertTrue(feed(syn(40000)));
        assertTrue(feed(syn(40001)));
        assertEquals(RS2_MAC, mac(sent.get(0), 0), "the server added last goes first");
        assertEquals(DIRECTOR_MAC, mac(sent.get(0), 6));
        assertEquals(RS1_MAC, mac(sent.get(1), 0));
        byte[] original = syn(40000);
        for (int i = 12; i < original.length; i++) {
            assertEquals(original[i], sent.get(0)[i], "only the MACs change, byte " + i);
        }
        assertEquals(2, director.counter(DirectorCounter.NEW_CONNECTIONS));
    }

    @Test
    void shouldKeepAConnectionOnItsServer() {
        resolveBothServers();
        feed(syn(40000));
        feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP).tcp(40000, 80, 0x10)
                .build());
        feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP).tcp(40000, 80, 0x18)
                .payload(new byte[100]).build());
        assertEquals(3, sent.size());
        for (byte[] frame : sent) {
            assertEquals(RS2_MAC, mac(frame, 0));
        }
        assertEquals(1, director.counter(DirectorCounter.NEW_CONNECTIONS));
        assertEquals(1, director.connectionCount());
    }

    @Test
    void shouldScheduleANewSynOnAClosedTupleAsANewConnection() {
        resolveBothServers();
        feed(syn(40000));
        // a FIN in SYN_RECV moves the connection to TIME_WAIT (IPVS's input-only table); a new SYN
        // on the same tuple is then a new connection, scheduled anew
        feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP).tcp(40000, 80, 0x11)
                .build());
        assertTrue(feed(syn(40000)));
        assertEquals(2, director.counter(DirectorCounter.NEW_CONNECTIONS));
        assertEquals(RS2_MAC, mac(sent.get(0), 0));
        assertEquals(RS1_MAC, mac(sent.get(2), 0), "rescheduled: the next server in rr");
        assertEquals(1, director.connectionCount());
    }

    private static byte[] ack(int clientPort) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP)
                .tcp(clientPort, 80, 0x10).build();
    }

    @Test
    void shouldKeepConnectionsOfARemovedServerAndSendItNewOnesOnceAddedAgain() throws Exception {
        resolveBothServers();
        feed(syn(40000)); // rs2 (added last)
        feed(syn(40001)); // rs1
        InetAddress rs2 = InetAddress.getByName("198.18.0.14");
        vs.removeRealServer(rs2, 80);
        director.syncDestinations();
        sent.clear();
        // IPVS's expire_nodest_conn 0, the default: the packet is dropped, the entry kept
        assertFalse(feed(ack(40000)), "the removed server's connection gets nothing through");
        assertEquals(1, director.counter(DirectorCounter.DROP_DESTINATION_UNAVAILABLE));
        assertEquals(2, director.connectionCount(), "the removed server's connection keeps its entry");
        assertTrue(feed(syn(40002)));
        assertTrue(feed(syn(40003)));
        assertEquals(RS1_MAC, mac(sent.get(0), 0), "no new connection to the removed server");
        assertEquals(RS1_MAC, mac(sent.get(1), 0));
        vs.addRealServer(RealServer.of(rs2, 80, 1));
        director.syncDestinations();
        sent.clear();
        assertTrue(feed(ack(40000)), "the connection goes on once its server is back");
        assertEquals(RS2_MAC, mac(sent.get(0), 0));
        feed(syn(40004));
        feed(syn(40005));
        assertEquals(java.util.Set.of(RS1_MAC, RS2_MAC), java.util.Set.of(mac(sent.get(1), 0), mac(sent.get(2), 0)),
                "the server added again gets traffic again");
    }

    @Test
    void shouldForwardToAServerFirstSeenAfterTheDirectorWasBuilt() throws Exception {
        resolveBothServers();
        long rs3Mac = 0x02_00_00_00_00_03L;
        vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.15"), 80, 1));
        assertEquals(1, director.syncDestinations());
        assertEquals(0, director.syncDestinations(), "a second sync with no change adds nothing");
        feed(new PacketBuilder().ethernet(rs3Mac, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, rs3Mac, "198.18.0.15", DIRECTOR_MAC, "198.18.0.12").build());
        sent.clear();
        assertTrue(feed(syn(40000)));
        assertEquals(rs3Mac, mac(sent.get(0), 0), "the newest server goes first in rr");
    }

    @Test
    void shouldDropSegmentsOfUnknownConnectionsButSyns() {
        resolveBothServers();
        assertFalse(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP)
                .tcp(40000, 80, 0x10).build()));
        assertEquals(1, director.counter(DirectorCounter.DROP_NO_CONNECTION));
    }

    @Test
    void shouldLeaveFramesForOtherServicesAlone() {
        resolveBothServers();
        long ignored = director.counter(DirectorCounter.IGNORED);
        assertFalse(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP)
                .tcp(40000, 443, 0x02).build()));
        assertFalse(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", "198.18.0.12")
                .tcp(40000, 80, 0x02).build()));
        assertEquals(ignored + 2, director.counter(DirectorCounter.IGNORED));
        assertEquals(0, director.connectionCount());
    }

    @Test
    void shouldCountMalformedFramesByReason() {
        resolveBothServers();
        byte[] badChecksum = syn(40000);
        badChecksum[24] ^= 0x01;
        assertFalse(feed(badChecksum));
        byte[] badIhl = syn(40000);
        badIhl[14] = 0x44;
        assertFalse(feed(badIhl));
        assertFalse(feed(java.util.Arrays.copyOf(syn(40000), 20)));
        assertFalse(feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP)
                .fragment(1480, true).udp(40000, 80).payload(new byte[16]).build()));
        assertEquals(1, director.drops(DropReason.IPV4_BAD_CHECKSUM));
        assertEquals(1, director.drops(DropReason.IPV4_BAD_HEADER_LENGTH));
        assertEquals(1, director.drops(DropReason.IPV4_TRUNCATED));
        assertEquals(1, director.counter(DirectorCounter.DROP_FRAGMENT));
        assertEquals(0, director.connectionCount());
        assertTrue(sent.isEmpty());
    }

    private static byte[] syn(String client, int clientPort) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(client, VIP).tcp(clientPort, 80, 0x02)
                .build();
    }

    private io.lvs4j.core.model.ConnectionCounters countersOf(String server) throws Exception {
        return vs.countersOf(RealServer.of(InetAddress.getByName(server), 80, 1));
    }

    /** Advances the injected clock in steps of 10 s, expiring what is due at each step. */
    private void advanceSeconds(int seconds) {
        for (int i = 0; i < seconds / 10; i++) {
            nanos += 10_000_000_000L;
            path.tick();
        }
    }

    @Test
    void shouldSendTwoConnectionsOfOneClientToOneServerWhenPersistent() throws Exception {
        vs.persistence(java.time.Duration.ofSeconds(60), 32);
        resolveBothServers();
        assertTrue(feed(syn(40000)));
        assertTrue(feed(syn(40001)));
        assertEquals(RS2_MAC, mac(sent.get(0), 0));
        assertEquals(RS2_MAC, mac(sent.get(1), 0), "the template sends the client back to its server");
        assertEquals(1, countersOf("198.18.0.14").persistentConnections());
        assertEquals(0, countersOf("198.18.0.13").persistentConnections());
        assertEquals(2, countersOf("198.18.0.14").inactiveConnections());
        assertEquals(2, director.counter(DirectorCounter.NEW_CONNECTIONS));
        assertEquals(3, director.connectionCount(), "two connections and their template");
    }

    @Test
    void shouldAlternateConnectionsOfOneClientWhenNotPersistent() throws Exception {
        resolveBothServers();
        feed(syn(40000));
        feed(syn(40001));
        feed(syn(40002));
        assertEquals(List.of(RS2_MAC, RS1_MAC, RS2_MAC),
                List.of(mac(sent.get(0), 0), mac(sent.get(1), 0), mac(sent.get(2), 0)));
        assertEquals(0, countersOf("198.18.0.14").persistentConnections());
        assertEquals(3, director.connectionCount(), "no template");
    }

    @Test
    void shouldShareOneServerAmongClientsOfOneNetworkUnderA24Granularity() throws Exception {
        vs.persistence(java.time.Duration.ofSeconds(300), 24);
        resolveBothServers();
        feed(syn("198.18.0.11", 40000));
        feed(syn("198.18.0.77", 40000));
        feed(syn("198.18.1.5", 40000));
        feed(syn("198.18.0.200", 40001));
        assertEquals(RS2_MAC, mac(sent.get(0), 0));
        assertEquals(RS2_MAC, mac(sent.get(1), 0), "same /24: same template");
        assertEquals(RS1_MAC, mac(sent.get(2), 0), "another /24 is scheduled: next in rr");
        assertEquals(RS2_MAC, mac(sent.get(3), 0));
        assertEquals(1, countersOf("198.18.0.14").persistentConnections());
        assertEquals(1, countersOf("198.18.0.13").persistentConnections());
    }

    @Test
    void shouldScheduleAgainOnceTheTemplateExpiredWithNoLiveConnection() throws Exception {
        vs.persistence(java.time.Duration.ofSeconds(60), 32);
        resolveBothServers();
        feed(syn(40000));
        advanceSeconds(30);
        feed(syn(40001));
        assertEquals(RS2_MAC, mac(sent.get(1), 0), "within the timeout the template holds");
        advanceSeconds(200); // both connections (SYN_RECV, 60 s) end, then the template's 60 s run out
        assertEquals(0, director.connectionCount());
        assertEquals(0, countersOf("198.18.0.14").persistentConnections());
        feed(syn(40002));
        assertEquals(RS1_MAC, mac(sent.get(2), 0), "no template left: the scheduler picks the next server");
        assertEquals(1, countersOf("198.18.0.13").persistentConnections());
    }

    @Test
    void shouldKeepATemplateWhileItControlsAnEstablishedConnection() throws Exception {
        vs.persistence(java.time.Duration.ofSeconds(60), 32);
        resolveBothServers();
        feed(syn(40000));
        feed(ack(40000)); // ESTABLISHED: 900 s
        advanceSeconds(300);
        assertTrue(feed(syn(40001)));
        assertEquals(RS2_MAC, mac(sent.get(2), 0), "the template outlives its timeout while it controls a connection");
        assertEquals(1, countersOf("198.18.0.14").persistentConnections());
    }

    @Test
    void shouldStopFollowingATemplateToARemovedServer() throws Exception {
        vs.persistence(java.time.Duration.ofSeconds(60), 32);
        resolveBothServers();
        feed(syn(40000));
        vs.removeRealServer(InetAddress.getByName("198.18.0.14"), 80);
        director.syncDestinations();
        assertTrue(feed(syn(40001)));
        assertEquals(RS1_MAC, mac(sent.get(1), 0), "the removed server's template no longer matches");
        assertEquals(1, countersOf("198.18.0.13").persistentConnections());
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A firewall-mark service on one loop's DR data path, fed with frames and their marks as a marked
 * socket reports them: found by mark, not by address; persistent per client across marked ports;
 * no VIP of its own. No socket, no root.
 */
class FwmarkDataPathTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS1_MAC = 0x02_00_00_00_00_01L;
    private static final long RS2_MAC = 0x02_00_00_00_00_02L;
    private static final String MARKED_VIP = "198.18.0.10";
    private static final String VIP = "198.18.0.200";
    private static final int MARK = 7;

    private final Arena arena = Arena.ofConfined();
    private final PlainFrame frame = new PlainFrame();
    private final List<byte[]> sent = new ArrayList<>();
    private io.netty.channel.MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private DataPath path;
    private VirtualService marked;
    private VirtualService plain;

    @BeforeEach
    void setUp() throws Exception {
        marked = VirtualService.firewallMark(Protocol.TCP, false, MARK, Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        marked.persistence(Duration.ofSeconds(60), 32);
        marked.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), 0, 1));
        marked.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.14"), 0, 1));
        plain = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        plain.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), 80, 1));
        unusedLoops = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName("198.18.0.12"))
                .loops(unusedLoops).virtualService(marked).virtualService(plain).connectionCapacity(1024).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((f, offset, length) -> sent.add(f.asSlice(offset, length)
                .toArray(ValueLayout.JAVA_BYTE)));
        path.tick();
        feed(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS1_MAC, "198.18.0.13", DIRECTOR_MAC, "198.18.0.12").build(), 0);
        feed(new PacketBuilder().ethernet(RS2_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS2_MAC, "198.18.0.14", DIRECTOR_MAC, "198.18.0.12").build(), 0);
    }

    @AfterEach
    void tearDown() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** @return the destination MAC of the frame as forwarded, or -1 if it was not */
    private long feed(byte[] bytes, int mark) {
        MemorySegment segment = arena.allocate(bytes.length + 16);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 16, bytes.length);
        if (!path.onFrame(frame.wrap(segment, 16, bytes.length, mark))) {
            return -1;
        }
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (segment.get(ValueLayout.JAVA_BYTE, 16 + i) & 0xFF);
        }
        return mac;
    }

    private static byte[] syn(String client, int clientPort, String destination, int port) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(client, destination)
                .tcp(clientPort, port, 0x02).build();
    }

    @Test
    void shouldForwardMarkedFramesOfAnyAddressAndPortAndKeepEachClientOnOneServerAcrossThem() {
        long first = feed(syn("198.18.0.11", 40000, MARKED_VIP, 80), MARK);
        assertTrue(first == RS1_MAC || first == RS2_MAC, "forwarded to a real server: " + Long.toHexString(first));
        assertEquals(first, feed(syn("198.18.0.11", 40001, MARKED_VIP, 8080), MARK), "persistence across ports");
        assertEquals(first, feed(syn("198.18.0.11", 40002, "198.18.0.20", 443), MARK), "and across addresses");
        long other = feed(syn("198.18.0.21", 40000, MARKED_VIP, 8080), MARK);
        assertNotEquals(first, other, "round robin gives a new client the other server");
        assertEquals(other, feed(syn("198.18.0.21", 40001, MARKED_VIP, 80), MARK));
        assertEquals(5, director.counter(DirectorCounter.NEW_CONNECTIONS), "one connection per 5-tuple");
    }

    @Test
    void shouldIgnoreTheSameFramesWithoutTheMarkOrWithAnotherMark() {
        assertEquals(-1, feed(syn("198.18.0.11", 40000, MARKED_VIP, 80), 0), "unmarked: not a service's");
        assertEquals(-1, feed(syn("198.18.0.11", 40000, MARKED_VIP, 80), 9), "a mark no service has");
        assertEquals(0, director.counter(DirectorCounter.NEW_CONNECTIONS));
        assertEquals(RS1_MAC, feed(syn("198.18.0.11", 40000, VIP, 80), 0), "the address service still serves");
    }

    @Test
    void shouldOwnNoAddressForAFwmarkService() throws Exception {
        ServiceTable table = new ServiceTable(List.of(new ServiceSlot(marked, Forwarding.directRoute()),
                new ServiceSlot(plain, Forwarding.directRoute())), List.of(), false, null);
        assertEquals(List.of(InetAddress.getByName(VIP)), table.virtualAddresses());
        assertEquals(1, table.vipCount());
        assertArrayEquals(new int[] {0xC6_12_00_C8}, table.owned4());
        assertFalse(table.owns(0), "the fwmark service's any-address is not owned");
        assertEquals(-1, table.vip4(0));
        assertArrayEquals(new int[] {MARK}, table.marks4());
        assertEquals(0, table.findMark(4, MARK));
        assertEquals(-1, table.findMark(6, MARK));
        assertEquals(-1, table.findMark(4, 0));
        assertEquals(-1, table.find(Protocol.TCP.number(), 0, 0), "not found by its any-address and port 0");
        sent.clear();
        feed(new PacketBuilder().ethernet(CLIENT_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, "198.18.0.11", 0, "0.0.0.0").build(), 0);
        feed(new PacketBuilder().ethernet(CLIENT_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, "198.18.0.11", 0, MARKED_VIP).build(), 0);
        assertTrue(sent.isEmpty(), "no ARP answer for the any-address nor the marked address (the kernel's)");
        feed(new PacketBuilder().ethernet(CLIENT_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, "198.18.0.11", 0, VIP).build(), 0);
        assertEquals(1, sent.size(), "the address service's VIP is answered");
        assertEquals("FWM 7 rr", marked.toString());
    }

    /** A NAT server of port 0 takes the packet's own port, as IPVS does ({@code dest->port ? dest->port : vport}). */
    @Test
    void shouldKeepThePacketsPortForANatServerOfPortZero() throws Exception {
        VirtualService nat = VirtualService.firewallMark(Protocol.TCP, false, 9, Schedulers.create("rr",
                SchedulerOptions.DEFAULTS));
        nat.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), 0, 1));
        PacketDirector natDirector = PacketDirector.builder().interfaceName("eth0")
                .directorAddress(InetAddress.getByName("198.18.0.12")).loops(unusedLoops)
                .virtualService(nat, Forwarding.masquerade()).connectionCapacity(1024).build();
        natDirector.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        DataPath natPath = natDirector.newPath((f, offset, length) -> true);
        try {
            natPath.tick();
            byte[] arp = new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC)
                    .arp(ArpPacket.OP_REPLY, RS1_MAC, "198.18.0.13", DIRECTOR_MAC, "198.18.0.12").build();
            MemorySegment a = arena.allocate(arp.length).copyFrom(MemorySegment.ofArray(arp));
            natPath.onFrame(frame.wrap(a, 0, arp.length, 0));
            for (int port : new int[] {80, 8080}) {
                byte[] syn = syn("198.18.0.11", 40000 + port, MARKED_VIP, port);
                MemorySegment segment = arena.allocate(syn.length).copyFrom(MemorySegment.ofArray(syn));
                assertTrue(natPath.onFrame(frame.wrap(segment, 0, syn.length, 9)), "forwarded to port " + port);
                io.lvs4j.core.packet.FrameParser parser = new io.lvs4j.core.packet.FrameParser();
                assertEquals(io.lvs4j.core.packet.DropReason.NONE, parser.parse(segment, 0, syn.length));
                assertEquals(0xC6_12_00_0D, parser.ipv4().destination(), "to the real server");
                assertEquals(port, parser.destinationPort(), "on the packet's own port");
                // The reply: a fwmark service has no VIP, yet its NAT replies are served (no VIP is "served").
                byte[] reply = new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC).ipv4("198.18.0.13", "198.18.0.11")
                        .tcp(port, 40000 + port, 0x12).build();
                MemorySegment back = arena.allocate(reply.length).copyFrom(MemorySegment.ofArray(reply));
                assertTrue(natPath.onFrame(frame.wrap(back, 0, reply.length, 0)), "the reply goes back");
                assertEquals(io.lvs4j.core.packet.DropReason.NONE, parser.parse(back, 0, reply.length));
                assertEquals(0xC6_12_00_0A, parser.ipv4().source(), "from the marked address");
                assertEquals(port, parser.sourcePort());
            }
            assertFalse(natDirector.active(), "no VIP is served: the director has none");
            assertEquals(2, natDirector.counter(DirectorCounter.REPLIES_FORWARDED));
        } finally {
            natPath.release();
        }
    }

    /** As with IPVS, a fwmark service is one per family and mark: another protocol does not make another. */
    @Test
    void shouldRefuseTwoFwmarkServicesOfOneMarkWhateverTheirProtocols() throws Exception {
        VirtualService udp = VirtualService.firewallMark(Protocol.UDP, false, MARK,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> director.update(List.of(marked, udp), List.of(Forwarding.directRoute(), Forwarding.directRoute())));
        assertEquals("virtual service given twice: FWM 7 rr", e.getMessage());
        VirtualService eight = VirtualService.firewallMark(Protocol.UDP, false, 8,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        eight.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), 0, 1));
        director.update(List.of(marked, eight), List.of(Forwarding.directRoute(), Forwarding.directRoute()));
        feed(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS1_MAC, "198.18.0.13", DIRECTOR_MAC, "198.18.0.12").build(), 0);
        assertEquals(-1, feed(syn("198.18.0.11", 40000, VIP, 80), 0), "the address service is gone");
        assertEquals(RS1_MAC, feed(syn("198.18.0.11", 40000, MARKED_VIP, 80), 8), "mark 8 is served now");
    }
}

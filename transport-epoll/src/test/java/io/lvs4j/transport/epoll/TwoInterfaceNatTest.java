package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.PacketBuilder;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An LVS-NAT director with an outside interface (slot 0: the VIP, the clients) and an inside one
 * (slot 1: the real servers' subnet), fed frame by frame: each forwarded frame leaves on the
 * interface toward its next hop with that interface's MAC, and ARP works per interface. No socket,
 * no root.
 */
class TwoInterfaceNatTest {

    private static final long OUTSIDE_MAC = 0x02_00_00_00_00_0AL;
    private static final long INSIDE_MAC = 0x02_00_00_00_01_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS_MAC = 0x02_00_00_00_01_01L;
    private static final String VIP = "198.18.0.10";
    private static final String OUTSIDE_OWN = "198.18.0.2";
    private static final String INSIDE_OWN = "198.19.1.2";
    private static final String GATEWAY = "198.19.1.1";
    private static final String CLIENT = "198.18.0.100";
    private static final String SERVER = "198.19.1.11";

    private final Arena arena = Arena.ofConfined();
    private final FrameParser parser = new FrameParser(true);
    private final List<List<byte[]>> built = List.of(new ArrayList<>(), new ArrayList<>());
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private DataPath path;

    @BeforeEach
    void setUp() throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(SERVER), 80, 1));
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("out0").directorAddress(InetAddress.getByName(OUTSIDE_OWN))
                .serverInterface("in0", InetAddress.getByName(INSIDE_OWN)).loops(unusedLoops)
                .virtualService(vs, Forwarding.masquerade()).connectionCapacity(1024).build();
        director.bind(new DataLinks(List.of(new LinkInfo("out0", 2, OUTSIDE_MAC, 1500),
                new LinkInfo("in0", 3, INSIDE_MAC, 1500)), new int[] {ip(OUTSIDE_OWN), ip(INSIDE_OWN)},
                List.of(List.of(new DataLinks.Subnet(ip("198.18.0.0"), 24)),
                        List.of(new DataLinks.Subnet(ip("198.19.1.0"), 24)))));
        path = director.newPath((frame, offset, length) -> built.get(0).add(copy(frame, offset, length)),
                (frame, offset, length) -> built.get(1).add(copy(frame, offset, length)));
        path.tick();
    }

    @AfterEach
    void tearDown() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static byte[] copy(MemorySegment frame, long offset, int length) {
        return frame.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** @return the frame as the director left it, or null if not forwarded */
    private MemorySegment feed(int slot, byte[] frame) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return path.onFrame(segment, 0, frame.length, slot) ? segment : null;
    }

    private ArpPacket arp(byte[] frame) {
        MemorySegment segment = MemorySegment.ofArray(frame);
        assertEquals(DropReason.NONE, parser.parse(segment, 0, frame.length));
        return parser.arp();
    }

    private void learnServer() {
        feed(1, new PacketBuilder().ethernet(RS_MAC, INSIDE_MAC)
                .arp(ArpPacket.OP_REPLY, RS_MAC, SERVER, INSIDE_MAC, INSIDE_OWN).build());
    }

    @Test
    void shouldResolveTheRealServerOnTheInsideInterfaceFromTheDirectorsInsideAddress() throws Exception {
        path.resolve();
        assertTrue(built.get(0).isEmpty(), "no ARP request outside: " + built.get(0).size());
        assertEquals(1, built.get(1).size(), "one ARP request inside");
        byte[] request = built.get(1).getFirst();
        ArpPacket arp = arp(request);
        assertEquals(ArpPacket.OP_REQUEST, arp.operation());
        assertEquals(INSIDE_MAC, arp.senderMac());
        assertEquals(INSIDE_MAC, parser.ethernet().source());
        assertEquals(ip(INSIDE_OWN), arp.senderIp());
        assertEquals(ip(SERVER), arp.targetIp());

        learnServer();
        assertTrue(director.resolved(InetAddress.getByName(SERVER)), "the inside ARP reply resolved the server");
    }

    @Test
    void shouldSendRequestsInsideAndRepliesOutsideEachWithItsInterfacesMac() throws Exception {
        learnServer();
        MemorySegment syn = feed(0, new PacketBuilder().ethernet(CLIENT_MAC, OUTSIDE_MAC).ipv4(CLIENT, VIP)
                .tcp(40000, 80, 0x02).build());
        assertNotNull(syn, "the SYN is forwarded");
        assertEquals(1, path.egress(), "toward the real server: the inside interface");
        parser.parse(syn, 0, syn.byteSize());
        assertEquals(RS_MAC, parser.ethernet().destination());
        assertEquals(INSIDE_MAC, parser.ethernet().source());
        assertEquals(ip(SERVER), parser.ipv4().destination());

        // The real server's reply comes to the gateway's MAC (the director's inside one).
        MemorySegment synAck = feed(1, new PacketBuilder().ethernet(RS_MAC, INSIDE_MAC).ipv4(SERVER, CLIENT)
                .tcp(80, 40000, 0x12).build());
        assertNotNull(synAck, "the SYN-ACK is forwarded");
        assertEquals(0, path.egress(), "toward the client: the outside interface it came in on");
        parser.parse(synAck, 0, synAck.byteSize());
        assertEquals(CLIENT_MAC, parser.ethernet().destination());
        assertEquals(OUTSIDE_MAC, parser.ethernet().source());
        assertEquals(ip(VIP), parser.ipv4().source());
        assertEquals(ip(CLIENT), parser.ipv4().destination());
        assertEquals(1, director.counter(DirectorCounter.REPLIES_FORWARDED));
    }

    @Test
    void shouldRouteAServerAddedLaterByItsSubnetToo() throws Exception {
        learnServer();
        String outsideServer = "198.18.0.13";
        long outsideServerMac = 0x02_00_00_00_00_13L;
        director.services().getFirst().addRealServer(RealServer.of(InetAddress.getByName(outsideServer), 80, 1));
        assertEquals(1, director.syncDestinations(), "the new server has an id");
        feed(0, new PacketBuilder().ethernet(outsideServerMac, OUTSIDE_MAC)
                .arp(ArpPacket.OP_REPLY, outsideServerMac, outsideServer, OUTSIDE_MAC, OUTSIDE_OWN).build());
        List<Integer> egress = new ArrayList<>();
        List<Long> sources = new ArrayList<>();
        for (int port = 41000; port < 41004; port++) {
            MemorySegment syn = feed(0, new PacketBuilder().ethernet(CLIENT_MAC, OUTSIDE_MAC).ipv4(CLIENT, VIP)
                    .tcp(port, 80, 0x02).build());
            assertNotNull(syn, "SYN from port " + port);
            parser.parse(syn, 0, syn.byteSize());
            egress.add(path.egress());
            sources.add(parser.ethernet().source());
            assertEquals(path.egress() == 1 ? ip(SERVER) : ip(outsideServer), parser.ipv4().destination());
        }
        assertEquals(2, egress.stream().distinct().count(), "rr over the inside and the outside server: " + egress);
        for (int i = 0; i < egress.size(); i++) {
            assertEquals(egress.get(i) == 1 ? INSIDE_MAC : OUTSIDE_MAC, sources.get(i), "the egress interface's MAC");
        }
    }

    @Test
    void shouldTakeRepliesOnlyToTheMacOfTheInterfaceTheyArriveOn() throws Exception {
        learnServer();
        assertNotNull(feed(0, new PacketBuilder().ethernet(CLIENT_MAC, OUTSIDE_MAC).ipv4(CLIENT, VIP)
                .tcp(40001, 80, 0x02).build()));
        assertNull(feed(1, new PacketBuilder().ethernet(RS_MAC, OUTSIDE_MAC).ipv4(SERVER, CLIENT)
                .tcp(80, 40001, 0x12).build()), "the outside MAC is not the inside interface's");
        assertEquals(0, director.counter(DirectorCounter.REPLIES_FORWARDED));
    }

    @Test
    void shouldAnswerArpOnEachInterfaceWithItsMacAndLeaveTheGatewayToTheKernel() throws Exception {
        feed(0, new PacketBuilder().ethernet(CLIENT_MAC, -1L & 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, CLIENT, 0, VIP).build());
        assertEquals(1, built.get(0).size(), "the VIP is answered outside");
        ArpPacket answer = arp(built.get(0).getFirst());
        assertEquals(ArpPacket.OP_REPLY, answer.operation());
        assertEquals(OUTSIDE_MAC, answer.senderMac());
        assertEquals(ip(VIP), answer.senderIp());

        feed(1, new PacketBuilder().ethernet(RS_MAC, -1L & 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, RS_MAC, SERVER, 0, GATEWAY).build());
        assertTrue(built.get(1).isEmpty(), "the inside gateway address is the kernel's to answer");
    }

    private static int ip(String address) throws java.net.UnknownHostException {
        return ServiceTable.ipv4(InetAddress.getByName(address));
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.status.TrafficStats;
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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One scenario run through every forwarding method (as Netty's transport-neutral test suite runs
 * one test through every transport): a connection's frames reach the real server as the method
 * delivers them, replies come back where the method sees them, an ICMP error about a reply
 * reaches the server, strays and unresolved servers are dropped and counted, and the traffic
 * counters read as IPVS's would. A subclass per method says what differs; no socket, no root.
 */
abstract class ForwardingSuite {

    static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    static final long RS_MAC = 0x02_00_00_00_00_01L;
    static final String DIRECTOR = "198.18.0.12";
    static final String VIP = "198.18.0.200";
    static final String CLIENT = "198.18.1.11";
    static final String SERVER = "198.18.0.13";
    static final String LOCAL = "198.18.0.250";
    static final int CLIENT_PORT = 40000;

    private final Arena arena = Arena.ofConfined();
    private final List<byte[]> built = new ArrayList<>();
    private final FrameParser parser = new FrameParser();
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private VirtualService vs;
    private DataPath path;

    /** @return the method under test */
    abstract Forwarding forwarding();

    /** @return the real server's port (NAT and full-NAT map 80 to 8080; DR and TUN keep 80) */
    abstract int serverPort();

    /** @return the destination address a client's packet has when it reaches the real server */
    abstract String destinationAtServer();

    /** @return the source address a client's packet has when it reaches the real server */
    abstract String sourceAtServer();

    /** @return whether the real server's replies pass the director */
    abstract boolean seesReplies();

    /** @return the counter that counts an ICMP error about a reply sent on to the real server */
    abstract DirectorCounter icmpToServerCounter();

    /**
     * Gives the IP packet the real server receives for a frame the director emitted: the frame
     * itself, or the inner packet of a tunnel frame, behind the emitted frame's Ethernet header.
     */
    byte[] atServer(byte[] emitted) {
        return emitted;
    }

    @BeforeEach
    void setUp() throws Exception {
        vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(SERVER), serverPort(), 1));
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        PacketDirectorBuilder builder = PacketDirector.builder().interfaceName("eth0")
                .directorAddress(InetAddress.getByName(DIRECTOR)).loops(unusedLoops)
                .virtualService(vs, forwarding()).connectionCapacity(1024);
        if (sourceAtServer().equals(LOCAL)) {
            builder.localAddresses(InetAddress.getByName(LOCAL));
        }
        director = builder.build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName(DIRECTOR));
        path = director.newPath((frame, offset, length) -> built.add(frame.asSlice(offset, length)
                .toArray(ValueLayout.JAVA_BYTE)));
        path.tick();
    }

    @AfterEach
    void tearDown() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** @return what the director emitted for a frame: the frame rewritten, or the one it built; null if nothing */
    private byte[] feed(byte[] frame) {
        built.clear();
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        if (path.onFrame(segment, 0, frame.length)) {
            return segment.toArray(ValueLayout.JAVA_BYTE);
        }
        return built.isEmpty() ? null : built.getLast();
    }

    private void resolveServer() {
        feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS_MAC, SERVER, DIRECTOR_MAC, DIRECTOR).build());
    }

    private static byte[] fromClient(int flags, int payload) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP).tcp(CLIENT_PORT, 80, flags)
                .payload(new byte[payload]).build();
    }

    private static int ipLength(byte[] frame) {
        return frame.length - 14;
    }

    private static int ip(String address) throws Exception {
        byte[] b = InetAddress.getByName(address).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    /** Parses what the server receives and checks that it is the client's segment as the method delivers it. */
    private void assertAtServer(byte[] emitted, int flags) throws Exception {
        assertNotNull(emitted, "a frame went to the real server");
        byte[] packet = atServer(emitted);
        MemorySegment s = MemorySegment.ofArray(packet);
        assertEquals(DropReason.NONE, parser.parse(s, 0, packet.length));
        assertEquals(RS_MAC, parser.ethernet().destination());
        assertEquals(DIRECTOR_MAC, parser.ethernet().source());
        assertEquals(ip(destinationAtServer()), parser.ipv4().destination());
        assertEquals(ip(sourceAtServer()), parser.ipv4().source());
        assertEquals(serverPort(), parser.destinationPort());
        assertEquals(flags, parser.tcpFlags());
    }

    @Test
    void shouldDeliverAConnectionToItsServerAndCountItAsIpvsDoes() throws Exception {
        resolveServer();
        byte[] syn = fromClient(TcpHeader.SYN, 0);
        assertAtServer(feed(syn), TcpHeader.SYN);
        long bytes = ipLength(syn);
        for (int size : new int[] {0, 100, 1000}) {
            byte[] data = fromClient(TcpHeader.ACK, size);
            assertAtServer(feed(data), TcpHeader.ACK);
            bytes += ipLength(data);
        }
        TrafficStats expected = new TrafficStats(1, 4, 0, bytes, 0);
        assertEquals(expected, director.traffic(vs));
        assertEquals(expected, director.traffic(vs, vs.destinations().get(0).counters()));
        assertEquals(4, director.counter(DirectorCounter.FORWARDED));
        assertEquals(1, director.counter(DirectorCounter.NEW_CONNECTIONS));
    }

    @Test
    void shouldSendRepliesBackWhereTheyPassTheDirector() throws Exception {
        resolveServer();
        byte[] toServer = feed(fromClient(TcpHeader.SYN, 0));
        assertNotNull(toServer);
        assertAtServer(toServer, TcpHeader.SYN);
        // The reply as the real server sends it: to whoever the request came from, at the director's MAC.
        int sourcePort = parser.sourcePort();
        byte[] reply = new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC).ipv4(SERVER, sourceAtServer())
                .tcp(serverPort(), sourcePort, TcpHeader.SYN | TcpHeader.ACK).payload(new byte[10]).build();
        byte[] toClient = feed(reply);
        if (!seesReplies()) {
            assertNull(toClient, "the director leaves a server's frame it does not route alone");
            assertEquals(0, director.traffic(vs).outPackets());
            return;
        }
        assertNotNull(toClient, "the reply goes on to the client");
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(toClient), 0, toClient.length));
        assertEquals(CLIENT_MAC, parser.ethernet().destination());
        assertEquals(ip(VIP), parser.ipv4().source());
        assertEquals(80, parser.sourcePort());
        assertEquals(ip(CLIENT), parser.ipv4().destination());
        assertEquals(CLIENT_PORT, parser.destinationPort());
        TrafficStats stats = director.traffic(vs);
        assertEquals(1, stats.outPackets());
        assertEquals(ipLength(reply), stats.outBytes());
    }

    @Test
    void shouldSendAnIcmpErrorAboutAReplyOnToTheServer() throws Exception {
        resolveServer();
        assertNotNull(feed(fromClient(TcpHeader.SYN, 0)));
        byte[] quotedReply = new PacketBuilder().ipv4(VIP, CLIENT).tcp(80, CLIENT_PORT, TcpHeader.ACK)
                .payload(new byte[1400]).buildIpPacket();
        byte[] error = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.1.1", VIP)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1300)
                .payload(Arrays.copyOf(quotedReply, 28)).build();
        byte[] emitted = feed(error);
        assertNotNull(emitted, "the error goes to the real server");
        byte[] packet = atServer(emitted);
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(packet), 0, packet.length));
        assertEquals(RS_MAC, parser.ethernet().destination());
        assertEquals(ip(destinationAtServer()), parser.ipv4().destination());
        assertEquals(serverPort(), parser.quotedSourcePort(), "the quote is the server's own reply");
        assertEquals(1, director.counter(icmpToServerCounter()));
        assertEquals(2, director.traffic(vs).inPackets(), "the error counts as incoming, as in IPVS");
    }

    @Test
    void shouldDropAndCountASegmentOfNoConnection() {
        resolveServer();
        assertNull(feed(fromClient(TcpHeader.ACK, 10)));
        assertEquals(1, director.counter(DirectorCounter.DROP_NO_CONNECTION));
        assertEquals(TrafficStats.ZERO, director.traffic(vs));
    }

    @Test
    void shouldDropAndCountWhileTheServerIsUnresolved() {
        assertNull(feed(fromClient(TcpHeader.SYN, 0)));
        assertEquals(1, director.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
        assertEquals(0, director.counter(DirectorCounter.FORWARDED));
    }

    @Test
    void shouldLeaveTheVipAloneWhileInactive() {
        resolveServer();
        director.active(false);
        assertNull(feed(fromClient(TcpHeader.SYN, 0)));
        assertFalse(director.traffic(vs).connections() > 0);
        assertTrue(director.counter(DirectorCounter.IGNORED) > 0);
    }
}

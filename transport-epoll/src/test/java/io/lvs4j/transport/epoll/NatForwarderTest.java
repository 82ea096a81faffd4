package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.Checksums;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
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
import java.util.concurrent.TimeUnit;

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
    private PacketDirector.LoopPath path;
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

    private static int ip(String address) throws Exception {
        byte[] b = InetAddress.getByName(address).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}

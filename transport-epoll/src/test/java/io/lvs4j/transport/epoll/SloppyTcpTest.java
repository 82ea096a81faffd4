package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * IPVS's {@code sloppy_tcp} and Katran's behaviour for consistent hashing: a director that never
 * saw a flow begin takes its mid-flow packets to the server a Maglev-scheduled DR or TUN service
 * picks, the one a director that saw the SYN chose; other services drop them unless sloppy.
 */
class SloppyTcpTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final String VIP = "198.18.0.200";

    private final Arena arena = Arena.ofConfined();
    private final List<PacketDirector> directors = new ArrayList<>();
    private final List<DataPath> paths = new ArrayList<>();
    private MultiThreadIoEventLoopGroup unusedLoops;

    @BeforeEach
    void setUp() {
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() {
        paths.forEach(DataPath::release);
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** A director of one service over three servers, their MACs resolved; returns its loop's path. */
    private DataPath director(String scheduler, Forwarding forwarding, boolean sloppy) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create(scheduler, SchedulerOptions.DEFAULTS));
        for (int i = 1; i <= 3; i++) {
            vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.1" + i), 80, 1));
        }
        PacketDirector director = PacketDirector.builder().interfaceName("eth0")
                .directorAddress(InetAddress.getByName("198.18.0.8")).loops(unusedLoops)
                .virtualService(vs, forwarding).connectionCapacity(1024).sloppyTcp(sloppy).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.8"));
        DataPath path = director.newPath((frame, offset, length) -> true);
        path.tick();
        for (int i = 1; i <= 3; i++) {
            feed(path, new PacketBuilder().ethernet(mac(i), DIRECTOR_MAC)
                    .arp(ArpPacket.OP_REPLY, mac(i), "198.18.0.1" + i, DIRECTOR_MAC, "198.18.0.8").build());
        }
        directors.add(director);
        paths.add(path);
        return path;
    }

    private static long mac(int server) {
        return 0x02_00_00_00_01_00L + server;
    }

    /** @return the destination MAC the director sent the frame to, or null if it did not forward it */
    private Long feed(DataPath path, byte[] frame) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        if (!path.onFrame(segment, 0, frame.length)) {
            return null;
        }
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (segment.get(ValueLayout.JAVA_BYTE, i) & 0xFF);
        }
        return mac;
    }

    private static byte[] segment(int clientPort, int flags) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.1." + (clientPort % 200), VIP)
                .tcp(clientPort, 80, flags).payload(new byte[10]).build();
    }

    @Test
    void shouldSendAFlowItNeverSawBeginWhereTheDirectorThatSawItsSynDid() throws Exception {
        for (String scheduler : List.of("mh", "maglev")) {
            DataPath first = director(scheduler, Forwarding.directRoute(), false);
            DataPath second = director(scheduler, Forwarding.directRoute(), false);
            for (int port = 30000; port < 30100; port++) {
                Long chosen = feed(first, segment(port, TcpHeader.SYN));
                Long taken = feed(second, segment(port, TcpHeader.ACK));
                assertEquals(chosen, taken, scheduler + ": flow from port " + port);
            }
            PacketDirector b = directors.getLast();
            assertEquals(100, b.counter(DirectorCounter.NEW_CONNECTIONS), "each mid-flow packet made its entry");
            assertEquals(100, b.connectionCount());
            long active = b.services().getFirst().destinations().asList().stream()
                    .mapToLong(d -> d.counters().activeConnections()).sum();
            assertEquals(100, active, "entries made by an ACK are established, as IPVS's state table says");
            assertEquals(0, b.counter(DirectorCounter.DROP_NO_CONNECTION));
        }
    }

    @Test
    void shouldTakeMidFlowPacketsOverTunnelsToo() throws Exception {
        DataPath first = director("mh", Forwarding.ipip(), false);
        DataPath second = director("mh", Forwarding.ipip(), false);
        feed(first, segment(40000, TcpHeader.SYN));
        feed(second, segment(40000, TcpHeader.ACK));
        assertEquals(1, directors.getLast().counter(DirectorCounter.TUNNEL_ENCAPSULATED));
    }

    @Test
    void shouldDropMidFlowPacketsOfOtherSchedulersAndMethodsUnlessSloppy() throws Exception {
        DataPath rr = director("rr", Forwarding.directRoute(), false);
        assertNull(feed(rr, segment(40000, TcpHeader.ACK)));
        assertEquals(1, directors.getLast().counter(DirectorCounter.DROP_NO_CONNECTION));

        DataPath nat = director("mh", Forwarding.masquerade(), false);
        assertNull(feed(nat, segment(40000, TcpHeader.ACK)), "NAT replies need the connection's start");

        DataPath sloppy = director("rr", Forwarding.directRoute(), true);
        assertNotEquals(null, feed(sloppy, segment(40000, TcpHeader.ACK)));
        assertEquals(1, directors.getLast().counter(DirectorCounter.NEW_CONNECTIONS));
    }

    @Test
    void shouldNeverOpenAConnectionForAReset() throws Exception {
        DataPath path = director("mh", Forwarding.directRoute(), true);
        assertNull(feed(path, segment(40000, TcpHeader.RST | TcpHeader.ACK)));
        assertEquals(0, directors.getLast().connectionCount());
        assertEquals(1, directors.getLast().counter(DirectorCounter.DROP_NO_CONNECTION));
    }
}

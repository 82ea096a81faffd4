package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keepalived's {@code ops} (IPVS's one-packet scheduling): every datagram of one UDP flow is
 * scheduled, so round robin spreads a single client's datagrams over every server; without it,
 * the flow sticks to the server of its first datagram.
 */
class OnePacketSchedulingTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final String VIP = "198.18.0.200";

    private final Arena arena = Arena.ofConfined();
    private final List<DataPath> paths = new ArrayList<>();
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;

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

    private DataPath director(boolean ops) throws Exception {
        VirtualService vs = new VirtualService(Protocol.UDP, InetAddress.getByName(VIP), 53,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.onePacketScheduling(ops);
        for (int i = 1; i <= 3; i++) {
            vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.1" + i), 53, 1));
        }
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName("198.18.0.8"))
                .loops(unusedLoops).virtualService(vs, Forwarding.directRoute()).connectionCapacity(1024).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.8"));
        DataPath path = director.newPath((frame, offset, length) -> true);
        path.tick();
        for (int i = 1; i <= 3; i++) {
            feed(path, new PacketBuilder().ethernet(mac(i), DIRECTOR_MAC)
                    .arp(ArpPacket.OP_REPLY, mac(i), "198.18.0.1" + i, DIRECTOR_MAC, "198.18.0.8").build());
        }
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

    private static byte[] datagram() {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.1.7", VIP).udp(40000, 53)
                .payload(new byte[12]).build();
    }

    @Test
    void shouldScheduleEveryDatagramOfOneFlow() throws Exception {
        DataPath path = director(true);
        List<Long> servers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            servers.add(feed(path, datagram()));
        }
        assertEquals(Set.of(mac(1), mac(2), mac(3)), Set.copyOf(servers.subList(0, 3)), "round robin per datagram");
        assertEquals(servers.subList(0, 3), servers.subList(3, 6), "and round again: " + servers);
        assertEquals(6, director.counter(DirectorCounter.NEW_CONNECTIONS), "a connection per datagram");
        assertEquals(1, director.connectionCount(), "only the last datagram's entry is left");
    }

    @Test
    void shouldKeepAFlowOnItsServerWithoutOps() throws Exception {
        DataPath path = director(false);
        List<Long> servers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            servers.add(feed(path, datagram()));
        }
        assertEquals(1, Set.copyOf(servers).size(), "one server for the whole flow: " + servers);
        assertTrue(Set.of(mac(1), mac(2), mac(3)).contains(servers.getFirst()));
        assertEquals(1, director.counter(DirectorCounter.NEW_CONNECTIONS));
    }

    @Test
    void shouldRefuseOpsForTcp() throws Exception {
        VirtualService tcp = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> tcp.onePacketScheduling(true));
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.EthernetHeader;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A director serves each VIP on its own, as the VRRP instance that holds it says: frames,
 * ARP answers and announcements of one VIP, not of the others.
 */
class PerVipServingTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS_MAC = 0x02_00_00_00_00_01L;
    private static final String VIP1 = "198.18.0.10";
    private static final String VIP2 = "198.18.0.20";

    private final Arena arena = Arena.ofConfined();
    private final List<byte[]> built = new ArrayList<>();
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private DataPath path;

    @BeforeEach
    void setUp() throws Exception {
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        PacketDirectorBuilder builder = PacketDirector.builder().interfaceName("eth0")
                .directorAddress(InetAddress.getByName("198.18.0.8")).loops(unusedLoops).active(false)
                .connectionCapacity(1024);
        for (String vip : List.of(VIP1, VIP2)) {
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.11"), 80, 1));
            builder.virtualService(vs, Forwarding.directRoute());
        }
        director = builder.build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.8"));
        path = director.newPath((frame, offset, length) -> built.add(frame.asSlice(offset, length)
                .toArray(ValueLayout.JAVA_BYTE)));
        path.tick();
        feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS_MAC, "198.18.0.11", DIRECTOR_MAC, "198.18.0.8").build());
    }

    @AfterEach
    void tearDown() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private boolean feed(byte[] frame) {
        built.clear();
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return path.onFrame(segment, 0, frame.length);
    }

    private static byte[] syn(String vip) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.99", vip)
                .tcp(40000, 80, TcpHeader.SYN).build();
    }

    private boolean answersArpFor(String vip) {
        feed(new PacketBuilder().ethernet(CLIENT_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, "198.18.0.99", 0, vip).build());
        return !built.isEmpty();
    }

    @Test
    void shouldServeOnlyTheVipsItIsToldTo() throws Exception {
        director.active(InetAddress.getByName(VIP1), true);

        assertTrue(director.active(InetAddress.getByName(VIP1)));
        assertFalse(director.active(InetAddress.getByName(VIP2)));
        assertTrue(director.active(), "it serves a VIP");
        assertTrue(feed(syn(VIP1)), "VIP1's frames are forwarded");
        assertFalse(feed(syn(VIP2)), "VIP2's are left alone");
        assertTrue(answersArpFor(VIP1));
        assertFalse(answersArpFor(VIP2));

        path.gratuitous();
        assertEquals(1, built.size(), "one gratuitous ARP: VIP1's");
        ArpPacket garp = new ArpPacket().wrap(MemorySegment.ofArray(built.get(0)), EthernetHeader.HEADER_LENGTH);
        assertEquals(ServiceTable.ipv4(InetAddress.getByName(VIP1)), garp.targetIp());

        director.active(InetAddress.getByName(VIP2), true);
        director.active(InetAddress.getByName(VIP1), false);
        assertFalse(feed(syn(VIP1)));
        assertTrue(feed(syn(VIP2)));
        director.active(false);
        assertFalse(director.active());
        assertFalse(answersArpFor(VIP2));
    }

    @Test
    void shouldRefuseAnAddressThatIsNoVip() {
        assertThrows(IllegalArgumentException.class, () -> director.active(InetAddress.getByName("198.18.0.30"), true));
    }
}

package io.lvs4j.transport.epoll;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A received batch previewed before it is handled ({@link PathHandler}, {@link DataPath#preview})
 * is handled as it would be without: the preview only warms caches, so a frame that needs the
 * connection an earlier frame of its batch creates still finds it.
 */
class PreviewedBatchTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS1_MAC = 0x02_00_00_00_00_01L;
    private static final long RS2_MAC = 0x02_00_00_00_00_02L;
    private static final String VIP = "198.18.0.200";

    private final Arena arena = Arena.ofConfined();
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private DataPath path;

    @BeforeEach
    void setUp() throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), 80, 1));
        vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.14"), 80, 1));
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName("198.18.0.12"))
                .loops(unusedLoops).virtualService(vs).connectionCapacity(1024).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((frame, offset, length) -> true);
        path.prepassFrom(0); // its tables are small: the pre-pass would otherwise not run
        path.tick();
        handle(List.of(
                new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC)
                        .arp(ArpPacket.OP_REPLY, RS1_MAC, "198.18.0.13", DIRECTOR_MAC, "198.18.0.12").build(),
                new PacketBuilder().ethernet(RS2_MAC, DIRECTOR_MAC)
                        .arp(ArpPacket.OP_REPLY, RS2_MAC, "198.18.0.14", DIRECTOR_MAC, "198.18.0.12").build()),
                false);
    }

    @AfterEach
    void tearDown() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Handles frames as one received batch, previewed first or not; @return each frame as it left, or null */
    private byte[][] handle(List<byte[]> frames, boolean preview) {
        MemorySegment[] memory = new MemorySegment[frames.size()];
        for (int i = 0; i < memory.length; i++) {
            byte[] f = frames.get(i);
            memory[i] = arena.allocate(f.length + 16);
            MemorySegment.copy(f, 0, memory[i], ValueLayout.JAVA_BYTE, 16, f.length);
        }
        PathHandler handler = new PathHandler(path);
        if (preview) {
            assertTrue(handler.previews());
            for (int i = 0; i < memory.length; i++) {
                handler.preview(memory[i], 16, frames.get(i).length);
            }
            handler.previewed();
        }
        byte[][] out = new byte[memory.length][];
        for (int i = 0; i < memory.length; i++) {
            if (path.onFrame(memory[i], 16, frames.get(i).length)) {
                out[i] = memory[i].asSlice(16, frames.get(i).length).toArray(ValueLayout.JAVA_BYTE);
            }
        }
        return out;
    }

    private static byte[] tcp(String client, int port, int flags) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(client, VIP).tcp(port, 80, flags).build();
    }

    private static long destinationMac(byte[] frame) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | (frame[i] & 0xFF);
        }
        return mac;
    }

    @Test
    void shouldFindInABatchTheConnectionAnEarlierFrameOfItCreated() {
        byte[] fragment = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", VIP)
                .tcp(40002, 80, 0x10).build();
        fragment[14 + 6] = 0x20; // more fragments
        byte[][] out = handle(List.of(tcp("198.18.0.11", 40000, 0x02), tcp("198.18.0.11", 40000, 0x10),
                tcp("198.18.0.21", 40001, 0x02), new byte[20], fragment, tcp("198.18.0.11", 40000, 0x10)), true);
        assertEquals(2, path.table(4).size());
        long first = destinationMac(out[0]);
        assertTrue(first == RS1_MAC || first == RS2_MAC);
        assertEquals(first, destinationMac(out[1]), "the second frame found the connection the first created");
        assertEquals(first, destinationMac(out[5]));
        assertEquals(first == RS1_MAC ? RS2_MAC : RS1_MAC, destinationMac(out[2]), "round robin");
        assertFalse(out[3] != null || out[4] != null, "neither the runt nor the fragment is forwarded");
    }

    @Test
    void shouldRunThePrepassOnlyOnceTheTableHoldsItsThreshold() {
        path.prepassFrom(3);
        assertFalse(path.prepassing(), "an empty table is in the caches");
        handle(List.of(tcp("198.18.0.41", 1000, 0x02), tcp("198.18.0.42", 1000, 0x02)), false);
        assertEquals(2, path.table(4).size());
        assertFalse(path.prepassing());
        assertFalse(new PathHandler(path).previews(), "the socket makes no preview call for such a batch");
        handle(List.of(tcp("198.18.0.43", 1000, 0x02)), false);
        assertEquals(3, path.table(4).size());
        assertTrue(path.prepassing(), "decided for each batch from the table it finds");
        assertTrue(new PathHandler(path).previews());
        assertTrue(LookupPrepass.MIN_ENTRIES * 64 > 1 << 20,
                "by default from more than a megabyte of table (64 bytes an IPv4 entry)");
    }

    @Test
    void shouldForwardAPreviewedBatchAsTheSameBatchUnpreviewed() {
        List<byte[]> opening = List.of(tcp("198.18.0.31", 1000, 0x02), tcp("198.18.0.32", 1001, 0x02));
        byte[][] opened = handle(opening, false);
        List<byte[]> next = List.of(tcp("198.18.0.31", 1000, 0x10), tcp("198.18.0.32", 1001, 0x10),
                tcp("198.18.0.31", 1000, 0x11));
        byte[][] previewed = handle(next, true);
        byte[][] plain = handle(next, false);
        for (int i = 0; i < next.size(); i++) {
            assertArrayEquals(plain[i], previewed[i]);
        }
        assertEquals(destinationMac(opened[0]), destinationMac(previewed[0]));
        assertEquals(destinationMac(opened[1]), destinationMac(previewed[1]));
    }
}

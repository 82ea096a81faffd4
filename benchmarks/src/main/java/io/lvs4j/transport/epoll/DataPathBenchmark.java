package io.lvs4j.transport.epoll;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * A director loop's whole data path for one frame of an established TCP connection among
 * 100,000, as the loop runs it: parse, classify, look the connection up, advance its state,
 * count its traffic, rewrite by the service's method and hand it back to be sent. The frame is
 * copied from a pristine copy first, as a receive ring would hold it. In the package of the data
 * path, whose classes are not public. Methods: {@code dr} and {@code nat} (client to server),
 * {@code nat-reply} (the server's reply back to the client), {@code dr-fwmark} (a DR fwmark
 * service's frame, received with its mark as a marked socket reports it).
 */
public class DataPathBenchmark extends AbstractBenchmark {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS_MAC = 0x02_00_00_00_00_01L;
    private static final int CONNECTIONS = 100_000;

    @Param({"dr", "nat", "nat-reply", "dr-fwmark"})
    private String method;

    private Arena arena;
    private MultiThreadIoEventLoopGroup unusedLoops;
    private PacketDirector director;
    private MemorySegment pristine;
    private MemorySegment frame;
    private int length;
    private DataPath path;
    private final PlainFrame plain = new PlainFrame();
    private int mark;

    /** Builds the director, resolves its server and opens 100,000 connections. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        arena = Arena.ofShared();
        boolean nat = method.startsWith("nat");
        mark = method.endsWith("fwmark") ? 7 : 0;
        VirtualService vs = mark != 0
                ? VirtualService.firewallMark(Protocol.TCP, false, mark, Schedulers.create("rr", SchedulerOptions.DEFAULTS))
                : new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.200"), 80,
                        Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), nat ? 8080 : 80, 1));
        unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName("198.18.0.12"))
                .loops(unusedLoops).virtualService(vs, nat ? Forwarding.masquerade() : Forwarding.directRoute())
                .connectionCapacity(1 << 18).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((memory, offset, bytes) -> true);
        path.tick();
        feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS_MAC, "198.18.0.13", DIRECTOR_MAC, "198.18.0.12").build());
        for (int i = 0; i < CONNECTIONS; i++) {
            String client = "198.18." + (64 + (i >>> 14)) + "." + ((i >>> 6) & 0xFF);
            int port = 1024 + (i & 0x3F) * 512 + (i % 7);
            feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(client, "198.18.0.200")
                    .tcp(port, 80, 0x02).build());
        }
        byte[] packet = method.equals("nat-reply")
                ? new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC).ipv4("198.18.0.13", "198.18.64.0")
                        .tcp(8080, 1024, 0x10).payload(new byte[1400]).build()
                : new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.64.0", "198.18.0.200")
                        .tcp(1024, 80, 0x10).payload(new byte[1400]).build();
        length = packet.length;
        pristine = arena.allocate(length).copyFrom(MemorySegment.ofArray(packet));
        frame = arena.allocate(2048, 64);
        if (!once()) {
            throw new IllegalStateException("the frame is not forwarded: " + method);
        }
    }

    private void feed(byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        path.onFrame(plain.wrap(s, 0, bytes.length, mark));
    }

    private boolean once() {
        MemorySegment.copy(pristine, 0, frame, 0, length);
        return path.onFrame(plain.wrap(frame, 0, length, mark));
    }

    /** @return whether the frame is to be sent on (always) */
    @Benchmark
    @HotPath
    public boolean frame() {
        return once();
    }

    /** Frees the tables and the loops. */
    @TearDown(Level.Trial)
    public void tearDown() {
        director.close();
        path.release();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        arena.close();
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.SocketCounter;
import io.lvs4j.transport.epoll.internal.XskRing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The AF_XDP transport's user-space path for a batch of 64 frames of established DR connections
 * (among 100,000, as {@link DataPathBenchmark} sets them up): {@link XskPump} takes them from the
 * receive ring of its UMEM, the loop's {@link DataPath} rewrites each in place, the pump puts them
 * on the transmit ring, asks the kernel to send, takes them back from the completion ring and
 * refills the fill ring. The rings are plain memory and the benchmark plays the kernel's side
 * (frames copied into the UMEM from a pristine copy, as the kernel copies in copy mode), so the
 * figure is the user-space cost per frame without a system call. Compare with
 * {@code DataPathBenchmark.frame} (method dr), the data path alone.
 */
public class XdpPathBenchmark extends AbstractBenchmark {

    private static final long DIRECTOR_MAC = DrPathFixture.DIRECTOR_MAC;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS_MAC = DrPathFixture.RS_MAC;
    private static final int CONNECTIONS = 100_000;
    private static final int BATCH = 64;
    private static final int RING = 4096;
    private static final int CHUNK = 4096;
    private static final long PRODUCER = 0;
    private static final long CONSUMER = 64;
    private static final long ENTRIES = 128;

    private DrPathFixture fixture;
    private Arena arena;
    private DataPath path;
    private MemorySegment pristine;
    private int length;
    private MemorySegment umem;
    private XskPump pump;
    private XskRing kernelRx;
    private XskRing kernelTx;
    private XskRing kernelFill;
    private XskRing kernelCompletion;
    private final LoopCounters<SocketCounter> counters = new LoopCounters<>(SocketCounter.class);

    /** Builds the director, resolves its server, opens 100,000 connections and lays out the rings. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new DrPathFixture(1 << 18);
        arena = fixture.arena;
        path = fixture.path;
        feed(new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS_MAC, "198.18.0.13", DIRECTOR_MAC, "198.18.0.12").build());
        for (int i = 0; i < CONNECTIONS; i++) {
            String client = "198.18." + (64 + (i >>> 14)) + "." + ((i >>> 6) & 0xFF);
            int port = 1024 + (i & 0x3F) * 512 + (i % 7);
            feed(new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(client, "198.18.0.200")
                    .tcp(port, 80, 0x02).build());
        }
        byte[] packet = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.64.0", "198.18.0.200")
                .tcp(1024, 80, 0x10).payload(new byte[1400]).build();
        length = packet.length;
        pristine = arena.allocate(length).copyFrom(MemorySegment.ofArray(packet));
        umem = arena.allocate((long) CHUNK * RING * 2, CHUNK);
        MemorySegment rx = arena.allocate(ENTRIES + 16L * RING, 64);
        MemorySegment tx = arena.allocate(ENTRIES + 16L * RING, 64);
        MemorySegment fill = arena.allocate(ENTRIES + 8L * RING, 64);
        MemorySegment completion = arena.allocate(ENTRIES + 8L * RING, 64);
        kernelRx = new XskRing(rx, PRODUCER, CONSUMER, ENTRIES, 16, RING);
        kernelTx = new XskRing(tx, PRODUCER, CONSUMER, ENTRIES, 16, RING);
        kernelFill = new XskRing(fill, PRODUCER, CONSUMER, ENTRIES, 8, RING);
        kernelCompletion = new XskRing(completion, PRODUCER, CONSUMER, ENTRIES, 8, RING);
        pump = new XskPump(new XskRing(rx, PRODUCER, CONSUMER, ENTRIES, 16, RING),
                new XskRing(tx, PRODUCER, CONSUMER, ENTRIES, 16, RING),
                new XskRing(fill, PRODUCER, CONSUMER, ENTRIES, 8, RING),
                new XskRing(completion, PRODUCER, CONSUMER, ENTRIES, 8, RING), umem, CHUNK, path::onFrame, this::sendto,
                counters);
        batch();
        if (counters.get(SocketCounter.TX_PACKETS) != BATCH) {
            throw new IllegalStateException("the frames are not forwarded: " + counters.get(SocketCounter.TX_PACKETS));
        }
    }

    private void feed(byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        path.onFrame(s, 0, bytes.length);
    }

    /** The kernel's sendto in copy mode: every transmit entry to the completion ring. */
    private int sendto() {
        int n = kernelTx.available();
        MemorySegment txMemory = kernelTx.memory();
        MemorySegment completionMemory = kernelCompletion.memory();
        for (int i = 0; i < n; i++) {
            completionMemory.set(ValueLayout.JAVA_LONG, kernelCompletion.entry(i),
                    txMemory.get(ValueLayout.JAVA_LONG, kernelTx.entry(i)));
        }
        kernelTx.consumed(n);
        kernelCompletion.produced(n);
        return 0;
    }

    /** The kernel receives a batch (frames copied in after 256 bytes of headroom), then the loop drains it. */
    private void batch() {
        MemorySegment fillMemory = kernelFill.memory();
        MemorySegment rxMemory = kernelRx.memory();
        for (int i = 0; i < BATCH; i++) {
            long address = fillMemory.get(ValueLayout.JAVA_LONG, kernelFill.entry(i)) + 256;
            MemorySegment.copy(pristine, 0, umem, address, length);
            rxMemory.set(ValueLayout.JAVA_LONG, kernelRx.entry(i), address);
            rxMemory.set(ValueLayout.JAVA_INT, kernelRx.entry(i) + 8, length);
        }
        kernelFill.consumed(BATCH);
        kernelRx.produced(BATCH);
        pump.drain();
    }

    /** A batch of 64 frames through the rings and the data path; the time is per frame. */
    @Benchmark
    @HotPath
    @OperationsPerInvocation(BATCH)
    public void frame() {
        batch();
    }

    /** Frees the tables and the loops. */
    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }
}

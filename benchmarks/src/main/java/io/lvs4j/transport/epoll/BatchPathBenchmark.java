package io.lvs4j.transport.epoll;

import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.packet.PacketBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A director loop's data path over received batches of {@link #BATCH} frames (a receive call's
 * default), each frame an ACK of an established direct-routing TCP connection drawn at random
 * among {@link #connections} in a table of 1.2 times as many entries: with {@link #prepass} the batch is
 * first {@linkplain DataPath#preview previewed} (the pre-pass that starts every frame's
 * connection lookup, as {@link PathHandler} does for a socket), then each frame is handled as
 * the loop does; without, only handled. The score is per frame. Each frame is written into the
 * batch's memory from a template first (addresses, port, IPv4 header checksum), as the kernel
 * would have written it, in both variants alike.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class BatchPathBenchmark {

    /** Frames per received batch: {@code PacketSocketOptions}' default batch. */
    static final int BATCH = 64;
    private static final long DIRECTOR_MAC = DrPathFixture.DIRECTOR_MAC;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final long RS_MAC = DrPathFixture.RS_MAC;
    private static final int CLIENTS = 0x0A00_0000;
    private static final int PORTS = 4096;
    private static final int SLOT = 128;

    /** Established connections in the table. */
    @Param({"10000000"})
    public int connections;

    /**
     * Whether each batch is previewed before it is handled: {@code off} not; {@code on} with
     * the pre-pass running at any table size; {@code auto} as a socket's handler does, the
     * pre-pass running from {@link LookupPrepass#MIN_ENTRIES} connections.
     */
    @Param({"off", "on"})
    public String prepass;

    private boolean preview;

    private DrPathFixture fixture;
    private Arena arena;
    private DataPath path;
    private MemorySegment template;
    private int length;
    private MemorySegment batch;
    private int[] order;
    private int cursor;

    /** Builds the director, resolves its server and opens the connections (SYN, then ACK). */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new DrPathFixture(connections + connections / 5);
        arena = fixture.arena;
        path = fixture.path;
        switch (prepass) {
            case "off" -> preview = false;
            case "on" -> {
                preview = true;
                path.prepassFrom(0);
            }
            case "auto" -> preview = true;
            default -> throw new IllegalArgumentException("prepass is off, on or auto: " + prepass);
        }
        byte[] arp = new PacketBuilder().ethernet(RS_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS_MAC, "198.18.0.13", DIRECTOR_MAC, "198.18.0.12").build();
        MemorySegment arpFrame = arena.allocate(arp.length);
        MemorySegment.copy(arp, 0, arpFrame, ValueLayout.JAVA_BYTE, 0, arp.length);
        path.onFrame(arpFrame, 0, arp.length);
        byte[] packet = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("10.0.0.1", "198.18.0.200")
                .tcp(1024, 80, 0x10).build();
        length = packet.length;
        template = arena.allocate(length);
        MemorySegment.copy(packet, 0, template, ValueLayout.JAVA_BYTE, 0, length);
        batch = arena.allocate((long) SLOT * BATCH, 64);
        for (int i = 0; i < connections; i++) {
            write(0, i, 0x02);
            path.onFrame(batch, 0, length);
            write(0, i, 0x10);
            if (!path.onFrame(batch, 0, length)) {
                throw new IllegalStateException("connection " + i + " is not forwarded");
            }
        }
        if (path.table(4).size() != connections) {
            throw new IllegalStateException(path.table(4).size() + " connections, not " + connections);
        }
        SplittableRandom random = new SplittableRandom(7);
        order = new int[1 << 22];
        for (int i = 0; i < order.length; i++) {
            order[i] = random.nextInt(connections);
        }
        System.out.printf("%n%d connections, table of %d bytes, huge pages %s%n", connections,
                path.table(4).memoryBytes(), path.table(4).hugePages());
    }

    /** Writes the frame of a connection with TCP flags into a slot of the batch memory. */
    private void write(int slot, int connection, int tcpFlags) {
        long at = (long) slot * SLOT;
        MemorySegment.copy(template, 0, batch, at, length);
        NetworkOrder.u32(batch, at + 26, CLIENTS + connection / PORTS);
        NetworkOrder.u16(batch, at + 34, 1024 + connection % PORTS);
        batch.set(ValueLayout.JAVA_BYTE, at + 47, (byte) tcpFlags);
        NetworkOrder.u16(batch, at + 24, 0);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += NetworkOrder.u16(batch, at + 14 + i);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum += sum >>> 16;
        NetworkOrder.u16(batch, at + 24, ~sum & 0xFFFF);
    }

    /**
     * Handles one received batch of frames of random established connections.
     *
     * @return how many were forwarded (all)
     */
    @Benchmark
    @HotPath
    @OperationsPerInvocation(BATCH)
    public int batch() {
        int c = cursor;
        for (int i = 0; i < BATCH; i++) {
            write(i, order[(c + i) & (order.length - 1)], 0x10);
        }
        cursor = c + BATCH;
        if (preview && path.prepassing()) { // asked per batch, as PathHandler.previews()
            for (int i = 0; i < BATCH; i++) {
                path.preview(batch, (long) i * SLOT, length);
            }
            path.previewed();
        }
        int forwarded = 0;
        for (int i = 0; i < BATCH; i++) {
            if (path.onFrame(batch, (long) i * SLOT, length)) {
                forwarded++;
            }
        }
        return forwarded;
    }

    /** Frees the tables and the loops. */
    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }
}

package io.lvs4j.transport.epoll;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.sched.Destination;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing (Jazzer) of a loop's whole data path ({@link DataPath#onFrame}), one
 * target per forwarding method and one with every method on one loop: each input is a sequence
 * of frames, as a loop receives them, each in memory that ends where it does. Every frame must
 * be forwarded, answered or counted (a drop by reason, or an event); no exception may escape;
 * and once the clock has passed every timeout, the tables, the full-NAT local ports and the
 * servers' connection counts are back to 0: nothing leaks.
 *
 * <p>An input is a list of records: a control byte, a 16-bit length, the frame. The control
 * byte's low four bits advance the clock by that many times 4 s before the frame (the loop
 * ticks then); bit 4 marks a TCP or UDP frame's checksum partial, bit 5 a TCP frame as a GSO
 * super-frame, as the kernel reports a local sender's frames. {@link DataPathFuzzSeeds} makes
 * the seeds: conversations as clients, servers and routers hold them.
 *
 * <p>In a normal build this replays the committed corpus ({@code DataPathFuzzTestInputs});
 * {@code JAZZER_FUZZ=1} fuzzes one target (see {@code benchmarks/fuzz}).
 */
class DataPathFuzzTest {

    private static final MultiThreadIoEventLoopGroup UNUSED_LOOPS =
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final long START = 1_000_000_000_000L;
    private static final long STEP = 4_000_000_000L;
    private static final long PAST_EVERY_TIMEOUT = TimeUnit.HOURS.toNanos(3);

    @AfterAll
    static void shutDown() {
        UNUSED_LOOPS.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @FuzzTest(maxDuration = "10m")
    void directRoute(byte[] input) {
        run(DataPathFuzzSetup.DIRECT_ROUTE, input);
    }

    @FuzzTest(maxDuration = "10m")
    void masquerade(byte[] input) {
        run(DataPathFuzzSetup.MASQUERADE, input);
    }

    @FuzzTest(maxDuration = "10m")
    void fullNat(byte[] input) {
        run(DataPathFuzzSetup.FULL_NAT, input);
    }

    @FuzzTest(maxDuration = "10m")
    void tunnel(byte[] input) {
        run(DataPathFuzzSetup.TUNNEL, input);
    }

    @FuzzTest(maxDuration = "10m")
    void everyMethod(byte[] input) {
        run(DataPathFuzzSetup.EVERY_METHOD, input);
    }

    @Test
    void shouldCarryEverySeedThroughAndKeepThemCommitted() {
        for (DataPathFuzzSetup setup : DataPathFuzzSetup.values()) {
            Map<String, byte[]> seeds = DataPathFuzzSeeds.of(setup, UNUSED_LOOPS);
            seeds.forEach((name, seed) -> assertTrue(run(setup, seed) > 0, setup + " " + name + " reaches a server"));
            FuzzInputs.committed(getClass(), DataPathFuzzSeeds.method(setup), seeds);
        }
    }

    /**
     * Feeds the frames of one input to a new director's loop and checks every frame and, at the
     * end, that nothing is left.
     *
     * @return the frames forwarded or encapsulated
     */
    static long run(DataPathFuzzSetup setup, byte[] input) {
        long[] now = {START};
        List<VirtualService> services = setup.services();
        PacketDirector director = setup.director(UNUSED_LOOPS, services, () -> now[0]);
        int[] emitted = {0};
        DataPath path = director.newPath((frame, offset, length) -> ++emitted[0] > 0);
        FrameParser probe = new FrameParser();
        long forwarded = 0;
        try (Arena arena = Arena.ofConfined()) {
            path.tick();
            int at = 0;
            while (at + 3 <= input.length) {
                int control = input[at] & 0xFF;
                int length = Math.min(((input[at + 1] & 0xFF) << 8) | (input[at + 2] & 0xFF), input.length - at - 3);
                MemorySegment frame = arena.allocate(Math.max(1, length));
                MemorySegment.copy(input, at + 3, frame, ValueLayout.JAVA_BYTE, 0, length);
                at += 3 + length;
                if ((control & 0x0F) != 0) {
                    now[0] += (control & 0x0F) * STEP;
                    path.tick();
                }
                long accounted = path.drops().total() + path.counters().total();
                int sent = emitted[0];
                boolean forward = path.onFrame(offload(control, probe, frame, length));
                if (forward) {
                    forwarded++;
                } else if (emitted[0] == sent && path.drops().total() + path.counters().total() == accounted) {
                    fail("a frame neither forwarded, answered nor counted: record ending at " + at);
                }
            }
            forwarded += path.counters().get(DirectorCounter.TUNNEL_ENCAPSULATED);
            // A template outlives its last connection by its own timeout: two rounds reach both.
            for (int round = 0; round < 2; round++) {
                now[0] += PAST_EVERY_TIMEOUT;
                path.tick();
            }
            assertEquals(0, director.connectionCount(), "every connection and template expired");
            assertEquals(0, director.localPortsInUse(), "every full-NAT local port given back");
            for (VirtualService vs : services) {
                for (Destination d : vs.destinations().asList()) {
                    assertEquals(0, d.counters().totalConnections(), vs + " " + d + ": no connection left counted");
                    assertEquals(0, d.counters().persistentConnections(), vs + " " + d + ": no template left counted");
                }
            }
        } finally {
            path.release();
            director.close();
        }
        return forwarded;
    }

    /** The frame with the offload state the control byte asks for, where the kernel would report it. */
    private static ReceivedFrame offload(int control, FrameParser probe, MemorySegment frame, int length) {
        boolean partial = (control & 0x10) != 0;
        boolean gso = (control & 0x20) != 0;
        if ((partial || gso) && probe.parse(frame, 0, length) == DropReason.NONE && probe.hasPorts()) {
            boolean tcp = probe.protocol() == 6;
            int gsoType = gso && tcp ? (probe.ipVersion() == 4 ? 1 : 4) : 0;
            if (tcp || probe.protocol() == 17) {
                return new OffloadFrame(frame, length, true, gsoType, gsoType == 0 ? 0 : 1448);
            }
        }
        return new OffloadFrame(frame, length, false, 0, 0);
    }

    /** A received frame and the offload state the kernel gave it. */
    private record OffloadFrame(MemorySegment buffer, int length, boolean needsChecksum, int gsoType, int gsoSize)
            implements ReceivedFrame {

        @Override
        public long offset() {
            return 0;
        }
    }

    /** Writes frames as the records of an input. */
    static final class Records {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<byte[]> frames = new ArrayList<>();

        /**
         * @param control the control byte
         * @param frame the frame
         * @return this
         */
        Records add(int control, byte[] frame) {
            out.write(control);
            out.write(frame.length >>> 8);
            out.write(frame.length);
            out.writeBytes(frame);
            frames.add(frame);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.Bpf;
import io.lvs4j.transport.epoll.internal.EpollDescriptor;
import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.SocketCounter;
import io.lvs4j.transport.epoll.internal.XskFd;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An {@code AF_XDP} socket on one receive queue of an interface, driven by one Netty epoll
 * loop as a {@link PacketSocket} is: the frames the XDP program redirects to it arrive on the
 * receive ring in its UMEM and are handed in place to the loop's data path; those it forwards
 * (rewritten in place) go out on the transmit ring from the same UMEM frame, no copy in user
 * space ({@link XskPump} walks the rings). The UMEM has {@link #FRAMES} frames of {@link #CHUNK}
 * bytes: half of them start on the fill ring, the other half cover frames in flight on the
 * transmit ring. Frames the kernel could not deliver (a full receive ring, an empty fill ring)
 * are in {@link #kernelStatistics()}.
 *
 * <p>Threading: {@link #open} and {@link #close} from any thread but the loop; the data path
 * runs on the loop; {@link #statistics()} from any thread. Allocation-free per frame.
 */
final class XdpSocket implements AutoCloseable {

    /** Bytes of a UMEM frame: one page, so a frame never crosses one. */
    static final int CHUNK = 4096;
    /** Frames of the UMEM: 32 MiB. */
    static final int FRAMES = 8192;
    /**
     * Entries of each ring: the receive ring holds 4,096 frames, some 50 ms at 80,000 frames/s,
     * for a loop kept off its CPU (with 2,048, a loaded 2-core machine dropped 5-10 % of a UDP
     * blast in benchmarks/e2e-xdp).
     */
    static final int RING = 4096;

    private final IoEventLoop loop;
    private final int queue;
    private final XskFd xsk;
    private final MemorySegment callState;
    private final XskPump pump;
    private final EpollDescriptor descriptor;
    private final LoopCounters<SocketCounter> counters = new LoopCounters<>(SocketCounter.class);

    private XdpSocket(IoEventLoop loop, int queue, XskFd xsk, Arena arena, XskPump.Handler handler) {
        this.loop = loop;
        this.queue = queue;
        this.xsk = xsk;
        this.callState = Libc.newCallState(arena);
        this.pump = new XskPump(xsk.rx(), xsk.tx(), xsk.fill(), xsk.completion(), xsk.umem(), CHUNK, handler,
                this::kick, counters);
        this.descriptor = new EpollDescriptor(loop, xsk.fd(), this::drain, () -> {
            xsk.close();
            arena.close();
        });
    }

    /**
     * Opens a socket on a queue, puts it in the program's {@code XSKMAP} under the queue's
     * number and registers it on a loop.
     *
     * @param loop the loop
     * @param ifindex the interface
     * @param queue the receive queue
     * @param socketMap the {@code XSKMAP}
     * @param handler the loop's data path
     * @return the socket, receiving
     * @throws IOException if the kernel refuses the socket (no {@code AF_XDP}, no such queue)
     */
    static XdpSocket open(IoEventLoop loop, int ifindex, int queue, int socketMap, XskPump.Handler handler)
            throws IOException {
        Epoll.ensureAvailability();
        Arena arena = Arena.ofShared();
        XdpSocket socket;
        try {
            MemorySegment umem = arena.allocate((long) CHUNK * FRAMES, CHUNK);
            XskFd xsk = XskFd.open(umem, CHUNK, RING, ifindex, queue);
            socket = new XdpSocket(loop, queue, xsk, arena, handler);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        socket.descriptor.register("the AF_XDP socket of queue " + queue);
        try {
            Bpf.update(socketMap, intKey(queue), intKey(socket.xsk.fd()));
        } catch (NativeIoException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** @return a {@code u32} in native (little-endian) order, as a map key or value */
    static byte[] intKey(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }

    /** @return the receive queue this socket is bound to */
    int queue() {
        return queue;
    }

    /** @return the loop serving this socket */
    IoEventLoop loop() {
        return loop;
    }

    private void drain() {
        if (!descriptor.released()) {
            pump.drain();
        }
    }

    /** {@code sendto(fd, NULL, 0, MSG_DONTWAIT)}: in copy mode the kernel sends from the transmit ring in this call. */
    private int kick() {
        return Libc.sendto(callState, xsk.fd(), MemorySegment.NULL, 0, Libc.MSG_DONTWAIT, MemorySegment.NULL, 0) < 0
                ? Libc.errno(callState) : 0;
    }

    /** @return this socket's counters; any thread */
    PacketSocketStatistics statistics() {
        long[] kernel = kernelStatistics();
        return new PacketSocketStatistics(counters.get(SocketCounter.RX_PACKETS), counters.get(SocketCounter.RX_BYTES),
                counters.get(SocketCounter.RX_TRUNCATED), counters.get(SocketCounter.RX_ERRORS),
                counters.get(SocketCounter.TX_PACKETS), counters.get(SocketCounter.TX_BYTES),
                counters.get(SocketCounter.TX_DROPPED), counters.get(SocketCounter.TX_ERRORS),
                counters.get(SocketCounter.RX_PACKETS), kernel[0]);
    }

    /**
     * Reads the kernel's {@code XDP_STATISTICS}; any thread.
     *
     * @return rx_dropped, rx_invalid_descs, tx_invalid_descs, rx_ring_full, rx_fill_ring_empty_descs,
     *     tx_ring_empty_descs; zeros once closed
     */
    long[] kernelStatistics() {
        synchronized (descriptor) {
            if (!descriptor.released()) {
                try {
                    return xsk.statistics();
                } catch (NativeIoException e) {
                    return new long[6];
                }
            }
            return new long[6];
        }
    }

    /**
     * Deregisters and closes the socket (the kernel takes it out of the {@code XSKMAP}), then
     * frees the UMEM; idempotent.
     */
    @Override
    public void close() {
        descriptor.close();
    }
}

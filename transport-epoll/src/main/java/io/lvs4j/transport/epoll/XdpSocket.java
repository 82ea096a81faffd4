package io.lvs4j.transport.epoll;

import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.Bpf;
import io.lvs4j.transport.epoll.internal.EpollDescriptor;
import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.SocketCounter;
import io.lvs4j.transport.epoll.internal.XskFd;
import io.lvs4j.transport.epoll.internal.XskRing;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An {@code AF_XDP} socket on one receive queue of an interface, driven by one Netty epoll
 * loop as a {@link PacketSocket} is: the frames the XDP program redirects to it arrive on the
 * receive ring in its UMEM, are handed in place to the loop's data path, and those it forwards
 * (rewritten in place) go out on the transmit ring from the same UMEM frame, no copy in user
 * space. A frame the data path does not forward goes straight back to the fill ring; a sent one
 * comes back through the completion ring.
 *
 * <p>The UMEM has {@link #FRAMES} frames of {@link #CHUNK} bytes: half of them start on the fill
 * ring, the other half cover frames in flight on the transmit ring. A frame that finds the
 * transmit ring full is dropped and counted ({@code TX_DROPPED}); frames the kernel could not
 * deliver (a full receive ring, an empty fill ring) are in {@link #kernelStatistics()}.
 *
 * <p>Threading: {@link #open} and {@link #close} from any thread but the loop; the data path
 * runs on the loop; {@link #statistics()} from any thread. Allocation-free per frame.
 */
final class XdpSocket implements AutoCloseable {

    /** Bytes of a UMEM frame: one page, so a frame never crosses one. */
    static final int CHUNK = 4096;
    /** Frames of the UMEM. */
    static final int FRAMES = 4096;
    /** Entries of each ring. */
    static final int RING = 2048;
    private static final int BATCH = 64;
    private static final int BATCHES_PER_WAKEUP = 16;
    /** Most {@code sendto} calls per batch: enough for a full ring at 32 frames a call. */
    private static final int MAX_KICKS = RING / 32 + 2;
    private static final int EBUSY = 16;
    private static final int ENOBUFS = 105;

    /** Handles one received frame. */
    @FunctionalInterface
    interface Handler {
        /**
         * @param buffer the UMEM
         * @param offset where the Ethernet header starts
         * @param length the frame's length
         * @return {@code true} to send the frame on as it is now in the UMEM
         */
        boolean onFrame(MemorySegment buffer, long offset, int length);
    }

    private final IoEventLoop loop;
    private final int queue;
    private final XskFd xsk;
    private final Arena arena;
    private final MemorySegment umem;
    private final MemorySegment callState;
    private final Handler handler;
    private final EpollDescriptor descriptor;
    private final long[] free = new long[FRAMES];
    private final LoopCounters<SocketCounter> counters = new LoopCounters<>(SocketCounter.class);
    private int freeCount;
    /** Frames on the transmit ring not yet seen on the completion ring. */
    private int inFlight;

    private XdpSocket(IoEventLoop loop, int queue, XskFd xsk, Arena arena, Handler handler) {
        this.loop = loop;
        this.queue = queue;
        this.xsk = xsk;
        this.arena = arena;
        this.umem = xsk.umem();
        this.callState = Libc.newCallState(arena);
        this.handler = handler;
        for (int i = 0; i < FRAMES; i++) {
            free[i] = (long) (FRAMES - 1 - i) * CHUNK;
        }
        freeCount = FRAMES;
        refill(RING);
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
    static XdpSocket open(IoEventLoop loop, int ifindex, int queue, int socketMap, Handler handler) throws IOException {
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
        XskRing rx = xsk.rx();
        for (int round = 0; round < BATCHES_PER_WAKEUP && !descriptor.released(); round++) {
            reclaim();
            int n = Math.min(rx.available(), BATCH);
            if (n == 0) {
                return;
            }
            receive(rx, n);
            if (n < BATCH) {
                return;
            }
        }
    }

    private void receive(XskRing rx, int n) {
        XskRing tx = xsk.tx();
        MemorySegment rxMemory = rx.memory();
        MemorySegment txMemory = tx.memory();
        int room = tx.free();
        int queued = 0;
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            long entry = rx.entry(i);
            long address = rxMemory.get(JAVA_LONG, entry);
            int length = rxMemory.get(JAVA_INT, entry + XskFd.DESC_LEN);
            bytes += length;
            if (length < 14 || address < 0 || address + length > umem.byteSize()) {
                counters.increment(SocketCounter.RX_TRUNCATED);
                free[freeCount++] = address;
                continue;
            }
            if (!handler.onFrame(umem, address, length)) {
                free[freeCount++] = address;
            } else if (queued == room) {
                counters.increment(SocketCounter.TX_DROPPED);
                free[freeCount++] = address;
            } else {
                long slot = tx.entry(queued++);
                txMemory.set(JAVA_LONG, slot, address);
                txMemory.set(JAVA_INT, slot + XskFd.DESC_LEN, length);
                txMemory.set(JAVA_INT, slot + XskFd.DESC_LEN + 4, 0);
                counters.add(SocketCounter.TX_BYTES, length);
            }
        }
        rx.consumed(n);
        counters.add(SocketCounter.RX_PACKETS, n);
        counters.add(SocketCounter.RX_BYTES, bytes);
        counters.increment(SocketCounter.RX_BATCHES);
        if (queued > 0) {
            tx.produced(queued);
            inFlight += queued;
            counters.add(SocketCounter.TX_PACKETS, queued);
        }
        if (inFlight > 0) {
            transmit(tx);
        }
        refill(n);
    }

    /**
     * Tells the kernel to send what the transmit ring holds. In copy mode each {@code sendto}
     * sends at most 32 frames and answers {@code EAGAIN} while more wait, so it is repeated
     * (bounded) until the ring is empty or the kernel answers anything else.
     */
    private void transmit(XskRing tx) {
        for (int kicks = 0; kicks < MAX_KICKS; kicks++) {
            long r = Libc.sendto(callState, xsk.fd(), MemorySegment.NULL, 0, Libc.MSG_DONTWAIT, MemorySegment.NULL, 0);
            reclaim();
            if (tx.free() == RING) {
                return;
            }
            if (r < 0) {
                int errno = Libc.errno(callState);
                if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                    continue;
                }
                if (errno != EBUSY && errno != ENOBUFS) {
                    counters.increment(SocketCounter.TX_ERRORS);
                }
                return;
            }
        }
    }

    /** Takes the frames the kernel has sent back from the completion ring. */
    private void reclaim() {
        XskRing completion = xsk.completion();
        int done = completion.available();
        if (done == 0) {
            return;
        }
        MemorySegment memory = completion.memory();
        for (int i = 0; i < done; i++) {
            free[freeCount++] = memory.get(JAVA_LONG, completion.entry(i));
        }
        completion.consumed(done);
        inFlight -= done;
    }

    /** Gives up to {@code wanted} free frames to the kernel to receive into. */
    private void refill(int wanted) {
        XskRing fill = xsk.fill();
        int k = Math.min(Math.min(wanted, freeCount), fill.free());
        if (k <= 0) {
            return;
        }
        MemorySegment memory = fill.memory();
        for (int i = 0; i < k; i++) {
            memory.set(JAVA_LONG, fill.entry(i), free[--freeCount]);
        }
        fill.produced(k);
    }

    /** @return this socket's counters; any thread */
    PacketSocketStatistics statistics() {
        long[] kernel = kernelStatistics();
        return new PacketSocketStatistics(counters.get(SocketCounter.RX_PACKETS), counters.get(SocketCounter.RX_BYTES),
                counters.get(SocketCounter.RX_TRUNCATED), counters.get(SocketCounter.RX_ERRORS),
                counters.get(SocketCounter.TX_PACKETS), counters.get(SocketCounter.TX_BYTES),
                counters.get(SocketCounter.TX_DROPPED), counters.get(SocketCounter.TX_ERRORS),
                counters.get(SocketCounter.RX_PACKETS), kernel[0] + kernel[3] + kernel[4]);
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

    /** Deregisters and closes the socket (the kernel takes it out of the {@code XSKMAP}), then frees the UMEM; idempotent. */
    @Override
    public void close() {
        descriptor.close();
    }
}

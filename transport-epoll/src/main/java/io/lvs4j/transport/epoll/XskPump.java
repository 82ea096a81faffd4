package io.lvs4j.transport.epoll;

import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.SocketCounter;
import io.lvs4j.transport.epoll.internal.XskFd;
import io.lvs4j.transport.epoll.internal.XskRing;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The user-space side of an {@code AF_XDP} socket's four rings over its UMEM: takes received
 * frames from the receive ring, hands each in place to the data path, puts those it forwards on
 * the transmit ring (the same UMEM frame, no copy), gives the others back on the fill ring, and
 * takes sent frames back from the completion ring. It knows no descriptor: the kernel is asked to
 * send through {@link Kernel}, so that the rings can be driven over plain memory too (the
 * benchmark of this path plays the kernel's side).
 *
 * <p>The UMEM holds {@code frames} frames of {@code chunk} bytes; user space owns every frame on
 * no ring, kept on a stack. A forwarded frame that finds the transmit ring full is dropped and
 * counted ({@code TX_DROPPED}), a frame shorter than an Ethernet header or running past the UMEM
 * too ({@code RX_TRUNCATED}), a descriptor outside the UMEM as an error ({@code RX_ERRORS}).
 *
 * <p>Not thread-safe: the socket's loop only. Allocation-free.
 */
final class XskPump {

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

        /** @return whether {@link #preview} is wanted for this batch (asked before each), as {@link FrameHandler#previews()} */
        default boolean previews() {
            return false;
        }

        /**
         * Shows a frame of a received batch before any is handled, as {@link FrameHandler#preview}.
         *
         * @param buffer the UMEM
         * @param offset where the Ethernet header starts
         * @param length the frame's length
         */
        default void preview(MemorySegment buffer, long offset, int length) {
        }

        /** Called once the frames of a batch were previewed, as {@link FrameHandler#previewed()}. */
        default void previewed() {
        }
    }

    /** Asks the kernel to send what the transmit ring holds. */
    @FunctionalInterface
    interface Kernel {
        /** @return 0, or the {@code errno} of {@code sendto} */
        int kick();
    }

    static final int BATCH = 64;
    private static final int BATCHES_PER_WAKEUP = 16;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int EBUSY = 16;
    private static final int ENOBUFS = 105;

    private final XskRing rx;
    private final XskRing tx;
    private final XskRing fill;
    private final XskRing completion;
    private final MemorySegment umem;
    private final Handler handler;
    private final Kernel kernel;
    private final LoopCounters<SocketCounter> counters;
    private final long[] free;
    /** Most {@code sendto} calls per batch: in copy mode the kernel sends 32 frames a call. */
    private final int maxKicks;
    private int freeCount;
    /** Frames on the transmit ring not yet seen on the completion ring. */
    private int inFlight;

    /**
     * Takes the rings and gives the kernel half the frames to receive into.
     *
     * @param rx the receive ring
     * @param tx the transmit ring
     * @param fill the fill ring
     * @param completion the completion ring
     * @param umem the UMEM
     * @param chunk bytes of a UMEM frame
     * @param handler the data path
     * @param kernel the kernel's send call
     * @param counters where to count
     */
    XskPump(XskRing rx, XskRing tx, XskRing fill, XskRing completion, MemorySegment umem, int chunk, Handler handler,
            Kernel kernel, LoopCounters<SocketCounter> counters) {
        this.rx = rx;
        this.tx = tx;
        this.fill = fill;
        this.completion = completion;
        this.umem = umem;
        this.handler = handler;
        this.kernel = kernel;
        this.counters = counters;
        int frames = (int) (umem.byteSize() / chunk);
        this.free = new long[frames];
        for (int i = 0; i < frames; i++) {
            free[i] = (long) (frames - 1 - i) * chunk;
        }
        freeCount = frames;
        maxKicks = tx.size() / 32 + 2;
        refill(fill.size());
    }

    /** Reads what the receive ring holds, up to 16 batches of {@link #BATCH}. */
    void drain() {
        for (int round = 0; round < BATCHES_PER_WAKEUP; round++) {
            reclaim();
            int n = Math.min(rx.available(), BATCH);
            if (n == 0) {
                return;
            }
            receive(n);
            if (n < BATCH) {
                return;
            }
        }
    }

    private void receive(int n) {
        MemorySegment rxMemory = rx.memory();
        MemorySegment txMemory = tx.memory();
        int room = tx.free();
        int queued = 0;
        long bytes = 0;
        if (handler.previews()) {
            preview(rxMemory, n);
        }
        for (int i = 0; i < n; i++) {
            long entry = rx.entry(i);
            long address = rxMemory.get(JAVA_LONG, entry);
            int length = rxMemory.get(JAVA_INT, entry + XskFd.DESC_LEN);
            bytes += length;
            if (address < 0 || address >= umem.byteSize()) {
                counters.increment(SocketCounter.RX_ERRORS);         // not a frame of ours: not recycled
                continue;
            }
            if (length < 14 || address + length > umem.byteSize()) {
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
            transmit();
        }
        refill(n);
    }

    /** Shows the handler the frames of a batch that lie within the UMEM before they are handled. */
    private void preview(MemorySegment rxMemory, int n) {
        for (int i = 0; i < n; i++) {
            long entry = rx.entry(i);
            long address = rxMemory.get(JAVA_LONG, entry);
            int length = rxMemory.get(JAVA_INT, entry + XskFd.DESC_LEN);
            if (address >= 0 && length >= 14 && address + length <= umem.byteSize()) {
                handler.preview(umem, address, length);
            }
        }
        handler.previewed();
    }

    /**
     * Asks the kernel to send until the transmit ring is empty or it answers anything but
     * {@code EAGAIN} (in copy mode a call sends at most 32 frames and answers {@code EAGAIN}
     * while more wait; a zero-copy driver answers 0 and sends on its own), at most
     * {@link #maxKicks} times.
     */
    private void transmit() {
        for (int kicks = 0; kicks < maxKicks; kicks++) {
            int errno = kernel.kick();
            reclaim();
            if (tx.free() == tx.size()) {
                return;
            }
            if (errno == 0) {
                return;   // copy mode sent everything; zero-copy mode has woken the driver, completions follow
            }
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            if (errno != EBUSY && errno != ENOBUFS) {
                counters.increment(SocketCounter.TX_ERRORS);
            }
            return;
        }
    }

    /** Takes the frames the kernel has sent back from the completion ring. */
    private void reclaim() {
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

    /** @return frames user space holds now (neither on a ring nor in flight) */
    int freeFrames() {
        return freeCount;
    }
}

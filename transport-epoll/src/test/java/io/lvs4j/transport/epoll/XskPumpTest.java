package io.lvs4j.transport.epoll;

import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.SocketCounter;
import io.lvs4j.transport.epoll.internal.XskRing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The four rings of an {@code AF_XDP} socket driven over plain memory, the test playing the
 * kernel: it takes frames from the fill ring, publishes them on the receive ring, and its
 * {@code sendto} moves the transmit ring's frames to the completion ring.
 */
class XskPumpTest {

    private static final long PRODUCER = 0;
    private static final long CONSUMER = 64;
    private static final long ENTRIES = 128;
    private static final int CHUNK = 256;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment umem = arena.allocate(16 * CHUNK, 64);
    private final LoopCounters<SocketCounter> counters = new LoopCounters<>(SocketCounter.class);
    private XskRing rx;
    private XskRing tx;
    private XskRing fill;
    private XskRing completion;
    /** The kernel's views: it consumes fill and transmit, produces receive and completion. */
    private XskRing kernelFill;
    private XskRing kernelRx;
    private XskRing kernelTx;
    private XskRing kernelCompletion;
    /** Whether the fake kernel's sendto sends; otherwise it answers this errno. */
    private int sendErrno;
    /** Frames the fake kernel sends per call, answering EAGAIN while more wait; 0 for all. */
    private int perCall;
    private int calls;

    @AfterEach
    void free() {
        arena.close();
    }

    private XskPump pump(int rxSize, int txSize, XskPump.Handler handler) {
        MemorySegment rxMemory = arena.allocate(ENTRIES + 16L * rxSize, 64);
        MemorySegment txMemory = arena.allocate(ENTRIES + 16L * txSize, 64);
        MemorySegment fillMemory = arena.allocate(ENTRIES + 8L * 8, 64);
        MemorySegment completionMemory = arena.allocate(ENTRIES + 8L * 16, 64);
        rx = new XskRing(rxMemory, PRODUCER, CONSUMER, ENTRIES, 16, rxSize);
        tx = new XskRing(txMemory, PRODUCER, CONSUMER, ENTRIES, 16, txSize);
        fill = new XskRing(fillMemory, PRODUCER, CONSUMER, ENTRIES, 8, 8);
        completion = new XskRing(completionMemory, PRODUCER, CONSUMER, ENTRIES, 8, 16);
        kernelRx = new XskRing(rxMemory, PRODUCER, CONSUMER, ENTRIES, 16, rxSize);
        kernelTx = new XskRing(txMemory, PRODUCER, CONSUMER, ENTRIES, 16, txSize);
        kernelFill = new XskRing(fillMemory, PRODUCER, CONSUMER, ENTRIES, 8, 8);
        kernelCompletion = new XskRing(completionMemory, PRODUCER, CONSUMER, ENTRIES, 8, 16);
        return new XskPump(rx, tx, fill, completion, umem, CHUNK, handler, this::sendto, counters);
    }

    /** The kernel's sendto: every transmit entry to the completion ring. */
    private int sendto() {
        calls++;
        if (sendErrno != 0) {
            return sendErrno;
        }
        int waiting = kernelTx.available();
        int n = perCall == 0 ? waiting : Math.min(perCall, waiting);
        for (int i = 0; i < n; i++) {
            long address = kernelTx.memory().get(JAVA_LONG, kernelTx.entry(i));
            kernelCompletion.memory().set(JAVA_LONG, kernelCompletion.entry(i), address);
        }
        kernelTx.consumed(n);
        kernelCompletion.produced(n);
        return n < waiting ? 11 : 0; // EAGAIN while more wait
    }

    /** The kernel receives frames: each into the next fill-ring frame, its first byte as given. */
    private void receive(int length, byte... marks) {
        for (int i = 0; i < marks.length; i++) {
            long address = kernelFill.memory().get(JAVA_LONG, kernelFill.entry(i)) + 64; // after some headroom
            umem.set(JAVA_BYTE, address, marks[i]);
            kernelRx.memory().set(JAVA_LONG, kernelRx.entry(i), address);
            kernelRx.memory().set(JAVA_INT, kernelRx.entry(i) + 8, length);
        }
        kernelFill.consumed(marks.length);
        kernelRx.produced(marks.length);
    }

    private static boolean forwardMarked(MemorySegment buffer, long offset, int length) {
        return buffer.get(JAVA_BYTE, offset) == 1;
    }

    @Test
    void shouldForwardInPlaceRecycleTheRestAndRefillWhatTheKernelTook() {
        XskPump pump = pump(8, 8, XskPumpTest::forwardMarked);
        assertEquals(8, kernelFill.available(), "half the UMEM starts on the fill ring");
        assertEquals(8, pump.freeFrames());
        receive(60, (byte) 1, (byte) 0, (byte) 1);
        pump.drain();
        assertEquals(3, rx.memory().get(JAVA_INT, CONSUMER), "the receive ring is released");
        assertEquals(2, tx.memory().get(JAVA_INT, PRODUCER), "two frames sent from where they arrived");
        assertEquals(2, counters.get(SocketCounter.TX_PACKETS));
        assertEquals(3, counters.get(SocketCounter.RX_PACKETS));
        assertEquals(8, kernelFill.available(), "the fill ring is full again");
        assertEquals(8, pump.freeFrames(), "the sent frames came back through the completion ring");
    }

    @Test
    void shouldPreviewEveryFrameOfABatchBeforeHandlingAny() {
        StringBuilder calls = new StringBuilder();
        XskPump pump = pump(8, 8, new XskPump.Handler() {
            @Override
            public boolean onFrame(MemorySegment buffer, long offset, int length) {
                calls.append("frame ").append(buffer.get(JAVA_BYTE, offset)).append(';');
                return false;
            }

            @Override
            public boolean previews() {
                return true;
            }

            @Override
            public void preview(MemorySegment buffer, long offset, int length) {
                calls.append("preview ").append(buffer.get(JAVA_BYTE, offset)).append(' ').append(length).append(';');
            }

            @Override
            public void previewed() {
                calls.append("previewed;");
            }
        });
        receive(60, (byte) 7, (byte) 8);
        pump.drain();
        assertEquals("preview 7 60;preview 8 60;previewed;frame 7;frame 8;", calls.toString());
        assertEquals(2, counters.get(SocketCounter.RX_PACKETS));
    }

    @Test
    void shouldCountAForwardedFrameThatFindsTheTransmitRingFullAndKeepItsFrame() {
        XskPump pump = pump(8, 2, XskPumpTest::forwardMarked);
        sendErrno = 16; // EBUSY: the kernel sends nothing
        receive(60, (byte) 1, (byte) 1, (byte) 1, (byte) 1);
        pump.drain();
        assertEquals(2, counters.get(SocketCounter.TX_PACKETS));
        assertEquals(2, counters.get(SocketCounter.TX_DROPPED));
        assertEquals(0, counters.get(SocketCounter.TX_ERRORS), "EBUSY is not an error");
        sendErrno = 0;
        receive(60, (byte) 0);
        pump.drain();
        assertEquals(16, pump.freeFrames() + kernelFill.available(), "every frame is user space's or on the fill ring");
    }

    @Test
    void shouldDropShortFramesAndIgnoreDescriptorsOutsideTheUmem() {
        XskPump pump = pump(8, 8, (buffer, offset, length) -> true);
        receive(10, (byte) 1);
        kernelRx.memory().set(JAVA_LONG, kernelRx.entry(0), 1L << 40);
        kernelRx.memory().set(JAVA_INT, kernelRx.entry(0) + 8, 60);
        kernelRx.produced(1);
        pump.drain();
        assertEquals(1, counters.get(SocketCounter.RX_TRUNCATED));
        assertEquals(1, counters.get(SocketCounter.RX_ERRORS));
        assertEquals(0, counters.get(SocketCounter.TX_PACKETS));
        assertEquals(2, rx.memory().get(JAVA_INT, CONSUMER));
    }

    @Test
    void shouldRepeatSendtoWhileTheKernelAnswersEagain() {
        XskPump pump = pump(8, 8, XskPumpTest::forwardMarked);
        perCall = 3; // copy mode sends 32 frames a call, here 3
        receive(60, (byte) 1, (byte) 1, (byte) 1, (byte) 1, (byte) 1);
        pump.drain();
        assertEquals(2, calls, "3 frames and EAGAIN, then 2 frames and done");
        assertEquals(0, kernelTx.available(), "the transmit ring is empty");
        assertEquals(0, counters.get(SocketCounter.TX_ERRORS));
        assertEquals(16, pump.freeFrames() + kernelFill.available());
    }
}

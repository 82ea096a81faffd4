package io.lvs4j.transport.epoll.internal;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Index arithmetic of the {@code AF_XDP} rings over plain memory, the kernel's side played by the test. */
class XskRingTest {

    private static final long PRODUCER = 0;
    private static final long CONSUMER = 64;
    private static final long ENTRIES = 128;

    @Test
    void shouldSeeWhatTheProducerPublishedAndReleaseWhatWasRead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(ENTRIES + 8 * 8, 64);
            XskRing ring = new XskRing(m, PRODUCER, CONSUMER, ENTRIES, 8, 8);
            assertEquals(0, ring.available());
            for (int i = 0; i < 3; i++) {
                m.set(JAVA_LONG, ENTRIES + 8L * i, 4096L * i);
            }
            m.set(JAVA_INT, PRODUCER, 3);
            assertEquals(3, ring.available());
            assertEquals(4096L, m.get(JAVA_LONG, ring.entry(1)));
            ring.consumed(2);
            assertEquals(2, m.get(JAVA_INT, CONSUMER));
            assertEquals(1, ring.available());
            assertEquals(8192L, m.get(JAVA_LONG, ring.entry(0)));
        }
    }

    @Test
    void shouldCountFreeSlotsAndWrapTheEntriesByTheMask() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(ENTRIES + 4 * 16, 64);
            XskRing ring = new XskRing(m, PRODUCER, CONSUMER, ENTRIES, 16, 4);
            assertEquals(4, ring.free());
            ring.produced(3);
            assertEquals(3, m.get(JAVA_INT, PRODUCER));
            assertEquals(1, ring.free());
            assertEquals(ENTRIES + 3 * 16, ring.entry(0));
            assertEquals(ENTRIES, ring.entry(1), "index 4 is slot 0");
            m.set(JAVA_INT, CONSUMER, 3);                    // the kernel took all three
            assertEquals(4, ring.free());
        }
    }

    @Test
    void shouldKeepCountingAcrossTheWrapOfTheThirtyTwoBitIndexes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(ENTRIES + 8 * 8, 64);
            XskRing producer = new XskRing(m, PRODUCER, CONSUMER, ENTRIES, 8, 8);
            producer.produced(-3);                             // both sides at 0xFFFFFFFD, the ring empty
            m.set(JAVA_INT, CONSUMER, -3);
            assertEquals(8, producer.free());
            producer.produced(6);                              // 0xFFFFFFFD + 6 wraps to 3
            assertEquals(3, m.get(JAVA_INT, PRODUCER));
            assertEquals(2, producer.free(), "six of eight in flight across the wrap");
            XskRing consumer = new XskRing(m, PRODUCER, CONSUMER, ENTRIES, 8, 8);
            consumer.consumed(-3);                             // a consumer at 0xFFFFFFFD
            assertEquals(6, consumer.available());
            assertEquals(ENTRIES + 5 * 8, consumer.entry(0), "0xFFFFFFFD & 7 is slot 5");
            assertEquals(ENTRIES, consumer.entry(3), "0x100000000 is slot 0");
            consumer.consumed(6);
            assertEquals(3, m.get(JAVA_INT, CONSUMER));
            assertEquals(8, producer.free());
        }
    }

    @Test
    void shouldRefuseASizeNotAPowerOfTwo() {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> new XskRing(arena.allocate(256), 0, 8, 16, 8, 6));
        }
    }
}

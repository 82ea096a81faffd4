package io.lvs4j.transport.epoll.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoopCountersTest {

    @Test
    void shouldAddToOneCounterOnly() {
        LoopCounters counters = new LoopCounters(3);
        counters.increment(1);
        counters.add(1, 41);
        counters.add(2, 7);
        assertEquals(0, counters.get(0));
        assertEquals(42, counters.get(1));
        assertEquals(7, counters.get(2));
        assertEquals(3, counters.size());
    }
}

package io.lvs4j.core.status;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoopCountersTest {

    private enum Counter { FIRST, SECOND, THIRD }

    @Test
    void shouldAddToOneCounterOnly() {
        LoopCounters<Counter> counters = new LoopCounters<>(Counter.class);
        counters.increment(Counter.SECOND);
        counters.add(Counter.SECOND, 41);
        counters.add(Counter.THIRD, 7);
        assertEquals(0, counters.get(Counter.FIRST));
        assertEquals(42, counters.get(Counter.SECOND));
        assertEquals(7, counters.get(Counter.THIRD));
        assertEquals(49, counters.total());
        assertEquals(Map.of(Counter.FIRST, 0L, Counter.SECOND, 42L, Counter.THIRD, 7L), counters.snapshot());
    }

    @Test
    void shouldSumOverLoops() {
        LoopCounters<Counter> a = new LoopCounters<>(Counter.class);
        LoopCounters<Counter> b = new LoopCounters<>(Counter.class);
        a.increment(Counter.FIRST);
        b.add(Counter.FIRST, 2);
        b.increment(Counter.THIRD);
        assertEquals(3, LoopCounters.sum(List.of(a, b), Counter.FIRST));
        assertEquals(Map.of(Counter.FIRST, 3L, Counter.SECOND, 0L, Counter.THIRD, 1L),
                LoopCounters.sum(Counter.class, List.of(a, b)));
    }
}

package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.sched.SchedulerOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinSchedulerTest {

    private final WeightedRoundRobinScheduler wrr = new WeightedRoundRobinScheduler(SchedulerOptions.DEFAULTS);
    private final Lab lab = new Lab(wrr);

    @Test
    void shouldGiveIpvsSequenceForServersAddedOneByOne() {
        lab.add("C", 2).add("B", 3).add("A", 4);
        assertEquals(List.of("A", "B", "C", "A", "A", "B", "A", "B", "C", "A", "B", "C"), lab.picks(12));
    }

    @Test
    void shouldStepByTheGcdOfTheWeights() {
        lab.add("B", 2).add("A", 4); // di = 2, mw = 3; cw carried from 1 stays 1
        assertEquals(List.of("A", "B", "A", "A", "B", "A", "A", "B", "A"), lab.picks(9));
    }

    @Test
    void shouldCarryTheCurrentWeightOverWhenAServerIsAdded() {
        lab.add("A", 3); // di = 3, mw = 3 - (3 - 1) = 1, cw = 1
        assertEquals(List.of("A", "A"), lab.picks(2));
        lab.add("B", 1); // di = 1, mw = 3; cw = 1 is kept, the walk restarts at the head of B A
        assertEquals(List.of("B", "A", "A", "A", "B", "A", "A", "A"), lab.picks(8));
    }

    @Test
    void shouldResetToTheHeadOnEveryChange() {
        lab.add("C", 1).add("B", 1).add("A", 1);
        assertEquals(List.of("A", "B"), lab.picks(2));
        lab.edit("C", 1); // dest_changed: back to the head, cw stays 1
        assertEquals(List.of("A", "B", "C"), lab.picks(3));
    }

    @Test
    void shouldSkipQuiescedAndOverloadedServers() {
        lab.add("C", 2).add("B", 0).add("A", 4).overload("A");
        assertEquals(List.of("C", "C", "C"), lab.picks(3));
        lab.edit("C", 0);
        assertEquals(List.of("-", "-"), lab.picks(2));
    }

    @Test
    void shouldReturnNoServerWhenEveryWeightIsZero() {
        lab.add("A", 0).add("B", 0);
        assertEquals(List.of("-"), lab.picks(1));
    }

    @Test
    void shouldKeepExactProportionsUnderConcurrentPicks() throws Exception {
        lab.add("C", 2).add("B", 3).add("A", 4);
        Map<String, AtomicInteger> counts = RoundRobinSchedulerTest.concurrentPicks(wrr, lab, 4, 22_500);
        assertEquals(40_000, counts.get("A").get());
        assertEquals(30_000, counts.get("B").get());
        assertEquals(20_000, counts.get("C").get());
    }
}

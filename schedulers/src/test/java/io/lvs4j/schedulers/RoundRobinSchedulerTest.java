package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoundRobinSchedulerTest {

    private final RoundRobinScheduler rr = new RoundRobinScheduler(SchedulerOptions.DEFAULTS);
    private final Lab lab = new Lab(rr);

    @Test
    void shouldPickTheServerAddedLastFirstAsTheClassicLvsSetUpShows() {
        lab.add("nginx1", 1).add("nginx2", 1);
        assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), lab.picks(4));
    }

    @Test
    void shouldIgnoreWeightsOtherThanZero() {
        lab.add("A", 1).add("B", 5).add("C", 2);
        assertEquals(List.of("C", "B", "A", "C", "B", "A"), lab.picks(6));
    }

    @Test
    void shouldSkipQuiescedAndOverloadedServers() {
        lab.add("A", 1).add("B", 0).add("C", 1).add("D", 1).overload("D");
        assertEquals(List.of("C", "A", "C", "A"), lab.picks(4));
    }

    @Test
    void shouldReturnNoServerWhenNoneCanTakeAConnection() {
        assertNull(rr.pick(new FlowKey()));
        lab.add("A", 0).add("B", 1).overload("B");
        assertEquals(List.of("-", "-"), lab.picks(2));
    }

    @Test
    void shouldKeepItsPositionWhenAServerIsAdded() {
        lab.add("A", 1).add("B", 1).add("C", 1);
        assertEquals(List.of("C"), lab.picks(1));
        lab.add("D", 1); // list D C B A, cursor still on C
        assertEquals(List.of("B", "A", "D", "C"), lab.picks(4));
    }

    @Test
    void shouldMoveTheCursorBackWhenItsServerIsRemoved() {
        lab.add("A", 1).add("B", 1).add("C", 1);
        assertEquals(List.of("C", "B"), lab.picks(2));
        lab.remove("B"); // cursor moves to C, the server before B
        assertEquals(List.of("A", "C", "A"), lab.picks(3));
    }

    @Test
    void shouldRestartAtTheHeadWhenTheFirstServerHoldingTheCursorIsRemoved() {
        lab.add("A", 1).add("B", 1).add("C", 1);
        assertEquals(List.of("C"), lab.picks(1));
        lab.remove("C");
        assertEquals(List.of("B", "A", "B"), lab.picks(3));
    }

    @Test
    void shouldKeepThePositionWhenTheCursorServerIsEdited() {
        lab.add("A", 1).add("B", 1).add("C", 1);
        assertEquals(List.of("C", "B"), lab.picks(2));
        lab.edit("B", 7);
        assertEquals(List.of("A", "C"), lab.picks(2));
    }

    @Test
    void shouldShareOneCursorBetweenThreadsSoThatEveryServerGetsItsTurn() throws Exception {
        lab.add("A", 1).add("B", 1).add("C", 1);
        Map<String, AtomicInteger> counts = concurrentPicks(rr, lab, 4, 30_000);
        assertEquals(40_000, counts.get("A").get());
        assertEquals(40_000, counts.get("B").get());
        assertEquals(40_000, counts.get("C").get());
    }

    @Test
    void shouldLoseNoTurnWhenUpdatesArePublishedDuringConcurrentPicks() throws Exception {
        lab.add("A", 1).add("B", 1).add("C", 1);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread control = new Thread(() -> {
            for (int i = 0; i < 2_000 && !done.get(); i++) {
                lab.edit("B", 1 + i % 2); // an edit keeps rr's cursor where it is
            }
        });
        control.start();
        Map<String, AtomicInteger> counts;
        try {
            counts = concurrentPicks(rr, lab, 3, 40_000);
        } finally {
            done.set(true);
            control.join(60_000);
        }
        assertEquals(40_000, counts.get("A").get());
        assertEquals(40_000, counts.get("B").get());
        assertEquals(40_000, counts.get("C").get());
    }

    /** Picks from several threads at once and counts picks per server. */
    static Map<String, AtomicInteger> concurrentPicks(io.lvs4j.core.sched.Scheduler s, Lab lab, int threads,
            int picksPerThread) throws Exception {
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    FlowKey flow = new FlowKey();
                    Map<String, Integer> mine = new java.util.HashMap<>();
                    for (int i = 0; i < picksPerThread; i++) {
                        Destination d = s.pick(flow);
                        mine.merge(lab.name(d), 1, Integer::sum);
                    }
                    mine.forEach((k, v) -> counts.computeIfAbsent(k, x -> new AtomicInteger()).addAndGet(v));
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return counts;
    }
}

package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index with counters changed by several threads at once, as event loops change them: once
 * the threads have stopped, the index must pick what IPVS's scan picks, and keep doing so through
 * a further sequence of changes on one thread (a node left stale by a lost race would show
 * there). Seeded; whatever the interleaving, the outcome is the same if the index is right.
 */
class IndexedSchedulerConcurrencyTest {

    private static final int THREADS = 3;
    private static final int SERVERS = 48;

    @ParameterizedTest
    @ValueSource(strings = {"lc", "wlc", "sed", "nq"})
    void indexShouldBeExactOnceConcurrentChangesStop(String name) throws Exception {
        for (int round = 0; round < 12; round++) {
            Random setup = new Random(20261207L + round);
            Scheduler scheduler = IndexedSchedulerPropertyTest.create(name);
            IndexedSchedulerPropertyTest.Service service = new IndexedSchedulerPropertyTest.Service(scheduler);
            for (int i = 0; i < SERVERS; i++) {
                service.add(setup);
            }
            Destination[] list = service.list.toArray(new Destination[0]);
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 1000L * round + t;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        churn(scheduler, list, new Random(seed));
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(List.of(), failures);
            assertTrue(((IndexedScheduler) scheduler).index().consistent(), "no stale node, round " + round);
            assertSame(IpvsScan.pick(name, list), scheduler.pick(null), "after the concurrent changes, round " + round);
            Random after = new Random(round);
            for (int step = 0; step < 1500; step++) {
                service.step(after);
                Destination[] now = service.list.toArray(new Destination[0]);
                assertSame(IpvsScan.pick(name, now), scheduler.pick(null), "step " + step + " of round " + round);
            }
        }
    }

    /** One loop's work: picks with binds, state changes and unbinds of its own connections. */
    private static void churn(Scheduler scheduler, Destination[] list, Random random) {
        int[][] open = new int[list.length][2];
        for (int op = 0; op < 40_000; op++) {
            int kind = random.nextInt(10);
            if (kind < 3) {
                Destination d = scheduler.pick(null);
                if (d != null) {
                    int i = indexOf(list, d);
                    open[i][1]++;
                    d.counters().bindConnection(true);
                }
                continue;
            }
            int i = random.nextInt(list.length);
            ConnectionCounters c = list[i].counters();
            switch (kind) {
                case 3, 4 -> {
                    if (open[i][1] > 0) {
                        open[i][1]--;
                        open[i][0]++;
                        c.activate();
                    }
                }
                case 5, 6 -> {
                    if (open[i][0] > 0) {
                        open[i][0]--;
                        c.unbindConnection(false);
                    }
                }
                case 7 -> {
                    if (open[i][1] > 0) {
                        open[i][1]--;
                        c.unbindConnection(true);
                    }
                }
                case 8 -> {
                    if (open[i][0] > 0) {
                        open[i][0]--;
                        open[i][1]++;
                        c.deactivate();
                    }
                }
                default -> {
                    open[i][0]++;
                    c.bindConnection(false);
                }
            }
        }
    }

    private static int indexOf(Destination[] list, Destination d) {
        for (int i = 0; i < list.length; i++) {
            if (list[i] == d) {
                return i;
            }
        }
        throw new IllegalStateException("picked a destination not in the list");
    }
}

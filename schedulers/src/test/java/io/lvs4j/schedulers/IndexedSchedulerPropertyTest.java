package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.Scheduler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The indexed {@code lc}, {@code wlc}, {@code sed} and {@code nq} against IPVS's linear scan
 * ({@link IpvsScan}): random weights (0 among them), counters and thresholds, then a random
 * sequence of what the data path and the control plane do: connections bound (to the pick, as
 * the data path does, or to any server), activated, deactivated and unbound, persistence
 * templates, thresholds, servers added, re-weighted and removed. After every step the index must
 * pick the very destination the scan picks.
 */
class IndexedSchedulerPropertyTest {

    private static final String[] NAMES = {"lc", "wlc", "sed", "nq"};

    @Property(tries = 200, seed = "20261207")
    void indexShouldPickWhatTheScanPicks(@ForAll @IntRange(min = 0, max = 3) int which,
            @ForAll @IntRange(min = 0, max = 70) int servers, @ForAll @LongRange(min = 0, max = 1L << 40) long seed) {
        String name = NAMES[which];
        Random random = new Random(seed);
        Scheduler scheduler = create(name);
        Service service = new Service(scheduler);
        for (int i = 0; i < servers; i++) {
            service.add(random);
        }
        for (int step = 0; step < 600; step++) {
            service.step(random);
            Destination[] list = service.list.toArray(new Destination[0]);
            assertSame(IpvsScan.pick(name, list), scheduler.pick(null), () -> name + " differs from the scan over "
                    + service.describe());
        }
    }

    static Scheduler create(String name) {
        return switch (name) {
            case "lc" -> new LeastConnectionScheduler();
            case "wlc" -> new WeightedLeastConnectionScheduler();
            case "sed" -> new ShortestExpectedDelayScheduler();
            default -> new NeverQueueScheduler();
        };
    }

    /** A virtual service driven at random; the list is IPVS's order, most recently added first. */
    static final class Service {
        final Scheduler scheduler;
        final List<Destination> list = new ArrayList<>();
        /** Per destination in {@link #list}: connections open as {active, inactive}, templates. */
        private final List<int[]> open = new ArrayList<>();
        private int nextAddress = 1;
        private long generation;

        Service(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        void add(Random random) {
            RealServer server = RealServer.of(address(nextAddress++), 80, weight(random));
            ConnectionCounters counters = new ConnectionCounters();
            if (random.nextInt(4) == 0) {
                counters.thresholds(1 + random.nextInt(40), random.nextBoolean() ? 0 : random.nextInt(20));
            }
            list.add(0, new Destination(server, counters));
            int[] state = new int[3];
            open.add(0, state);
            int active = random.nextInt(4) == 0 ? 0 : random.nextInt(30);
            int inactive = random.nextInt(3) == 0 ? 0 : random.nextInt(300);
            for (int i = 0; i < active; i++) {
                bind(counters, state, false);
            }
            for (int i = 0; i < inactive; i++) {
                bind(counters, state, true);
            }
            publish();
        }

        private static int weight(Random random) {
            return random.nextInt(6) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 5 : 100);
        }

        void step(Random random) {
            int kind = random.nextInt(100);
            if (list.isEmpty() || kind < 2) {
                add(random);
                return;
            }
            if (kind < 4) {
                int i = random.nextInt(list.size());
                list.remove(i);
                open.remove(i);
                publish();
                return;
            }
            if (kind < 6) {
                int i = random.nextInt(list.size());
                Destination d = list.get(i);
                list.set(i, new Destination(d.server().withWeight(weight(random)), d.counters()));
                publish();
                return;
            }
            if (kind < 8) {
                int i = random.nextInt(list.size());
                list.get(i).counters().thresholds(random.nextInt(50), random.nextInt(30));
                return;
            }
            if (kind < 40) {
                // what the data path does: a new connection goes to the pick, starting inactive (a SYN)
                Destination d = scheduler.pick(null);
                if (d != null) {
                    bind(d.counters(), open.get(list.indexOf(d)), random.nextBoolean());
                }
                return;
            }
            int i = random.nextInt(list.size());
            ConnectionCounters c = list.get(i).counters();
            int[] state = open.get(i);
            switch (kind % 6) {
                case 0 -> bind(c, state, random.nextBoolean());
                case 1 -> {
                    if (state[0] > 0) {
                        state[0]--;
                        c.unbindConnection(false);
                    }
                }
                case 2 -> {
                    if (state[1] > 0) {
                        state[1]--;
                        c.unbindConnection(true);
                    }
                }
                case 3 -> {
                    if (state[1] > 0) {
                        state[1]--;
                        state[0]++;
                        c.activate();
                    }
                }
                case 4 -> {
                    if (state[0] > 0) {
                        state[0]--;
                        state[1]++;
                        c.deactivate();
                    }
                }
                default -> {
                    if (state[2] > 0 && random.nextBoolean()) {
                        state[2]--;
                        c.unbindTemplate();
                    } else {
                        state[2]++;
                        c.bindTemplate();
                    }
                }
            }
        }

        private static void bind(ConnectionCounters c, int[] state, boolean inactive) {
            state[inactive ? 1 : 0]++;
            c.bindConnection(inactive);
        }

        private void publish() {
            scheduler.update(new DestinationSet(list, ++generation));
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            for (Destination d : list) {
                out.append(String.format(" [w%d a%d i%d%s]", d.weight(), d.activeConnections(), d.inactiveConnections(),
                        d.overloaded() ? " over" : ""));
            }
            return out.toString();
        }

        private static InetAddress address(int n) {
            try {
                return InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

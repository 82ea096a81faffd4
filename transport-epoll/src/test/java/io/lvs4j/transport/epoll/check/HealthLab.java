package io.lvs4j.transport.epoll.check;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.check.HealthListener;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/** Shared pieces of the health-check integration tests. */
final class HealthLab {

    /**
     * How long a test waits for an event before it fails: a guard against a hang, not a timing
     * assertion. Promptness is judged in the checker's own attempts ({@link #window}), whose
     * number a loaded machine does not change.
     */
    static final Duration LIVENESS = Duration.ofSeconds(30);

    private HealthLab() {
    }

    /** A loopback address of its own for each server, 127.0.0.2 to 127.0.0.254. */
    static String loopbackIp() {
        return "127.0." + ThreadLocalRandom.current().nextInt(1, 255) + "." + ThreadLocalRandom.current().nextInt(2, 255);
    }

    static RealServer server(InetSocketAddress a, int weight) {
        return RealServer.of(a.getAddress(), a.getPort(), weight);
    }

    static VirtualService service(RecordingScheduler scheduler) {
        try {
            return new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.10"), 80, scheduler);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records every destination set the service publishes. */
    static final class RecordingScheduler implements Scheduler {
        final List<DestinationSet> published = new CopyOnWriteArrayList<>();
        private volatile DestinationSet current = DestinationSet.EMPTY;

        @Override
        public String name() {
            return "rec";
        }

        @Override
        public void update(DestinationSet destinations) {
            published.add(destinations);
            current = destinations;
        }

        @Override
        public Destination pick(FlowKey flow) {
            for (Destination d : current.asList()) {
                if (d.weight() > 0) {
                    return d;
                }
            }
            return null;
        }
    }

    /** Records listener events in order. */
    static final class Events implements HealthListener {
        final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public void realServerUp(VirtualService service, RealServer server) {
            log.add("up " + server.endpoint());
        }

        @Override
        public void realServerDown(VirtualService service, RealServer server, String reason) {
            log.add("down " + server.endpoint());
        }

        @Override
        public void quorumChanged(VirtualService service, boolean up, long liveWeight) {
            log.add("quorum " + (up ? "up" : "down"));
        }
    }

    /** @return the weight of the server in the service, or -1 if it is not there */
    static int weightIn(VirtualService vs, RealServer s) {
        DestinationSet set = vs.destinations();
        int i = set.indexOf(s.address(), s.port());
        return i < 0 ? -1 : set.get(i).weight();
    }

    /**
     * Records, at each up or down change of one server, how many attempts its checkers had
     * completed: the change's position in the checkers' own sequence of attempts. The listener
     * runs on the checker's loop right after the attempt that decided the change, so the count
     * is exact.
     */
    static final class Transitions implements HealthListener {
        private final VirtualServiceHealth health;
        private final RealServer server;
        private final List<Long> attemptsAtChange = new CopyOnWriteArrayList<>();
        private final List<String> reasons = new CopyOnWriteArrayList<>();

        private Transitions(VirtualServiceHealth health, RealServer server) {
            this.health = health;
            this.server = server;
        }

        /** Listens to a server's changes; call before {@link VirtualServiceHealth#start()}. */
        static Transitions of(VirtualServiceHealth health, RealServer server) {
            Transitions t = new Transitions(health, server);
            health.addListener(t);
            return t;
        }

        /** @return attempts completed so far by the server's checkers */
        long attempts() {
            return health.attempts(server);
        }

        /** @return the number of changes so far */
        int changes() {
            return attemptsAtChange.size();
        }

        /** @return the reason given with the last down change, or null */
        String lastDownReason() {
            return reasons.isEmpty() ? null : reasons.getLast();
        }

        @Override
        public void realServerUp(VirtualService service, RealServer s) {
            if (s.endpoint().equals(server.endpoint())) {
                attemptsAtChange.add(health.attempts(server));
            }
        }

        @Override
        public void realServerDown(VirtualService service, RealServer s, String reason) {
            if (s.endpoint().equals(server.endpoint())) {
                reasons.add(reason);
                attemptsAtChange.add(health.attempts(server));
            }
        }

        @Override
        public void quorumChanged(VirtualService service, boolean up, long liveWeight) {
        }
    }

    /**
     * Makes a change and waits until a condition holds, then checks that the server changed
     * once, decided by the right attempt, and not before the earliest possible time.
     *
     * <p>Promptness is counted in attempts, not in milliseconds: a loaded machine makes attempts
     * late but does not change how many it takes to go down ({@code retry + 1} per round,
     * {@code fall} rounds) or up ({@code rise}). With {@code b} attempts completed before the
     * change began and {@code e} once it was made, the deciding attempt is number
     * {@code b + attempts} at the earliest (no attempt before {@code b + 1} can see the change)
     * and {@code e + attempts + 1} at the latest (the attempt in flight when the change was made
     * may have seen the old state). The lower bound in time stays: timers never fire early. The
     * wait itself is bounded by {@link #LIVENESS} only.
     *
     * @param change what the test changes
     * @param condition what must follow
     * @param server the server's transitions
     * @param attempts the attempts the change needs
     * @param lower the earliest possible time of the change
     * @return the elapsed time in milliseconds
     */
    static long window(Runnable change, BooleanSupplier condition, Transitions server, int attempts,
            Duration lower) {
        int changes = server.changes();
        long t0 = System.nanoTime();
        long begun = server.attempts();
        change.run();
        long made = server.attempts();
        await().pollInterval(Duration.ofMillis(5)).atMost(LIVENESS).until(condition::getAsBoolean);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(changes + 1, server.changes(), "one change of the server");
        long at = server.attemptsAtChange.get(changes);
        assertTrue(at >= begun + attempts && at <= made + attempts + 1, "changed with attempt " + at + ", expected "
                + (begun + attempts) + " to " + (made + attempts + 1) + " (" + attempts + " after the change)");
        assertTrue(ms >= lower.toMillis(), "changed after " + ms + " ms, before the earliest possible " + lower.toMillis() + " ms");
        return ms;
    }
}

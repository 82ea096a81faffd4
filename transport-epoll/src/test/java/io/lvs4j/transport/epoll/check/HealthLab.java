package io.lvs4j.transport.epoll.check;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.check.HealthListener;
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

    /** Extra time allowed on top of a computed window: the test machine is shared and loaded. */
    static final Duration SLACK = Duration.ofMillis(1500);

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
     * Makes a change and measures how long until a condition holds; asserts it holds within
     * {@code upper} plus {@link #SLACK} and not before {@code lower}.
     *
     * @return the elapsed time in milliseconds
     */
    static long window(Runnable change, BooleanSupplier condition, Duration lower, Duration upper) {
        long t0 = System.nanoTime();
        change.run();
        await().pollInterval(Duration.ofMillis(5)).atMost(upper.plus(SLACK)).until(condition::getAsBoolean);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= lower.toMillis(), "changed after " + ms + " ms, before the earliest possible " + lower.toMillis() + " ms");
        return ms;
    }
}

package io.lvs4j.core.check;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A reload of a service's checks, then {@code reassert()}: the service holds what the checks say
 * again, whatever runtime changes (ipvsadm-style) did to it meanwhile. Servers without checkers
 * are always up, so nothing here runs a probe.
 */
class VirtualServiceHealthReloadTest {

    /** An engine for servers without checkers: none of its loops is ever asked for. */
    private static final HealthCheckEngine NO_PROBES = new HealthCheckEngine() {
        @Override
        public CheckLoop nextLoop() {
            throw new AssertionError("no checker runs here");
        }

        @Override
        public Duration scriptTimeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public void close() {
        }
    };

    /** @return a scheduler that picks the first server of the list */
    private static Scheduler first() {
        return new Scheduler() {
        private volatile DestinationSet set = DestinationSet.EMPTY;

        @Override
        public String name() {
            return "first";
        }

        @Override
        public void update(DestinationSet destinations) {
            set = destinations;
        }

        @Override
        public Destination pick(FlowKey flow) {
            return set.size() == 0 ? null : set.get(0);
        }
        };
    }

    private static RealServer server(int host, int weight) {
        return RealServer.of(InetAddress.ofLiteral("198.18.0." + host), 80, weight);
    }

    private static Map<String, Integer> weights(VirtualService vs) {
        Map<String, Integer> all = new TreeMap<>();
        for (int i = 0; i < vs.destinations().size(); i++) {
            all.put(vs.destinations().get(i).server().endpoint(), vs.destinations().get(i).server().weight());
        }
        return all;
    }

    @Test
    void shouldPutTheServiceBackAsTheChecksHaveItAfterRuntimeChanges() {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.0.10"), 80, first());
        ServiceChecks checks = ServiceChecks.of(List.of(ServerChecks.of(server(11, 1)), ServerChecks.of(server(12, 2))));
        try (VirtualServiceHealth health = new VirtualServiceHealth(vs, NO_PROBES, checks)) {
            health.start();
            assertEquals(Map.of("198.18.0.11:80", 1, "198.18.0.12:80", 2), weights(vs));

            vs.editRealServer(server(11, 0)); // ipvsadm -e -w 0
            vs.removeRealServer(InetAddress.ofLiteral("198.18.0.12"), 80); // ipvsadm -d
            vs.addRealServer(server(13, 5)); // ipvsadm -a
            health.reload(checks);
            assertEquals(Map.of("198.18.0.11:80", 0, "198.18.0.13:80", 5), weights(vs),
                    "an unchanged reload leaves what the runtime changes did");

            health.reassert();
            assertEquals(Map.of("198.18.0.11:80", 1, "198.18.0.12:80", 2), weights(vs),
                    "reasserted: the checks' servers at their weights, and no other");
        }
    }

    @Test
    void shouldAddAndRemoveServersOfAReloadAndKeepTheOthersAsTheyAre() {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.0.10"), 80, first());
        try (VirtualServiceHealth health = new VirtualServiceHealth(vs, NO_PROBES,
                ServiceChecks.of(List.of(ServerChecks.of(server(11, 1)), ServerChecks.of(server(12, 1)))))) {
            health.start();
            health.reload(ServiceChecks.of(List.of(ServerChecks.of(server(12, 3)), ServerChecks.of(server(14, 1)))));
            assertEquals(Map.of("198.18.0.12:80", 3, "198.18.0.14:80", 1), weights(vs));
        }
    }
}

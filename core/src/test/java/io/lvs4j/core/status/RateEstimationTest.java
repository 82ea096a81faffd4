package io.lvs4j.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPVS's estimator: two-second samples, averages with weight 1/4 in fixed point (2^10 for
 * connections and packets, 2^5 for bytes), read with one less than half a unit added. Expected values worked
 * out by hand from those rules.
 */
class RateEstimationTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldApproachAConstantRateAsIpvsDoes() {
        RateEstimator estimator = new RateEstimator();
        List<Long> cps = new ArrayList<>();
        List<Long> inBps = new ArrayList<>();
        for (int tick = 0; tick <= 4; tick++) {
            // 100 connections and 1000 bytes per second: +200 and +2000 every two seconds.
            estimator.sample(new TrafficStats(200L * tick, 0, 0, 2000L * tick, 0));
            cps.add(estimator.rates().connectionsPerSecond());
            inBps.add(estimator.rates().inBytesPerSecond());
        }

        assertEquals(List.of(0L, 25L, 44L, 58L, 68L), cps);
        assertEquals(List.of(0L, 250L, 437L, 578L, 684L), inBps);
    }

    @Test
    void shouldDecayAfterTrafficStops() {
        RateEstimator estimator = new RateEstimator();
        for (int tick = 0; tick <= 4; tick++) {
            estimator.sample(new TrafficStats(200L * tick, 0, 0, 0, 0));
        }

        estimator.sample(new TrafficStats(800, 0, 0, 0, 0));

        // 70000 - 70000/4 = 52500 in 2^10 fixed point: 51.27, read as 51.
        assertEquals(51, estimator.rates().connectionsPerSecond());
    }

    @Test
    void shouldConvergeToTheTrueRate() {
        RateEstimator estimator = new RateEstimator();
        for (int tick = 0; tick <= 60; tick++) {
            estimator.sample(new TrafficStats(200L * tick, 5000L * tick, 3000L * tick, 7_000_000L * tick, 0));
        }

        assertEquals(new TrafficRates(100, 2500, 1500, 3_500_000, 0), estimator.rates());
    }

    @Test
    void shouldSampleEveryTwoSecondsOnTheInjectedClock() throws Exception {
        TestStatusSource source = new TestStatusSource();
        InetAddress vip = InetAddress.getByName("198.18.0.10");
        InetAddress rip = InetAddress.getByName("198.18.0.11");
        RateEstimation estimation = new RateEstimation(source);
        long t0 = 77 * SECOND;

        source.services = services(vip, rip, 0);
        assertTrue(estimation.sample(t0));
        source.services = services(vip, rip, 200);
        assertFalse(estimation.sample(t0 + SECOND));
        assertEquals(0, estimation.services().get(0).rates().connectionsPerSecond());
        assertTrue(estimation.sample(t0 + 2 * SECOND));
        source.services = services(vip, rip, 400);
        // Late by a second: one sample, as the kernel's timer would take; the grid stays at 2 s.
        assertTrue(estimation.sample(t0 + 5 * SECOND));
        assertFalse(estimation.sample(t0 + 5 * SECOND + SECOND / 2));
        assertTrue(estimation.sample(t0 + 6 * SECOND));

        // Samples: 0, +200 (avg 25600), +200 (44800), +0 (33600 in 2^10 fixed point: 32.8 -> 33).
        ServiceStatus service = estimation.services().get(0);
        assertEquals(33, service.rates().connectionsPerSecond());
        assertEquals(33, service.servers().get(0).rates().connectionsPerSecond());
        assertEquals(new TrafficStats(400, 0, 0, 0, 0), service.stats());
    }

    @Test
    void shouldStartANewServerFromZero() throws Exception {
        TestStatusSource source = new TestStatusSource();
        InetAddress vip = InetAddress.getByName("198.18.0.10");
        RateEstimation estimation = new RateEstimation(source);
        source.services = services(vip, InetAddress.getByName("198.18.0.11"), 0);
        estimation.sample(0);
        source.services = services(vip, InetAddress.getByName("198.18.0.12"), 1_000_000);

        estimation.sample(2 * SECOND);

        ServiceStatus service = estimation.services().get(0);
        assertEquals(0, service.servers().get(0).rates().connectionsPerSecond());
        assertEquals(125_000, service.rates().connectionsPerSecond());
    }

    private static List<ServiceStatus> services(InetAddress vip, InetAddress rip, long connections) {
        TrafficStats stats = new TrafficStats(connections, 0, 0, 0, 0);
        return List.of(new ServiceStatus(Protocol.TCP, vip, 80, "rr", 0, 32, stats, TrafficRates.ZERO,
                List.of(new ServerStatus(rip, 80, ForwardingMethod.DIRECT_ROUTE, 1, 0, 0, 0,
                        ServerHealth.UNCHECKED, stats, TrafficRates.ZERO))));
    }
}

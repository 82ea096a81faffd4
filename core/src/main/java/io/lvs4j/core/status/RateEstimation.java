package io.lvs4j.core.status;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.packet.DropReason;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A {@link StatusSource} that adds IPVS's rate estimates to another source's services and
 * servers: a {@link RateEstimator} per service and per server, sampled every
 * {@linkplain RateEstimator#PERIOD_NANOS two seconds}.
 *
 * <p>Call {@link #sample(long)} often (every second, say, from a scheduled task); it takes a
 * sample only when a two-second period has passed, on the grid of the first call. As the
 * kernel's timer, a late sample sees the whole growth since the previous one as two seconds'
 * worth. Estimators of services and servers that disappear are dropped; one that appears starts
 * from zero. Thread-safe (synchronized; control plane only).
 */
public final class RateEstimation implements StatusSource {

    private record Key(Object protocol, InetAddress service, int servicePort, int fwmark, InetAddress server,
            int serverPort) {
    }

    private final StatusSource source;
    private final Map<Key, RateEstimator> estimators = new HashMap<>();
    private boolean started;
    private long nextSample;

    /**
     * Wraps a source.
     *
     * @param source the source whose counters are estimated
     */
    public RateEstimation(StatusSource source) {
        this.source = source;
    }

    /**
     * Samples the counters if a period has passed since the last sample.
     *
     * @param nanoTime the current time of a monotonic clock, in nanoseconds
     * @return true if a sample was taken
     */
    public synchronized boolean sample(long nanoTime) {
        if (started && nanoTime - nextSample < 0) {
            return false;
        }
        if (!started) {
            started = true;
            nextSample = nanoTime;
        }
        while (nanoTime - nextSample >= 0) {
            nextSample += RateEstimator.PERIOD_NANOS;
        }
        Map<Key, RateEstimator> seen = new HashMap<>();
        for (ServiceStatus service : source.services()) {
            sampleOne(seen, keyOf(service, null), service.stats());
            for (ServerStatus server : service.servers()) {
                sampleOne(seen, keyOf(service, server), server.stats());
            }
        }
        estimators.keySet().retainAll(seen.keySet());
        return true;
    }

    private void sampleOne(Map<Key, RateEstimator> seen, Key key, TrafficStats stats) {
        RateEstimator estimator = estimators.computeIfAbsent(key, k -> new RateEstimator());
        estimator.sample(stats);
        seen.put(key, estimator);
    }

    private static Key keyOf(ServiceStatus service, ServerStatus server) {
        return new Key(service.protocol(), service.address(), service.port(), service.fwmark(),
                server == null ? null : server.address(), server == null ? -1 : server.port());
    }

    private synchronized TrafficRates ratesOf(Key key) {
        RateEstimator estimator = estimators.get(key);
        return estimator == null ? TrafficRates.ZERO : estimator.rates();
    }

    /** {@inheritDoc} The services carry the latest estimates. */
    @Override
    public List<ServiceStatus> services() {
        List<ServiceStatus> result = new ArrayList<>();
        for (ServiceStatus service : source.services()) {
            List<ServerStatus> servers = new ArrayList<>(service.servers().size());
            for (ServerStatus server : service.servers()) {
                servers.add(server.withRates(ratesOf(keyOf(service, server))));
            }
            result.add(service.with(ratesOf(keyOf(service, null)), servers));
        }
        return result;
    }

    @Override
    public Map<DropReason, Long> drops() {
        return source.drops();
    }

    @Override
    public Map<String, Long> counters() {
        return source.counters();
    }

    @Override
    public List<VrrpStatus> vrrp() {
        return source.vrrp();
    }

    @Override
    public List<VrrpCounters> vrrpCounters() {
        return source.vrrpCounters();
    }

    @Override
    public AnnouncementStatus announcement() {
        return source.announcement();
    }

    @Override
    public int connectionTableSize() {
        return source.connectionTableSize();
    }

    @Override
    public CompletionStage<List<ConnectionEntry>> connections() {
        return source.connections();
    }
}

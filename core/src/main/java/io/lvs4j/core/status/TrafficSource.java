package io.lvs4j.core.status;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.VirtualService;

/**
 * Where a data path that counts traffic tells it ({@code ipvsadm -Ln --stats}): per virtual
 * service and per real server, cumulative since the start. Thread-safe; control plane only.
 */
public interface TrafficSource {

    /** Counts nothing: every service and server reads {@link TrafficStats#ZERO}. */
    TrafficSource NONE = new TrafficSource() {
        @Override
        public TrafficStats service(VirtualService service) {
            return TrafficStats.ZERO;
        }

        @Override
        public TrafficStats server(VirtualService service, ConnectionCounters server) {
            return TrafficStats.ZERO;
        }
    };

    /**
     * Returns a virtual service's traffic.
     *
     * @param service the service
     * @return its counters, summed over its real servers present and past
     */
    TrafficStats service(VirtualService service);

    /**
     * Returns one real server's traffic within a virtual service.
     *
     * @param service the service
     * @param server the counters of one of its destinations
     * @return its counters
     */
    TrafficStats server(VirtualService service, ConnectionCounters server);
}

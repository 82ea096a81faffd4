package io.lvs4j.core.check;

import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;

/**
 * Told of health changes of a virtual service: the Java side of keepalived's notify hooks, and
 * the tracked state a VRRP instance can follow (quorum up or down).
 *
 * <p>Called on a health-check loop while the service's state is locked: return quickly,
 * never block.
 */
public interface HealthListener {

    /**
     * A real server came up.
     *
     * @param service the virtual service
     * @param server the server, with the weight it now has
     */
    default void realServerUp(VirtualService service, RealServer server) {
    }

    /**
     * A real server went down.
     *
     * @param service the virtual service
     * @param server the server
     * @param reason the last failed check's reason
     */
    default void realServerDown(VirtualService service, RealServer server, String reason) {
    }

    /**
     * The service gained or lost quorum.
     *
     * @param service the virtual service
     * @param up true if quorum is now met
     * @param liveWeight the sum of the weights of the live servers
     */
    default void quorumChanged(VirtualService service, boolean up, long liveWeight) {
    }
}

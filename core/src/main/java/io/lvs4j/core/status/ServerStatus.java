package io.lvs4j.core.status;

import io.lvs4j.core.model.ForwardingMethod;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One real server of a virtual service: a line {@code -> RemoteAddress:Port} of
 * {@code ipvsadm -Ln}, with its checker result.
 *
 * @param address the server's address
 * @param port the server's port
 * @param forwarding the forwarding method (the Forward column)
 * @param weight the current weight
 * @param activeConnections connections in an active state (ActiveConn)
 * @param inactiveConnections connections in another state (InActConn)
 * @param persistentConnections persistence templates pointing to this server (PersistConn)
 * @param health the checkers' conclusion
 * @param stats cumulative traffic counters
 * @param rates estimated rates
 */
public record ServerStatus(InetAddress address, int port, ForwardingMethod forwarding, int weight,
        int activeConnections, int inactiveConnections, int persistentConnections,
        ServerHealth health, TrafficStats stats, TrafficRates rates) {

    /**
     * Checks that no field is null.
     *
     * @throws NullPointerException if a field is null
     */
    public ServerStatus {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(rates, "rates");
    }

    /**
     * Returns a copy with other rates.
     *
     * @param newRates the rates
     * @return the copy
     */
    public ServerStatus withRates(TrafficRates newRates) {
        return new ServerStatus(address, port, forwarding, weight, activeConnections,
                inactiveConnections, persistentConnections, health, stats, newRates);
    }
}

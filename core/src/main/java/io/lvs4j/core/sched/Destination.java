package io.lvs4j.core.sched;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.RealServer;
import java.util.Objects;

/**
 * A real server as one {@link DestinationSet} shows it to a scheduler: its configuration,
 * frozen for the set's lifetime, and its live {@link ConnectionCounters}, shared by every set
 * that contains the server. Immutable but for the counters.
 */
public final class Destination {

    private final RealServer server;
    private final ConnectionCounters counters;
    private final int weight;

    /**
     * Creates a destination.
     *
     * @param server the server's configuration
     * @param counters the server's live counters
     */
    public Destination(RealServer server, ConnectionCounters counters) {
        this.server = Objects.requireNonNull(server, "server");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.weight = server.weight();
    }

    /** @return the server's configuration */
    public RealServer server() {
        return server;
    }

    /** @return the server's live counters */
    public ConnectionCounters counters() {
        return counters;
    }

    /** @return the server's weight in this set; 0 means quiesced */
    public int weight() {
        return weight;
    }

    /** @return IPVS's ActiveConn of the server */
    public int activeConnections() {
        return counters.activeConnections();
    }

    /** @return IPVS's InActConn of the server */
    public int inactiveConnections() {
        return counters.inactiveConnections();
    }

    /** @return true if the server is overloaded and must get no new connection */
    public boolean overloaded() {
        return counters.overloaded();
    }

    /**
     * Returns IPVS's {@code ip_vs_dest_conn_overhead}: active connections weigh 256 times an
     * inactive one, {@code (activeconns << 8) + inactconns}.
     *
     * @return the load the least-connection schedulers compare
     */
    public int overhead() {
        return (counters.activeConnections() << 8) + counters.inactiveConnections();
    }

    @Override
    public String toString() {
        return server.endpoint() + " weight " + weight;
    }
}

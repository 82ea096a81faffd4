package io.lvs4j.core.model;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A real server of a virtual service, as {@code ipvsadm -a} declares it: address, port,
 * weight, connection thresholds and forwarding method. Immutable; a change is a new instance
 * given to {@link VirtualService#editRealServer(RealServer)}.
 *
 * <p>A weight of 0 quiesces the server: it keeps its connections but gets no new ones. An
 * upper threshold above 0 marks the server overloaded once its active plus inactive
 * connections reach it; see {@link ConnectionCounters} for the rules that clear the mark.
 *
 * @param address the server's IPv4 or IPv6 address
 * @param port the server's port, 0 to 65535 (0: the virtual service's port)
 * @param weight the weight, 0 to 65535 as in IPVS
 * @param upperThreshold the upper connection threshold, 0 for none
 * @param lowerThreshold the lower connection threshold, 0 for none
 * @param forwarding how packets reach the server
 */
public record RealServer(InetAddress address, int port, int weight, int upperThreshold,
        int lowerThreshold, ForwardingMethod forwarding) {

    /** The largest weight IPVS accepts. */
    public static final int MAX_WEIGHT = 65535;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if address or forwarding is null
     */
    public RealServer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight out of range 0-" + MAX_WEIGHT + ": " + weight);
        }
        if (upperThreshold < 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("connection thresholds must not be negative");
        }
    }

    /**
     * A direct-routing server with no thresholds.
     *
     * @param address the server's address
     * @param port the server's port
     * @param weight its weight
     * @return the server
     */
    public static RealServer of(InetAddress address, int port, int weight) {
        return new RealServer(address, port, weight, 0, 0, ForwardingMethod.DIRECT_ROUTE);
    }

    /**
     * Returns this server with another weight.
     *
     * @param newWeight the weight
     * @return a server equal to this one but for its weight
     */
    public RealServer withWeight(int newWeight) {
        return new RealServer(address, port, newWeight, upperThreshold, lowerThreshold, forwarding);
    }

    /**
     * Tells whether this server has the same address and port as another, which is what
     * identifies a real server within a virtual service.
     *
     * @param other another server
     * @return true if address and port are equal
     */
    public boolean sameEndpoint(RealServer other) {
        return port == other.port && address.equals(other.address);
    }

    /**
     * Returns {@code address:port} as ipvsadm prints it ({@code [addr]:port} for IPv6).
     *
     * @return the endpoint text
     */
    public String endpoint() {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

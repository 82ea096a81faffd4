package io.lvs4j.core.status;

/**
 * Rates of a virtual service or a real server as {@code ipvsadm -Ln --rate} prints them, per
 * second and rounded as IPVS rounds its estimates; see {@link RateEstimator}.
 *
 * @param connectionsPerSecond new connections per second (CPS)
 * @param inPacketsPerSecond packets from clients per second (InPPS)
 * @param outPacketsPerSecond packets to clients per second (OutPPS)
 * @param inBytesPerSecond bytes from clients per second (InBPS)
 * @param outBytesPerSecond bytes to clients per second (OutBPS)
 */
public record TrafficRates(long connectionsPerSecond, long inPacketsPerSecond,
        long outPacketsPerSecond, long inBytesPerSecond, long outBytesPerSecond) {

    /** No traffic, or no estimate yet. */
    public static final TrafficRates ZERO = new TrafficRates(0, 0, 0, 0, 0);
}

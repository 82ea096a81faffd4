package io.lvs4j.core.status;

/**
 * Cumulative traffic counters of a virtual service or a real server, as IPVS keeps them
 * ({@code ipvsadm -Ln --stats}): connections scheduled, packets and bytes in (client to server)
 * and out (server to client). Counters only grow; a rate is the difference of two samples.
 *
 * @param connections connections scheduled since the start
 * @param inPackets packets from clients
 * @param outPackets packets to clients (zero in DR and TUN modes, where replies bypass the director)
 * @param inBytes bytes from clients
 * @param outBytes bytes to clients
 */
public record TrafficStats(long connections, long inPackets, long outPackets, long inBytes,
        long outBytes) {

    /** No traffic. */
    public static final TrafficStats ZERO = new TrafficStats(0, 0, 0, 0, 0);

    /**
     * Checks that no counter is negative.
     *
     * @throws IllegalArgumentException if a counter is negative
     */
    public TrafficStats {
        if (connections < 0 || inPackets < 0 || outPackets < 0 || inBytes < 0 || outBytes < 0) {
            throw new IllegalArgumentException("negative counter in " + connections + "/" + inPackets
                    + "/" + outPackets + "/" + inBytes + "/" + outBytes);
        }
    }

    /**
     * Adds two sets of counters, as a service sums its servers or a director sums its loops.
     *
     * @param other the counters to add
     * @return the sums
     */
    public TrafficStats plus(TrafficStats other) {
        return new TrafficStats(connections + other.connections, inPackets + other.inPackets,
                outPackets + other.outPackets, inBytes + other.inBytes, outBytes + other.outBytes);
    }
}

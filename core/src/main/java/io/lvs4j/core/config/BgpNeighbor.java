package io.lvs4j.core.config;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A router that a director announces its VIPs to: a line
 * {@code neighbor 198.18.0.1 remote_as 65000} of {@code bgp_announce}.
 *
 * @param address the router's address on a network the director reaches directly
 * @param remoteAs the router's autonomous system number, 1 to 4294967295
 */
public record BgpNeighbor(InetAddress address, long remoteAs) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the AS number is out of range
     * @throws NullPointerException if the address is null
     */
    public BgpNeighbor {
        Objects.requireNonNull(address, "address");
        BgpConfig.requireAs("remote_as", remoteAs);
    }
}

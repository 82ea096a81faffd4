package io.lvs4j.core.config;

import io.lvs4j.core.sync.SyncDefaults;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * keepalived's {@code lvs_sync_daemon IFACE VRRP_INSTANCE [id N] [maxlen N] [port N] [ttl N]
 * [group ADDR]} in {@code global_defs}: IPVS's connection synchronisation over UDP, whose role
 * follows a VRRP instance (its master sends the connections it makes, its backups install them),
 * plus lvs4j's {@code peer ADDR} (repeatable) for unicast synchronisation.
 *
 * @param interfaceName the interface the sync datagrams use
 * @param vrrpInstance the VRRP instance whose state decides the role
 * @param syncId the sync id (0 to 255; 0 on a backup accepts every id), default 0
 * @param maxLength the largest datagram payload, 0 for the default from the MTU
 * @param port the UDP port, default 8848
 * @param ttl the multicast TTL, 1 to 255, default 1
 * @param group the multicast group; empty for IPVS's default (224.0.0.81 for IPv4)
 * @param peers unicast peers instead of (or besides) the group; empty for multicast only
 */
public record SyncDaemonConfig(String interfaceName, String vrrpInstance, int syncId, int maxLength, int port, int ttl,
        Optional<InetAddress> group, List<InetAddress> peers) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if a component is null
     */
    public SyncDaemonConfig {
        Require.name("lvs_sync_daemon interface", interfaceName);
        Require.name("lvs_sync_daemon VRRP instance", vrrpInstance);
        Require.range("id", syncId, 0, 255);
        Require.range("maxlen", maxLength, 0, 65507);
        Require.range("port", port, 1, 65535);
        Require.range("ttl", ttl, 1, 255);
        Objects.requireNonNull(group, "group");
        peers = List.copyOf(peers);
    }

    /**
     * The daemon on an interface following an instance, with IPVS's defaults for the rest.
     *
     * @param interfaceName the interface
     * @param vrrpInstance the instance
     * @return the configuration
     */
    public static SyncDaemonConfig of(String interfaceName, String vrrpInstance) {
        return new SyncDaemonConfig(interfaceName, vrrpInstance, 0, 0, SyncDefaults.PORT, SyncDefaults.TTL,
                Optional.empty(), List.of());
    }

    /** @return the group the datagrams go to: the configured one or IPVS's IPv4 default */
    public InetAddress groupOrDefault() {
        return group.orElseGet(() -> InetAddress.ofLiteral(SyncDefaults.GROUP_IPV4_TEXT));
    }

    /** @return whether the datagrams are IPv6 */
    public boolean ipv6() {
        return !(groupOrDefault() instanceof Inet4Address);
    }
}

package io.lvs4j.core.config;

import io.lvs4j.core.model.ForwardingMethod;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual server's {@code sorry_server}: it replaces all real servers while the quorum is
 * not reached.
 *
 * @param address its address
 * @param port its port; 0: the virtual server's port
 * @param forwarding {@code sorry_server_lvs_method}; empty: the virtual server's
 * @param tunnel the options of {@code sorry_server_lvs_method TUN}; present exactly when
 *     {@code forwarding} is TUN
 * @param inhibit {@code sorry_server_inhibit}: kept with weight 0 instead of being removed
 */
public record SorryServerConfig(InetAddress address, int port, Optional<ForwardingMethod> forwarding,
        Optional<TunnelConfig> tunnel, boolean inhibit) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the port is out of range, or tunnel options are given
     *     without TUN
     * @throws NullPointerException if a component is null
     */
    public SorryServerConfig {
        Objects.requireNonNull(address, "address");
        Require.port("port", port);
        Objects.requireNonNull(forwarding, "forwarding");
        tunnel = TunnelConfig.of(forwarding, tunnel);
    }

    /**
     * A sorry server with the virtual server's forwarding method.
     *
     * @param address its address
     * @param port its port
     * @return the sorry server
     */
    public static SorryServerConfig of(InetAddress address, int port) {
        return new SorryServerConfig(address, port, Optional.empty(), Optional.empty(), false);
    }
}

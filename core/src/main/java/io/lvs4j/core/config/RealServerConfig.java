package io.lvs4j.core.config;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.RealServer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A keepalived {@code real_server} of a virtual server: the server, its weight and thresholds,
 * and the checkers that decide whether it is up.
 *
 * @param address the server's address
 * @param port the server's port; 0: the virtual server's port
 * @param weight {@code weight}, 0 to 65535, default 1
 * @param forwarding {@code lvs_method} (keepalived allows a real server its own method); empty:
 *     the virtual server's
 * @param tunnel the options of the real server's own {@code lvs_method TUN}; present exactly when
 *     {@code forwarding} is TUN (IPIP when none is written); see
 *     {@link VirtualServerConfig#tunnelOf(RealServerConfig)} for the options in effect
 * @param upperThreshold {@code uthreshold}: most connections, 0 for no limit
 * @param lowerThreshold {@code lthreshold}: connections below which an overloaded server takes
 *     new ones again, 0 for none
 * @param inhibitOnFailure {@code inhibit_on_failure}: a failed server gets weight 0 instead of
 *     being removed (the parser takes the virtual server's value unless the server sets its own)
 * @param notifyUp {@code notify_up}
 * @param notifyDown {@code notify_down}
 * @param checkers the checkers; none: the server is always up
 */
public record RealServerConfig(InetAddress address, int port, int weight, Optional<ForwardingMethod> forwarding,
        Optional<TunnelConfig> tunnel, int upperThreshold, int lowerThreshold, boolean inhibitOnFailure,
        Optional<Script> notifyUp, Optional<Script> notifyDown, List<CheckerConfig> checkers) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range, or tunnel options are given
     *     without TUN
     * @throws NullPointerException if a component is null
     */
    public RealServerConfig {
        Objects.requireNonNull(address, "address");
        Require.port("port", port);
        Require.range("weight", weight, 0, RealServer.MAX_WEIGHT);
        Objects.requireNonNull(forwarding, "forwarding");
        tunnel = TunnelConfig.of(forwarding, tunnel);
        Require.range("uthreshold", upperThreshold, 0, Integer.MAX_VALUE);
        Require.range("lthreshold", lowerThreshold, 0, Integer.MAX_VALUE);
        Objects.requireNonNull(notifyUp, "notifyUp");
        Objects.requireNonNull(notifyDown, "notifyDown");
        checkers = Require.list("checkers", checkers);
    }

    /**
     * Returns the core model's real server for this configuration.
     *
     * @param virtualServer the virtual server it belongs to (for the default port and forwarding)
     * @return the real server, with the given weight
     */
    public RealServer toRealServer(VirtualServerConfig virtualServer) {
        return new RealServer(address, port != 0 ? port : virtualServer.port(), weight, upperThreshold,
                lowerThreshold, forwarding.orElse(virtualServer.forwarding()));
    }

    /**
     * Starts a builder with keepalived's defaults.
     *
     * @param address the server's address
     * @param port the server's port
     * @return a builder
     */
    public static Builder builder(InetAddress address, int port) {
        return new Builder(address, port);
    }

    /** Builds a {@link RealServerConfig}; not thread-safe. */
    public static final class Builder {
        private final InetAddress address;
        private final int port;
        private int weight = 1;
        private Optional<ForwardingMethod> forwarding = Optional.empty();
        private Optional<TunnelConfig> tunnel = Optional.empty();
        private int upperThreshold;
        private int lowerThreshold;
        private boolean inhibitOnFailure;
        private Optional<Script> notifyUp = Optional.empty();
        private Optional<Script> notifyDown = Optional.empty();
        private final List<CheckerConfig> checkers = new ArrayList<>();

        private Builder(InetAddress address, int port) {
            this.address = address;
            this.port = port;
        }

        /**
         * Sets {@code weight}.
         *
         * @param value 0 to 65535
         * @return this builder
         */
        public Builder weight(int value) {
            weight = value;
            return this;
        }

        /**
         * Sets {@code lvs_method}.
         *
         * @param value the forwarding method
         * @return this builder
         */
        public Builder forwarding(ForwardingMethod value) {
            forwarding = Optional.of(value);
            if (value != ForwardingMethod.TUNNEL) {
                tunnel = Optional.empty();
            }
            return this;
        }

        /**
         * Sets {@code lvs_method TUN} with tunnel options.
         *
         * @param value the tunnel options
         * @return this builder
         */
        public Builder tunnel(TunnelConfig value) {
            forwarding = Optional.of(ForwardingMethod.TUNNEL);
            tunnel = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code uthreshold}.
         *
         * @param value 0 for no limit
         * @return this builder
         */
        public Builder upperThreshold(int value) {
            upperThreshold = value;
            return this;
        }

        /**
         * Sets {@code lthreshold}.
         *
         * @param value 0 for none
         * @return this builder
         */
        public Builder lowerThreshold(int value) {
            lowerThreshold = value;
            return this;
        }

        /**
         * Sets {@code inhibit_on_failure}.
         *
         * @param value true to keep a failed server with weight 0
         * @return this builder
         */
        public Builder inhibitOnFailure(boolean value) {
            inhibitOnFailure = value;
            return this;
        }

        /**
         * Sets {@code notify_up}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyUp(Script value) {
            notifyUp = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify_down}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyDown(Script value) {
            notifyDown = Optional.of(value);
            return this;
        }

        /**
         * Adds a checker.
         *
         * @param value the checker
         * @return this builder
         */
        public Builder checker(CheckerConfig value) {
            checkers.add(Objects.requireNonNull(value, "checker"));
            return this;
        }

        /**
         * Builds the real server.
         *
         * @return the real server
         * @throws IllegalArgumentException if a value is out of range
         */
        public RealServerConfig build() {
            return new RealServerConfig(address, port, weight, forwarding, tunnel, upperThreshold, lowerThreshold,
                    inhibitOnFailure, notifyUp, notifyDown, checkers);
        }
    }
}

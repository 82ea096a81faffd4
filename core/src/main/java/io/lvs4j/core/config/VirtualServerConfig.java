package io.lvs4j.core.config;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A keepalived {@code virtual_server}: a service ({@code <IPADDR> <PORT>} or
 * {@code fwmark <INTEGER>}), how it balances, and its real servers.
 *
 * @param address the virtual address; empty for a firewall-mark service
 * @param port the virtual port; 0 with an address only for a persistent service (all ports)
 * @param fwmark the firewall mark, above 0 for a firewall-mark service, else 0
 * @param protocol {@code protocol}, default TCP
 * @param scheduler {@code lb_algo} (or {@code lvs_sched}): an IPVS scheduler name such as
 *     {@code rr} or another registered scheduler, default {@code wlc}
 * @param schedulerFlags scheduler flags by ipvsadm name ({@code sh-port}, {@code mh-fallback},
 *     {@code flag-1}, ...)
 * @param forwarding {@code lb_kind} (or {@code lvs_method}): DR, NAT, TUN, or FNAT (full-NAT, as
 *     DPVS's keepalived writes it); default NAT. It is also the default of the real servers
 *     without their own {@code lvs_method}.
 * @param tunnel the options of {@code lvs_method TUN} ({@code type ipip}, or {@code type gue port
 *     N}); present exactly when {@code forwarding} is TUN (IPIP when none is written)
 * @param localAddressGroup {@code laddr_group_name} (DPVS): the {@code local_address_group} whose
 *     addresses full-NAT uses as source towards the real servers; required when this virtual
 *     server or one of its real servers uses FNAT
 * @param persistenceTimeout {@code persistence_timeout}; 0: not persistent (keepalived's value
 *     when the keyword has no argument is 360 s)
 * @param persistenceGranularity {@code persistence_granularity} as a prefix length (at most 32
 *     for an IPv4 service, 128 for IPv6); empty: the whole client address
 * @param delayLoop {@code delay_loop}: the checkers' default interval, default 60 s
 * @param quorum {@code quorum}: the least total weight of live servers, default 1
 * @param hysteresis {@code hysteresis}: weight units tolerated around the quorum, default 0
 * @param quorumUp {@code quorum_up}
 * @param quorumDown {@code quorum_down}
 * @param sorryServer {@code sorry_server}
 * @param inhibitOnFailure {@code inhibit_on_failure}: the default of the real servers
 * @param alpha {@code alpha}: real servers start down until their checks pass
 * @param omega {@code omega}: run quorum and server-down notifiers on shutdown
 * @param haSuspend {@code ha_suspend}: suspend checkers while the VIP is not owned
 * @param onePacketScheduling {@code ops}: schedule every UDP datagram (UDP only)
 * @param virtualhost {@code virtualhost}: the default Host header of HTTP checkers
 * @param realServers the {@code real_server}s, unique by address and port
 */
public record VirtualServerConfig(Optional<InetAddress> address, int port, int fwmark, Protocol protocol,
        String scheduler, Set<String> schedulerFlags, ForwardingMethod forwarding, Optional<TunnelConfig> tunnel,
        Optional<String> localAddressGroup, Duration persistenceTimeout,
        OptionalInt persistenceGranularity, Duration delayLoop, int quorum, int hysteresis,
        Optional<Script> quorumUp, Optional<Script> quorumDown, Optional<SorryServerConfig> sorryServer,
        boolean inhibitOnFailure, boolean alpha, boolean omega, boolean haSuspend, boolean onePacketScheduling,
        Optional<String> virtualhost, List<RealServerConfig> realServers) {

    /** Keepalived's default scheduler. */
    public static final String DEFAULT_SCHEDULER = "wlc";

    /** Keepalived's default forwarding method. */
    public static final ForwardingMethod DEFAULT_FORWARDING = ForwardingMethod.MASQUERADE;

    /** The persistence timeout keepalived uses when {@code persistence_timeout} has no value. */
    public static final Duration DEFAULT_PERSISTENCE_TIMEOUT = Duration.ofSeconds(360);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range or the values contradict
     *     each other (address and fwmark, port 0 without persistence, {@code ops} without UDP,
     *     two real servers with the same address and port, tunnel options without TUN, full-NAT
     *     without {@code laddr_group_name})
     * @throws NullPointerException if a component is null
     */
    public VirtualServerConfig {
        Objects.requireNonNull(address, "address");
        Require.port("port", port);
        Require.range("fwmark", fwmark, 0, Integer.MAX_VALUE);
        if (address.isPresent() == (fwmark != 0)) {
            throw new IllegalArgumentException("a virtual server has either an address or a fwmark above 0");
        }
        if (fwmark != 0 && port != 0) {
            throw new IllegalArgumentException("a fwmark virtual server has no port");
        }
        Objects.requireNonNull(protocol, "protocol");
        Require.name("lb_algo", scheduler);
        schedulerFlags = Set.copyOf(Objects.requireNonNull(schedulerFlags, "schedulerFlags"));
        Objects.requireNonNull(forwarding, "forwarding");
        tunnel = TunnelConfig.of(Optional.of(forwarding), tunnel);
        Objects.requireNonNull(localAddressGroup, "localAddressGroup");
        localAddressGroup.ifPresent(name -> Require.name("laddr_group_name", name));
        Require.nonNegative("persistence_timeout", persistenceTimeout);
        if (address.isPresent() && port == 0 && persistenceTimeout.isZero()) {
            throw new IllegalArgumentException("a virtual server without port must be persistent");
        }
        Objects.requireNonNull(persistenceGranularity, "persistenceGranularity");
        if (persistenceGranularity.isPresent()) {
            boolean ipv4 = address.isPresent() && address.get() instanceof java.net.Inet4Address;
            Require.range("persistence_granularity", persistenceGranularity.getAsInt(), 0, ipv4 ? 32 : 128);
        }
        Require.positive("delay_loop", delayLoop);
        Require.range("quorum", quorum, 0, Integer.MAX_VALUE);
        Require.range("hysteresis", hysteresis, 0, Integer.MAX_VALUE);
        Objects.requireNonNull(quorumUp, "quorumUp");
        Objects.requireNonNull(quorumDown, "quorumDown");
        Objects.requireNonNull(sorryServer, "sorryServer");
        if (onePacketScheduling && protocol != Protocol.UDP) {
            throw new IllegalArgumentException("ops (one-packet scheduling) requires protocol UDP");
        }
        Objects.requireNonNull(virtualhost, "virtualhost");
        realServers = Require.list("realServers", realServers);
        Set<String> seen = new HashSet<>();
        for (RealServerConfig rs : realServers) {
            String key = rs.address().getHostAddress() + "|" + rs.port();
            if (!seen.add(key)) {
                throw new IllegalArgumentException("real server " + rs.address().getHostAddress() + " port "
                        + rs.port() + " is declared twice");
            }
            if (localAddressGroup.isEmpty() && rs.forwarding().orElse(forwarding) == ForwardingMethod.FULL_NAT) {
                throw new IllegalArgumentException("full-NAT (lb_kind FNAT) needs laddr_group_name: the"
                        + " local_address_group of the director's source addresses towards the real servers");
            }
        }
        if (localAddressGroup.isEmpty() && forwarding == ForwardingMethod.FULL_NAT && realServers.isEmpty()) {
            throw new IllegalArgumentException("full-NAT (lb_kind FNAT) needs laddr_group_name: the"
                    + " local_address_group of the director's source addresses towards the real servers");
        }
    }

    /**
     * Returns the forwarding method of one of the real servers.
     *
     * @param realServer a real server of this virtual server
     * @return its own {@code lvs_method}, or this virtual server's
     */
    public ForwardingMethod forwardingOf(RealServerConfig realServer) {
        return realServer.forwarding().orElse(forwarding);
    }

    /**
     * Returns the tunnel options of one of the real servers, as keepalived gives them: a real
     * server with its own {@code lvs_method} has its own options, the others take this virtual
     * server's.
     *
     * @param realServer a real server of this virtual server
     * @return its tunnel options; empty if it is not tunnelled
     */
    public Optional<TunnelConfig> tunnelOf(RealServerConfig realServer) {
        return realServer.forwarding().isPresent() ? realServer.tunnel() : tunnel;
    }

    /**
     * Tells whether this virtual server or one of its real servers uses full-NAT, and so needs
     * local addresses.
     *
     * @return true if any server is reached by full-NAT
     */
    public boolean usesFullNat() {
        if (forwarding == ForwardingMethod.FULL_NAT && realServers.isEmpty()) {
            return true;
        }
        return realServers.stream().anyMatch(rs -> forwardingOf(rs) == ForwardingMethod.FULL_NAT);
    }

    /**
     * Tells whether this is a firewall-mark service.
     *
     * @return true for {@code virtual_server fwmark N}
     */
    public boolean isFwmark() {
        return fwmark != 0;
    }

    /**
     * Returns the service as keepalived names it in its logs.
     *
     * @return {@code [198.18.0.10]:tcp:80} or {@code FWM 1}
     */
    public String displayName() {
        if (isFwmark()) {
            return "FWM " + fwmark;
        }
        return "[" + address.orElseThrow().getHostAddress() + "]:" + protocol.name().toLowerCase(java.util.Locale.ROOT)
                + ":" + port;
    }

    /**
     * Starts a builder for an address and port service, with keepalived's defaults.
     *
     * @param address the virtual address
     * @param port the virtual port
     * @return a builder
     */
    public static Builder builder(InetAddress address, int port) {
        return new Builder(Optional.of(Objects.requireNonNull(address, "address")), port, 0);
    }

    /**
     * Starts a builder for a firewall-mark service, with keepalived's defaults.
     *
     * @param fwmark the mark, above 0
     * @return a builder
     */
    public static Builder fwmarkBuilder(int fwmark) {
        return new Builder(Optional.empty(), 0, fwmark);
    }

    /** Builds a {@link VirtualServerConfig}; not thread-safe. */
    public static final class Builder {
        private final Optional<InetAddress> address;
        private final int port;
        private final int fwmark;
        private Protocol protocol = Protocol.TCP;
        private String scheduler = DEFAULT_SCHEDULER;
        private final Set<String> schedulerFlags = new LinkedHashSet<>();
        private ForwardingMethod forwarding = DEFAULT_FORWARDING;
        private Optional<TunnelConfig> tunnel = Optional.empty();
        private Optional<String> localAddressGroup = Optional.empty();
        private Duration persistenceTimeout = Duration.ZERO;
        private OptionalInt persistenceGranularity = OptionalInt.empty();
        private Duration delayLoop = CheckerTiming.DEFAULT_DELAY_LOOP;
        private int quorum = 1;
        private int hysteresis;
        private Optional<Script> quorumUp = Optional.empty();
        private Optional<Script> quorumDown = Optional.empty();
        private Optional<SorryServerConfig> sorryServer = Optional.empty();
        private boolean inhibitOnFailure;
        private boolean alpha;
        private boolean omega;
        private boolean haSuspend;
        private boolean onePacketScheduling;
        private Optional<String> virtualhost = Optional.empty();
        private final List<RealServerConfig> realServers = new ArrayList<>();

        private Builder(Optional<InetAddress> address, int port, int fwmark) {
            this.address = address;
            this.port = port;
            this.fwmark = fwmark;
        }

        /**
         * Sets {@code protocol}.
         *
         * @param value the protocol
         * @return this builder
         */
        public Builder protocol(Protocol value) {
            protocol = value;
            return this;
        }

        /**
         * Sets {@code lb_algo}.
         *
         * @param value the scheduler name
         * @return this builder
         */
        public Builder scheduler(String value) {
            scheduler = value;
            return this;
        }

        /**
         * Adds a scheduler flag.
         *
         * @param value the flag's ipvsadm name
         * @return this builder
         */
        public Builder schedulerFlag(String value) {
            schedulerFlags.add(Objects.requireNonNull(value, "flag"));
            return this;
        }

        /**
         * Sets {@code lb_kind}.
         *
         * @param value the forwarding method
         * @return this builder
         */
        public Builder forwarding(ForwardingMethod value) {
            forwarding = value;
            if (value != ForwardingMethod.TUNNEL) {
                tunnel = Optional.empty();
            }
            return this;
        }

        /**
         * Sets {@code lb_kind TUN} with tunnel options.
         *
         * @param value the tunnel options
         * @return this builder
         */
        public Builder tunnel(TunnelConfig value) {
            forwarding = ForwardingMethod.TUNNEL;
            tunnel = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code laddr_group_name}.
         *
         * @param value the name of a {@code local_address_group}
         * @return this builder
         */
        public Builder localAddressGroup(String value) {
            localAddressGroup = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code persistence_timeout}.
         *
         * @param value 0 for none
         * @return this builder
         */
        public Builder persistenceTimeout(Duration value) {
            persistenceTimeout = value;
            return this;
        }

        /**
         * Sets {@code persistence_granularity}.
         *
         * @param prefixLength the prefix length of the client address that persistence keys on
         * @return this builder
         */
        public Builder persistenceGranularity(int prefixLength) {
            persistenceGranularity = OptionalInt.of(prefixLength);
            return this;
        }

        /**
         * Sets {@code delay_loop}.
         *
         * @param value the checkers' default interval
         * @return this builder
         */
        public Builder delayLoop(Duration value) {
            delayLoop = value;
            return this;
        }

        /**
         * Sets {@code quorum}.
         *
         * @param value the least total weight
         * @return this builder
         */
        public Builder quorum(int value) {
            quorum = value;
            return this;
        }

        /**
         * Sets {@code hysteresis}.
         *
         * @param value the tolerated weight units
         * @return this builder
         */
        public Builder hysteresis(int value) {
            hysteresis = value;
            return this;
        }

        /**
         * Sets {@code quorum_up}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder quorumUp(Script value) {
            quorumUp = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code quorum_down}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder quorumDown(Script value) {
            quorumDown = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code sorry_server}.
         *
         * @param value the sorry server
         * @return this builder
         */
        public Builder sorryServer(SorryServerConfig value) {
            sorryServer = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code inhibit_on_failure} (recorded; real servers hold their own value).
         *
         * @param value true to inhibit
         * @return this builder
         */
        public Builder inhibitOnFailure(boolean value) {
            inhibitOnFailure = value;
            return this;
        }

        /**
         * Sets {@code alpha}.
         *
         * @param value true for alpha mode
         * @return this builder
         */
        public Builder alpha(boolean value) {
            alpha = value;
            return this;
        }

        /**
         * Sets {@code omega}.
         *
         * @param value true for omega mode
         * @return this builder
         */
        public Builder omega(boolean value) {
            omega = value;
            return this;
        }

        /**
         * Sets {@code ha_suspend}.
         *
         * @param value true to suspend checkers without the VIP
         * @return this builder
         */
        public Builder haSuspend(boolean value) {
            haSuspend = value;
            return this;
        }

        /**
         * Sets {@code ops}.
         *
         * @param value true for one-packet scheduling
         * @return this builder
         */
        public Builder onePacketScheduling(boolean value) {
            onePacketScheduling = value;
            return this;
        }

        /**
         * Sets {@code virtualhost}.
         *
         * @param value the default Host header
         * @return this builder
         */
        public Builder virtualhost(String value) {
            virtualhost = Optional.of(value);
            return this;
        }

        /**
         * Adds a real server.
         *
         * @param value the real server
         * @return this builder
         */
        public Builder realServer(RealServerConfig value) {
            realServers.add(Objects.requireNonNull(value, "real server"));
            return this;
        }

        /**
         * Builds the virtual server.
         *
         * @return the virtual server
         * @throws IllegalArgumentException if a value is out of range or values contradict
         */
        public VirtualServerConfig build() {
            return new VirtualServerConfig(address, port, fwmark, protocol, scheduler, schedulerFlags, forwarding,
                    tunnel, localAddressGroup, persistenceTimeout, persistenceGranularity, delayLoop, quorum,
                    hysteresis, quorumUp, quorumDown, sorryServer, inhibitOnFailure, alpha, omega, haSuspend,
                    onePacketScheduling, virtualhost, realServers);
        }
    }
}

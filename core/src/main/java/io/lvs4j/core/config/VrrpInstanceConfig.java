package io.lvs4j.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One VRRP virtual router, keepalived's {@code vrrp_instance}: the one model that the
 * keepalived.conf parser produces, a program builds, and the VRRP runtime ({@code io.lvs4j.vrrp})
 * runs. Values are resolved: settings that keepalived inherits from {@code global_defs}
 * (version, gratuitous ARP timing, {@code skip_check_adv_addr}, {@code strict_mode}) hold the
 * inherited value, and each {@code track_script} line holds the {@code vrrp_script} it names
 * with the line's weight.
 *
 * <p>The runtime needs the {@link #sourceAddress()}; a host that runs an instance without one
 * sets the interface's address ({@link #toBuilder()}), as keepalived takes the interface's
 * primary address. It tracks {@link #interfaceName()} itself unless {@link #dontTrackPrimary()},
 * and a non-owner starts as backup whatever {@link #initialState()} says, as keepalived 2.2 does.
 *
 * @param name the instance name
 * @param initialState {@code state}, default BACKUP
 * @param interfaceName {@code interface}: where adverts are sent and received
 * @param virtualRouterId {@code virtual_router_id}, 1 to 255
 * @param priority {@code priority}, 1 to 255 (255: address owner), default 100
 * @param advertInterval {@code advert_int}, default 1 s; whole seconds (1 to 255) for
 *     version 2, centiseconds (0.01 to 40.95 s) for version 3
 * @param version {@code version}, 2 or 3
 * @param authentication {@code authentication} with {@code auth_type PASS} (version 2 only)
 * @param virtualIpAddresses {@code virtual_ipaddress}: addresses carried in adverts, of one family
 * @param virtualIpAddressesExcluded {@code virtual_ipaddress_excluded}: owned but not advertised
 * @param sourceAddress {@code unicast_src_ip} or {@code mcast_src_ip}, which keepalived treats
 *     alike: the source of adverts and the primary address that breaks priority ties; empty:
 *     the interface's primary address
 * @param unicastPeers {@code unicast_peer}: adverts go to these addresses instead of the
 *     multicast group; empty: multicast
 * @param preempt false with {@code nopreempt}: a higher priority backup does not take over
 * @param preemptDelay {@code preempt_delay}, 0 to 1000 s: how long a starting higher-priority
 *     backup waits before it preempts
 * @param lowerPrioNoAdvert {@code lower_prio_no_advert}: a master does not answer a
 *     lower-priority advert with one of its own at once
 * @param trackInterfaces {@code track_interface}
 * @param trackScripts {@code track_script}: the scripts, each with the weight its line gives
 * @param notifyScripts {@code notify_master}, {@code notify_backup}, {@code notify_fault},
 *     {@code notify_stop} and {@code notify}
 * @param garp gratuitous ARP settings ({@code garp_*}, defaults from {@code global_defs})
 * @param skipCheckAdvAddr {@code skip_check_adv_addr}
 * @param strictMode {@code strict_mode}
 * @param dontTrackPrimary {@code dont_track_primary}: ignore faults of {@code interface}
 */
public record VrrpInstanceConfig(String name, VrrpInitialState initialState, String interfaceName,
        int virtualRouterId, int priority, Duration advertInterval, int version,
        Optional<VrrpAuthentication> authentication, List<VirtualIpAddress> virtualIpAddresses,
        List<VirtualIpAddress> virtualIpAddressesExcluded, Optional<InetAddress> sourceAddress,
        List<InetAddress> unicastPeers, boolean preempt, Duration preemptDelay, boolean lowerPrioNoAdvert,
        List<TrackedInterface> trackInterfaces, List<VrrpScriptConfig> trackScripts,
        NotifyScripts notifyScripts, GarpConfig garp, boolean skipCheckAdvAddr, boolean strictMode,
        boolean dontTrackPrimary) {

    /** The largest {@code preempt_delay} keepalived accepts. */
    public static final Duration MAX_PREEMPT_DELAY = Duration.ofSeconds(1000);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range or the values contradict
     *     each other (authentication with version 3, advert interval not representable,
     *     advertised addresses, source and peers of two families, IPv6 with version 2)
     * @throws NullPointerException if a component is null
     */
    public VrrpInstanceConfig {
        Require.name("vrrp_instance name", name);
        Objects.requireNonNull(initialState, "initialState");
        Require.name("interface", interfaceName);
        Require.range("virtual_router_id", virtualRouterId, 1, 255);
        Require.range("priority", priority, 1, 255);
        Require.range("version", version, 2, 3);
        Require.positive("advert_int", advertInterval);
        if (version == 2) {
            if (advertInterval.toNanosPart() != 0 || advertInterval.getSeconds() > 255) {
                throw new IllegalArgumentException(
                        "advert_int of VRRP version 2 must be whole seconds 1-255: " + advertInterval);
            }
        } else {
            long millis = advertInterval.toMillis();
            if (millis % 10 != 0 || !advertInterval.equals(Duration.ofMillis(millis)) || millis > 40_950) {
                throw new IllegalArgumentException(
                        "advert_int of VRRP version 3 must be centiseconds 0.01-40.95: " + advertInterval);
            }
        }
        Objects.requireNonNull(authentication, "authentication");
        if (version == 3 && authentication.isPresent()) {
            throw new IllegalArgumentException("authentication requires VRRP version 2");
        }
        virtualIpAddresses = Require.list("virtualIpAddresses", virtualIpAddresses);
        virtualIpAddressesExcluded = Require.list("virtualIpAddressesExcluded", virtualIpAddressesExcluded);
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        unicastPeers = Require.list("unicastPeers", unicastPeers);
        checkFamilies(version, virtualIpAddresses, sourceAddress, unicastPeers);
        Require.nonNegative("preempt_delay", preemptDelay);
        if (preemptDelay.compareTo(MAX_PREEMPT_DELAY) > 0) {
            throw new IllegalArgumentException("preempt_delay out of range 0-1000 s: " + preemptDelay);
        }
        trackInterfaces = Require.list("trackInterfaces", trackInterfaces);
        trackScripts = Require.list("trackScripts", trackScripts);
        Objects.requireNonNull(notifyScripts, "notifyScripts");
        Objects.requireNonNull(garp, "garp");
    }

    /**
     * Checks that the advertised addresses, the source and the peers are of one family, and
     * IPv4 for version 2.
     */
    private static void checkFamilies(int version, List<VirtualIpAddress> vips, Optional<InetAddress> source,
            List<InetAddress> peers) {
        List<InetAddress> all = new ArrayList<>();
        vips.forEach(v -> all.add(v.address()));
        source.ifPresent(all::add);
        all.addAll(peers);
        if (all.isEmpty()) {
            return;
        }
        boolean v4 = all.getFirst() instanceof Inet4Address;
        for (InetAddress a : all) {
            if ((a instanceof Inet4Address) != v4) {
                throw new IllegalArgumentException("virtual addresses, source address and unicast peers mix"
                        + " IPv4 and IPv6: " + a.getHostAddress());
            }
        }
        if (version == 2 && !v4) {
            throw new IllegalArgumentException("VRRP version 2 is IPv4 only");
        }
    }

    /**
     * Tells whether adverts go to unicast peers rather than the multicast group.
     *
     * @return true if {@link #unicastPeers()} is not empty
     */
    public boolean unicast() {
        return !unicastPeers.isEmpty();
    }

    /**
     * Starts a builder holding this instance's values, to derive another one.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Starts a builder with keepalived's defaults.
     *
     * @param name the instance name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name, GlobalDefs.DEFAULTS);
    }

    /**
     * Starts a builder whose inherited settings come from {@code global_defs}.
     *
     * @param name the instance name
     * @param globals the global settings to inherit
     * @return a builder
     */
    public static Builder builder(String name, GlobalDefs globals) {
        return new Builder(name, globals);
    }

    /** Builds a {@link VrrpInstanceConfig}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private VrrpInitialState initialState = VrrpInitialState.BACKUP;
        private String interfaceName;
        private int virtualRouterId;
        private int priority = 100;
        private Duration advertInterval = Duration.ofSeconds(1);
        private int version;
        private Optional<VrrpAuthentication> authentication = Optional.empty();
        private final List<VirtualIpAddress> virtualIpAddresses = new ArrayList<>();
        private final List<VirtualIpAddress> virtualIpAddressesExcluded = new ArrayList<>();
        private Optional<InetAddress> sourceAddress = Optional.empty();
        private final List<InetAddress> unicastPeers = new ArrayList<>();
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private boolean lowerPrioNoAdvert;
        private final List<TrackedInterface> trackInterfaces = new ArrayList<>();
        private final List<VrrpScriptConfig> trackScripts = new ArrayList<>();
        private Optional<Script> notifyMaster = Optional.empty();
        private Optional<Script> notifyBackup = Optional.empty();
        private Optional<Script> notifyFault = Optional.empty();
        private Optional<Script> notifyStop = Optional.empty();
        private Optional<Script> notifyAny = Optional.empty();
        private GarpConfig garp;
        private boolean skipCheckAdvAddr;
        private boolean strictMode;
        private boolean dontTrackPrimary;

        private Builder(String name, GlobalDefs globals) {
            this.name = name;
            this.version = globals.vrrpVersion();
            this.garp = globals.garp();
            this.skipCheckAdvAddr = globals.vrrpSkipCheckAdvAddr();
            this.strictMode = globals.vrrpStrict();
        }

        private Builder(VrrpInstanceConfig from) {
            name = from.name;
            initialState = from.initialState;
            interfaceName = from.interfaceName;
            virtualRouterId = from.virtualRouterId;
            priority = from.priority;
            advertInterval = from.advertInterval;
            version = from.version;
            authentication = from.authentication;
            virtualIpAddresses.addAll(from.virtualIpAddresses);
            virtualIpAddressesExcluded.addAll(from.virtualIpAddressesExcluded);
            sourceAddress = from.sourceAddress;
            unicastPeers.addAll(from.unicastPeers);
            preempt = from.preempt;
            preemptDelay = from.preemptDelay;
            lowerPrioNoAdvert = from.lowerPrioNoAdvert;
            trackInterfaces.addAll(from.trackInterfaces);
            trackScripts.addAll(from.trackScripts);
            notifyMaster = from.notifyScripts.master();
            notifyBackup = from.notifyScripts.backup();
            notifyFault = from.notifyScripts.fault();
            notifyStop = from.notifyScripts.stop();
            notifyAny = from.notifyScripts.any();
            garp = from.garp;
            skipCheckAdvAddr = from.skipCheckAdvAddr;
            strictMode = from.strictMode;
            dontTrackPrimary = from.dontTrackPrimary;
        }

        /**
         * Sets {@code state}.
         *
         * @param value MASTER or BACKUP
         * @return this builder
         */
        public Builder initialState(VrrpInitialState value) {
            initialState = value;
            return this;
        }

        /**
         * Sets {@code interface}.
         *
         * @param value the interface name
         * @return this builder
         */
        public Builder interfaceName(String value) {
            interfaceName = value;
            return this;
        }

        /**
         * Sets {@code virtual_router_id}.
         *
         * @param value 1 to 255
         * @return this builder
         */
        public Builder virtualRouterId(int value) {
            virtualRouterId = value;
            return this;
        }

        /**
         * Sets {@code priority}.
         *
         * @param value 1 to 255
         * @return this builder
         */
        public Builder priority(int value) {
            priority = value;
            return this;
        }

        /**
         * Sets {@code advert_int}.
         *
         * @param value the advert interval
         * @return this builder
         */
        public Builder advertInterval(Duration value) {
            advertInterval = value;
            return this;
        }

        /**
         * Sets {@code version}.
         *
         * @param value 2 or 3
         * @return this builder
         */
        public Builder version(int value) {
            version = value;
            return this;
        }

        /**
         * Sets PASS authentication.
         *
         * @param password {@code auth_pass}, or null for none
         * @return this builder
         */
        public Builder authPass(String password) {
            authentication = Optional.ofNullable(password).map(VrrpAuthentication::new);
            return this;
        }

        /**
         * Adds a host address to {@code virtual_ipaddress}.
         *
         * @param value the address
         * @return this builder
         */
        public Builder virtualIpAddress(InetAddress value) {
            return virtualIpAddress(VirtualIpAddress.of(value));
        }

        /**
         * Adds an entry to {@code virtual_ipaddress}.
         *
         * @param value the entry
         * @return this builder
         */
        public Builder virtualIpAddress(VirtualIpAddress value) {
            virtualIpAddresses.add(Objects.requireNonNull(value, "virtual ip address"));
            return this;
        }

        /**
         * Adds an entry to {@code virtual_ipaddress_excluded}.
         *
         * @param value the entry
         * @return this builder
         */
        public Builder virtualIpAddressExcluded(VirtualIpAddress value) {
            virtualIpAddressesExcluded.add(Objects.requireNonNull(value, "virtual ip address"));
            return this;
        }

        /**
         * Sets the source address ({@code unicast_src_ip}, {@code mcast_src_ip}).
         *
         * @param value the source of adverts and the primary address
         * @return this builder
         */
        public Builder sourceAddress(InetAddress value) {
            sourceAddress = Optional.of(value);
            return this;
        }

        /**
         * Adds a {@code unicast_peer}.
         *
         * @param value the peer's address
         * @return this builder
         */
        public Builder unicastPeer(InetAddress value) {
            unicastPeers.add(Objects.requireNonNull(value, "unicast peer"));
            return this;
        }

        /**
         * Sets preemption ({@code nopreempt} is {@code preempt(false)}).
         *
         * @param value true to preempt a lower-priority master
         * @return this builder
         */
        public Builder preempt(boolean value) {
            preempt = value;
            return this;
        }

        /**
         * Sets {@code preempt_delay}.
         *
         * @param value 0 to 1000 s
         * @return this builder
         */
        public Builder preemptDelay(Duration value) {
            preemptDelay = value;
            return this;
        }

        /**
         * Sets {@code lower_prio_no_advert}.
         *
         * @param value true to stay silent on a lower-priority advert while master
         * @return this builder
         */
        public Builder lowerPrioNoAdvert(boolean value) {
            lowerPrioNoAdvert = value;
            return this;
        }

        /**
         * Adds a {@code track_interface} entry.
         *
         * @param value the entry
         * @return this builder
         */
        public Builder trackInterface(TrackedInterface value) {
            trackInterfaces.add(Objects.requireNonNull(value, "track_interface"));
            return this;
        }

        /**
         * Adds a {@code track_script} entry.
         *
         * @param value the script, with the weight its line gives
         * @return this builder
         */
        public Builder trackScript(VrrpScriptConfig value) {
            trackScripts.add(Objects.requireNonNull(value, "track_script"));
            return this;
        }

        /**
         * Sets {@code notify_master}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyMaster(Script value) {
            notifyMaster = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify_backup}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyBackup(Script value) {
            notifyBackup = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify_fault}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyFault(Script value) {
            notifyFault = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify_stop}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyStop(Script value) {
            notifyStop = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyAny(Script value) {
            notifyAny = Optional.of(value);
            return this;
        }

        /**
         * Sets the gratuitous ARP settings.
         *
         * @param value the settings
         * @return this builder
         */
        public Builder garp(GarpConfig value) {
            garp = value;
            return this;
        }

        /**
         * Sets {@code skip_check_adv_addr}.
         *
         * @param value true to skip the address check of received adverts
         * @return this builder
         */
        public Builder skipCheckAdvAddr(boolean value) {
            skipCheckAdvAddr = value;
            return this;
        }

        /**
         * Sets {@code strict_mode}.
         *
         * @param value true for strict RFC compliance
         * @return this builder
         */
        public Builder strictMode(boolean value) {
            strictMode = value;
            return this;
        }

        /**
         * Sets {@code dont_track_primary}.
         *
         * @param value true to ignore faults of the instance's interface
         * @return this builder
         */
        public Builder dontTrackPrimary(boolean value) {
            dontTrackPrimary = value;
            return this;
        }

        /**
         * Builds the instance.
         *
         * @return the instance
         * @throws IllegalArgumentException if a value is missing or out of range
         */
        public VrrpInstanceConfig build() {
            return new VrrpInstanceConfig(name, initialState, interfaceName, virtualRouterId, priority,
                    advertInterval, version, authentication, virtualIpAddresses,
                    virtualIpAddressesExcluded, sourceAddress, unicastPeers, preempt, preemptDelay,
                    lowerPrioNoAdvert, trackInterfaces, trackScripts,
                    new NotifyScripts(notifyMaster, notifyBackup, notifyFault, notifyStop, notifyAny), garp,
                    skipCheckAdvAddr, strictMode, dontTrackPrimary);
        }
    }
}

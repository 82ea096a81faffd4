package io.lvs4j.vrrp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The configuration of one VRRP instance, keepalived's {@code vrrp_instance}. Immutable; make
 * one with {@link #builder(String)}.
 *
 * <p>A non-owner instance always starts in {@link VrrpState#BACKUP}, as keepalived 2.2 does
 * even with {@code state MASTER}: it becomes master when no better advert arrives within the
 * master-down interval. An address owner (priority 255) becomes master at once.
 */
public final class VrrpInstanceConfig {

    private final String name;
    private final String interfaceName;
    private final VrrpVersion version;
    private final int vrid;
    private final int priority;
    private final int advertIntervalCentis;
    private final boolean preempt;
    private final Duration preemptDelay;
    private final boolean lowerPriorityNoAdvert;
    private final InetAddress primaryAddress;
    private final List<InetAddress> virtualAddresses;
    private final List<InetAddress> unicastPeers;
    private final byte[] authPass;
    private final List<TrackedInterface> trackInterfaces;
    private final List<TrackScript> trackScripts;
    private final NotifyScripts notify;

    private VrrpInstanceConfig(Builder b) {
        name = b.name;
        interfaceName = Objects.requireNonNull(b.interfaceName, "interfaceName");
        version = b.version;
        vrid = b.vrid;
        priority = b.priority;
        advertIntervalCentis = b.advertIntervalCentis;
        preempt = b.preempt;
        preemptDelay = b.preemptDelay;
        lowerPriorityNoAdvert = b.lowerPriorityNoAdvert;
        primaryAddress = Objects.requireNonNull(b.primaryAddress, "primaryAddress");
        virtualAddresses = List.copyOf(b.virtualAddresses);
        unicastPeers = List.copyOf(b.unicastPeers);
        authPass = b.authPass == null ? null : b.authPass.getBytes(StandardCharsets.US_ASCII);
        trackInterfaces = List.copyOf(b.trackInterfaces);
        trackScripts = List.copyOf(b.trackScripts);
        notify = b.notify;
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid out of 1-255: " + vrid);
        }
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority out of 1-255: " + priority);
        }
        if (virtualAddresses.isEmpty()) {
            throw new IllegalArgumentException("no virtual address");
        }
        boolean v4 = primaryAddress instanceof Inet4Address;
        for (InetAddress a : unicastPeers) {
            if ((a instanceof Inet4Address) != v4) {
                throw new IllegalArgumentException("unicast peer " + a + " not of the primary's family");
            }
        }
        for (InetAddress a : virtualAddresses) {
            if ((a instanceof Inet4Address) != v4) {
                throw new IllegalArgumentException("virtual address " + a + " not of the primary's family");
            }
        }
        if (preemptDelay.isNegative()) {
            throw new IllegalArgumentException("negative preempt delay");
        }
        // Validates interval, family and password against the version.
        advertisement(priority);
    }

    /**
     * Starts a builder.
     *
     * @param name the instance name (keepalived's {@code vrrp_instance NAME})
     * @return a builder with keepalived's defaults: v2, interval 1 s, priority 100, preempt
     */
    public static Builder builder(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /**
     * Returns the advert this instance sends at a given priority.
     *
     * @param advertPriority 0-255
     * @return the advert
     */
    public Advertisement advertisement(int advertPriority) {
        return new Advertisement(version, vrid, advertPriority, advertIntervalCentis, virtualAddresses, authPass);
    }

    /** @return the instance name */
    public String name() {
        return name;
    }

    /** @return the interface adverts go out of */
    public String interfaceName() {
        return interfaceName;
    }

    /** @return the protocol version */
    public VrrpVersion version() {
        return version;
    }

    /** @return the virtual router id */
    public int vrid() {
        return vrid;
    }

    /** @return the configured (base) priority; 255 makes this router the address owner */
    public int priority() {
        return priority;
    }

    /** @return the advert interval in centiseconds */
    public int advertIntervalCentis() {
        return advertIntervalCentis;
    }

    /** @return whether a higher-priority backup takes over from a lower-priority master */
    public boolean preempt() {
        return preempt;
    }

    /** @return how long after start or after first seeing a lower-priority master to wait before preempting */
    public Duration preemptDelay() {
        return preemptDelay;
    }

    /** @return true to not answer a lower-priority advert at once while master (keepalived's {@code lower_prio_no_advert}) */
    public boolean lowerPriorityNoAdvert() {
        return lowerPriorityNoAdvert;
    }

    /** @return this router's primary address: the adverts' source, and the tie-breaker */
    public InetAddress primaryAddress() {
        return primaryAddress;
    }

    /** @return the virtual addresses */
    public List<InetAddress> virtualAddresses() {
        return virtualAddresses;
    }

    /**
     * Returns the unicast peers (keepalived's {@code unicast_peer}); the primary address plays
     * {@code unicast_src_ip}. A port sends each advert to every peer instead of the multicast
     * group, with the v3 checksum computed for that destination.
     *
     * @return the peers, empty for multicast
     */
    public List<InetAddress> unicastPeers() {
        return unicastPeers;
    }

    /** @return the v2 password bytes, or null for no authentication */
    public byte[] authPass() {
        return authPass == null ? null : authPass.clone();
    }

    /** @return the tracked interfaces */
    public List<TrackedInterface> trackInterfaces() {
        return trackInterfaces;
    }

    /** @return the tracked scripts */
    public List<TrackScript> trackScripts() {
        return trackScripts;
    }

    /** @return the notify scripts */
    public NotifyScripts notifyScripts() {
        return notify;
    }

    @Override
    public String toString() {
        return "VrrpInstance[" + name + " " + version + " vrid=" + vrid + " prio=" + priority + "]";
    }

    /** Builds a {@link VrrpInstanceConfig}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String interfaceName;
        private VrrpVersion version = VrrpVersion.V2;
        private int vrid;
        private int priority = 100;
        private int advertIntervalCentis = 100;
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private boolean lowerPriorityNoAdvert;
        private InetAddress primaryAddress;
        private final List<InetAddress> virtualAddresses = new ArrayList<>();
        private final List<InetAddress> unicastPeers = new ArrayList<>();
        private String authPass;
        private final List<TrackedInterface> trackInterfaces = new ArrayList<>();
        private final List<TrackScript> trackScripts = new ArrayList<>();
        private NotifyScripts notify = NotifyScripts.NONE;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the interface.
         *
         * @param value the interface name
         * @return this
         */
        public Builder interfaceName(String value) {
            interfaceName = value;
            return this;
        }

        /**
         * Sets the version.
         *
         * @param value v2 or v3
         * @return this
         */
        public Builder version(VrrpVersion value) {
            version = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Sets the virtual router id.
         *
         * @param value 1-255
         * @return this
         */
        public Builder vrid(int value) {
            vrid = value;
            return this;
        }

        /**
         * Sets the priority.
         *
         * @param value 1-255
         * @return this
         */
        public Builder priority(int value) {
            priority = value;
            return this;
        }

        /**
         * Sets the advert interval.
         *
         * @param centis centiseconds (whole seconds for v2)
         * @return this
         */
        public Builder advertIntervalCentis(int centis) {
            advertIntervalCentis = centis;
            return this;
        }

        /**
         * Sets preemption ({@code nopreempt} is {@code false}).
         *
         * @param value whether to preempt a lower-priority master
         * @return this
         */
        public Builder preempt(boolean value) {
            preempt = value;
            return this;
        }

        /**
         * Sets the preempt delay.
         *
         * @param value zero for none
         * @return this
         */
        public Builder preemptDelay(Duration value) {
            preemptDelay = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Sets keepalived's {@code lower_prio_no_advert}.
         *
         * @param value true to stay silent on a lower-priority advert while master
         * @return this
         */
        public Builder lowerPriorityNoAdvert(boolean value) {
            lowerPriorityNoAdvert = value;
            return this;
        }

        /**
         * Sets the primary address.
         *
         * @param value the address adverts are sent from
         * @return this
         */
        public Builder primaryAddress(InetAddress value) {
            primaryAddress = value;
            return this;
        }

        /**
         * Adds a virtual address.
         *
         * @param value an address of the primary's family
         * @return this
         */
        public Builder virtualAddress(InetAddress value) {
            virtualAddresses.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Adds a unicast peer: adverts go to the peers instead of the multicast group.
         *
         * @param value a peer's address, of the primary's family
         * @return this
         */
        public Builder unicastPeer(InetAddress value) {
            unicastPeers.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Sets v2 simple-password authentication (keepalived's {@code auth_type PASS}).
         *
         * @param value up to 8 ASCII characters, or null for none
         * @return this
         */
        public Builder authPass(String value) {
            authPass = value;
            return this;
        }

        /**
         * Adds a tracked interface.
         *
         * @param value the interface and its weight
         * @return this
         */
        public Builder trackInterface(TrackedInterface value) {
            trackInterfaces.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Adds a tracked script.
         *
         * @param value the script
         * @return this
         */
        public Builder trackScript(TrackScript value) {
            trackScripts.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Sets the notify scripts.
         *
         * @param value the scripts
         * @return this
         */
        public Builder notifyScripts(NotifyScripts value) {
            notify = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException when a setting is out of range or inconsistent
         */
        public VrrpInstanceConfig build() {
            return new VrrpInstanceConfig(this);
        }
    }
}

package io.lvs4j.core.config;

import java.time.Duration;

/**
 * When a VRRP master sends gratuitous ARPs (IPv4) and unsolicited neighbour advertisements
 * (IPv6) for its virtual addresses: keepalived's {@code vrrp_garp_*} and {@code vrrp_gna_interval}
 * settings of {@code global_defs}, and the {@code garp_*} settings of a {@code vrrp_instance}.
 *
 * @param masterDelay delay before the second burst after becoming master, 0 for no second
 *     burst ({@code garp_master_delay}, default 5 s)
 * @param masterRepeat messages per burst after becoming master ({@code garp_master_repeat},
 *     default 5)
 * @param lowerPrioDelay delay before the second burst after a lower-priority advert was
 *     received while master ({@code garp_lower_prio_delay}, default: {@code masterDelay})
 * @param lowerPrioRepeat messages per burst after a lower-priority advert
 *     ({@code garp_lower_prio_repeat}, default: {@code masterRepeat})
 * @param masterRefresh interval of periodic refreshes while master, 0 for none
 *     ({@code garp_master_refresh}, default 0)
 * @param masterRefreshRepeat messages per refresh ({@code garp_master_refresh_repeat},
 *     default 1)
 * @param interval delay between two gratuitous ARPs on one interface
 *     ({@code vrrp_garp_interval}, default 0)
 * @param gnaInterval delay between two unsolicited neighbour advertisements on one interface
 *     ({@code vrrp_gna_interval}, default 0)
 */
public record GarpConfig(Duration masterDelay, int masterRepeat, Duration lowerPrioDelay,
        int lowerPrioRepeat, Duration masterRefresh, int masterRefreshRepeat, Duration interval,
        Duration gnaInterval) {

    /** Keepalived's documented defaults. */
    public static final GarpConfig DEFAULTS = new GarpConfig(Duration.ofSeconds(5), 5,
            Duration.ofSeconds(5), 5, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a delay is negative or a count below 0
     */
    public GarpConfig {
        Require.nonNegative("garp_master_delay", masterDelay);
        Require.range("garp_master_repeat", masterRepeat, 0, Integer.MAX_VALUE);
        Require.nonNegative("garp_lower_prio_delay", lowerPrioDelay);
        Require.range("garp_lower_prio_repeat", lowerPrioRepeat, 0, Integer.MAX_VALUE);
        Require.nonNegative("garp_master_refresh", masterRefresh);
        Require.range("garp_master_refresh_repeat", masterRefreshRepeat, 0, Integer.MAX_VALUE);
        Require.nonNegative("vrrp_garp_interval", interval);
        Require.nonNegative("vrrp_gna_interval", gnaInterval);
    }

    /**
     * Starts a builder from keepalived's defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /**
     * Starts a builder from these values, for an instance that overrides some global ones. As
     * in keepalived, the lower-priority settings stay as they are here when the master
     * settings change (only a fresh {@link #builder()} makes them follow the master settings).
     *
     * @return a builder holding this configuration
     */
    public Builder toBuilder() {
        Builder b = new Builder(this);
        b.lowerPrioDelaySet = true;
        b.lowerPrioRepeatSet = true;
        return b;
    }

    /** Builds a {@link GarpConfig}; not thread-safe. */
    public static final class Builder {
        private Duration masterDelay;
        private int masterRepeat;
        private Duration lowerPrioDelay;
        private int lowerPrioRepeat;
        private Duration masterRefresh;
        private int masterRefreshRepeat;
        private Duration interval;
        private Duration gnaInterval;
        private boolean lowerPrioDelaySet;
        private boolean lowerPrioRepeatSet;

        private Builder(GarpConfig from) {
            masterDelay = from.masterDelay;
            masterRepeat = from.masterRepeat;
            lowerPrioDelay = from.lowerPrioDelay;
            lowerPrioRepeat = from.lowerPrioRepeat;
            masterRefresh = from.masterRefresh;
            masterRefreshRepeat = from.masterRefreshRepeat;
            interval = from.interval;
            gnaInterval = from.gnaInterval;
        }

        /**
         * Sets {@code garp_master_delay}; also the lower-priority delay unless that was set.
         *
         * @param value the delay
         * @return this builder
         */
        public Builder masterDelay(Duration value) {
            masterDelay = value;
            if (!lowerPrioDelaySet) {
                lowerPrioDelay = value;
            }
            return this;
        }

        /**
         * Sets {@code garp_master_repeat}; also the lower-priority repeat unless that was set.
         *
         * @param value the count
         * @return this builder
         */
        public Builder masterRepeat(int value) {
            masterRepeat = value;
            if (!lowerPrioRepeatSet) {
                lowerPrioRepeat = value;
            }
            return this;
        }

        /**
         * Sets {@code garp_lower_prio_delay}.
         *
         * @param value the delay
         * @return this builder
         */
        public Builder lowerPrioDelay(Duration value) {
            lowerPrioDelay = value;
            lowerPrioDelaySet = true;
            return this;
        }

        /**
         * Sets {@code garp_lower_prio_repeat}.
         *
         * @param value the count
         * @return this builder
         */
        public Builder lowerPrioRepeat(int value) {
            lowerPrioRepeat = value;
            lowerPrioRepeatSet = true;
            return this;
        }

        /**
         * Sets {@code garp_master_refresh}.
         *
         * @param value the refresh interval, 0 for none
         * @return this builder
         */
        public Builder masterRefresh(Duration value) {
            masterRefresh = value;
            return this;
        }

        /**
         * Sets {@code garp_master_refresh_repeat}.
         *
         * @param value the count
         * @return this builder
         */
        public Builder masterRefreshRepeat(int value) {
            masterRefreshRepeat = value;
            return this;
        }

        /**
         * Sets {@code vrrp_garp_interval}.
         *
         * @param value the delay between two gratuitous ARPs
         * @return this builder
         */
        public Builder interval(Duration value) {
            interval = value;
            return this;
        }

        /**
         * Sets {@code vrrp_gna_interval}.
         *
         * @param value the delay between two neighbour advertisements
         * @return this builder
         */
        public Builder gnaInterval(Duration value) {
            gnaInterval = value;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a value is out of range
         */
        public GarpConfig build() {
            return new GarpConfig(masterDelay, masterRepeat, lowerPrioDelay, lowerPrioRepeat,
                    masterRefresh, masterRefreshRepeat, interval, gnaInterval);
        }
    }
}

package io.lvs4j.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The settings of keepalived's {@code global_defs} block that lvs4j uses. The VRRP settings
 * here are the defaults that {@link VrrpInstanceConfig#builder(String, GlobalDefs)} starts
 * from; an instance holds its own resolved values.
 *
 * @param routerId the name of this director ({@code router_id}); empty: the host name
 * @param garp gratuitous ARP and neighbour advertisement defaults ({@code vrrp_garp_*},
 *     {@code vrrp_gna_interval})
 * @param vrrpVersion the default VRRP version of instances, 2 or 3 ({@code vrrp_version},
 *     default 2)
 * @param vrrpSkipCheckAdvAddr the default of instances' {@code skip_check_adv_addr}: do not
 *     check that an advert lists the same addresses as the instance
 *     ({@code vrrp_skip_check_adv_addr}, default false)
 * @param vrrpStrict the default of instances' {@code strict_mode}: follow the RFCs strictly
 *     ({@code vrrp_strict}, default false)
 * @param scriptUser the user scripts run as when a script names none ({@code script_user})
 * @param enableScriptSecurity refuse scripts that a non-root user could change
 * @param syncDaemon {@code lvs_sync_daemon}: connection synchronisation; empty: none
 *     ({@code enable_script_security}, default false)
 */
public record GlobalDefs(Optional<String> routerId, GarpConfig garp, int vrrpVersion,
        boolean vrrpSkipCheckAdvAddr, boolean vrrpStrict, Optional<String> scriptUser,
        boolean enableScriptSecurity, Optional<SyncDaemonConfig> syncDaemon) {

    /** Keepalived's defaults: no router id (the host name), VRRP version 2, no connection sync. */
    public static final GlobalDefs DEFAULTS = new GlobalDefs(Optional.empty(), GarpConfig.DEFAULTS, 2,
            false, false, Optional.empty(), false, Optional.empty());

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the VRRP version is not 2 or 3
     * @throws NullPointerException if a component is null
     */
    public GlobalDefs {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(garp, "garp");
        Require.range("vrrp_version", vrrpVersion, 2, 3);
        Objects.requireNonNull(scriptUser, "scriptUser");
        Objects.requireNonNull(syncDaemon, "syncDaemon");
    }

    /**
     * Starts a builder from keepalived's defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link GlobalDefs}; not thread-safe. */
    public static final class Builder {
        private Optional<String> routerId = Optional.empty();
        private GarpConfig garp = GarpConfig.DEFAULTS;
        private int vrrpVersion = 2;
        private boolean vrrpSkipCheckAdvAddr;
        private boolean vrrpStrict;
        private Optional<String> scriptUser = Optional.empty();
        private boolean enableScriptSecurity;
        private Optional<SyncDaemonConfig> syncDaemon = Optional.empty();

        private Builder() {
        }

        /**
         * Sets {@code router_id}.
         *
         * @param value the router id
         * @return this builder
         */
        public Builder routerId(String value) {
            routerId = Optional.of(Require.name("router_id", value));
            return this;
        }

        /**
         * Sets the gratuitous ARP defaults.
         *
         * @param value the settings
         * @return this builder
         */
        public Builder garp(GarpConfig value) {
            garp = Objects.requireNonNull(value, "garp");
            return this;
        }

        /**
         * Sets {@code vrrp_version}.
         *
         * @param value 2 or 3
         * @return this builder
         */
        public Builder vrrpVersion(int value) {
            vrrpVersion = value;
            return this;
        }

        /**
         * Sets {@code vrrp_skip_check_adv_addr}.
         *
         * @param value true to skip the check
         * @return this builder
         */
        public Builder vrrpSkipCheckAdvAddr(boolean value) {
            vrrpSkipCheckAdvAddr = value;
            return this;
        }

        /**
         * Sets {@code vrrp_strict}.
         *
         * @param value true for strict RFC compliance
         * @return this builder
         */
        public Builder vrrpStrict(boolean value) {
            vrrpStrict = value;
            return this;
        }

        /**
         * Sets {@code script_user}.
         *
         * @param value the user name, optionally followed by {@code :group}
         * @return this builder
         */
        public Builder scriptUser(String value) {
            scriptUser = Optional.of(Require.name("script_user", value));
            return this;
        }

        /**
         * Sets {@code enable_script_security}.
         *
         * @param value true to refuse unsafe scripts
         * @return this builder
         */
        public Builder enableScriptSecurity(boolean value) {
            enableScriptSecurity = value;
            return this;
        }

        /**
         * Sets {@code lvs_sync_daemon}.
         *
         * @param value the connection synchronisation
         * @return this builder
         */
        public Builder syncDaemon(SyncDaemonConfig value) {
            syncDaemon = Optional.of(Objects.requireNonNull(value, "syncDaemon"));
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException if a value is out of range
         */
        public GlobalDefs build() {
            return new GlobalDefs(routerId, garp, vrrpVersion, vrrpSkipCheckAdvAddr, vrrpStrict,
                    scriptUser, enableScriptSecurity, syncDaemon);
        }
    }
}

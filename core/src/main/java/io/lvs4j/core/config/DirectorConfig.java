package io.lvs4j.core.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a director is made of, as one keepalived.conf declares it: {@code global_defs},
 * {@code vrrp_script}s, {@code vrrp_sync_group}s, {@code vrrp_instance}s and
 * {@code virtual_server}s. Immutable; the Java builder API and the keepalived.conf parser
 * ({@link KeepalivedConfigParser}) both produce it, and equal declarations give equal objects.
 *
 * @param globalDefs {@code global_defs}
 * @param vrrpScripts {@code vrrp_script}s, unique by name
 * @param vrrpSyncGroups {@code vrrp_sync_group}s, unique by name
 * @param vrrpInstances {@code vrrp_instance}s, unique by name
 * @param virtualServers {@code virtual_server}s, unique by protocol, address and port (or fwmark)
 */
public record DirectorConfig(GlobalDefs globalDefs, List<VrrpScriptConfig> vrrpScripts,
        List<VrrpSyncGroupConfig> vrrpSyncGroups, List<VrrpInstanceConfig> vrrpInstances,
        List<VirtualServerConfig> virtualServers) {

    /**
     * Checks the values and the references between them.
     *
     * @throws IllegalArgumentException if two items share a name or key, a
     *     {@code track_script} names no {@code vrrp_script}, a sync group names no instance or
     *     shares one with another group, or two instances use the same virtual router id on
     *     one interface
     * @throws NullPointerException if a component is null
     */
    public DirectorConfig {
        Objects.requireNonNull(globalDefs, "globalDefs");
        vrrpScripts = Require.list("vrrpScripts", vrrpScripts);
        vrrpSyncGroups = Require.list("vrrpSyncGroups", vrrpSyncGroups);
        vrrpInstances = Require.list("vrrpInstances", vrrpInstances);
        virtualServers = Require.list("virtualServers", virtualServers);
        Set<String> scripts = new HashSet<>();
        for (VrrpScriptConfig s : vrrpScripts) {
            if (!scripts.add(s.name())) {
                throw new IllegalArgumentException("vrrp_script " + s.name() + " is declared twice");
            }
        }
        Set<String> instances = new HashSet<>();
        Map<String, String> routerIds = new HashMap<>();
        for (VrrpInstanceConfig i : vrrpInstances) {
            if (!instances.add(i.name())) {
                throw new IllegalArgumentException("vrrp_instance " + i.name() + " is declared twice");
            }
            String key = i.interfaceName() + "|" + i.virtualRouterId();
            String other = routerIds.putIfAbsent(key, i.name());
            if (other != null) {
                throw new IllegalArgumentException("vrrp_instance " + i.name() + " uses virtual_router_id "
                        + i.virtualRouterId() + " on " + i.interfaceName() + " as " + other + " does");
            }
            checkTrackedScripts("vrrp_instance " + i.name(), i.trackScripts(), scripts);
        }
        Set<String> groups = new HashSet<>();
        Map<String, String> groupOf = new HashMap<>();
        for (VrrpSyncGroupConfig g : vrrpSyncGroups) {
            if (!groups.add(g.name())) {
                throw new IllegalArgumentException("vrrp_sync_group " + g.name() + " is declared twice");
            }
            for (String member : g.instances()) {
                if (!instances.contains(member)) {
                    throw new IllegalArgumentException("vrrp_sync_group " + g.name() + " names vrrp_instance "
                            + member + ", which is not declared");
                }
                String other = groupOf.putIfAbsent(member, g.name());
                if (other != null) {
                    throw new IllegalArgumentException("vrrp_instance " + member + " is in vrrp_sync_group "
                            + other + " and " + g.name());
                }
            }
            checkTrackedScripts("vrrp_sync_group " + g.name(), g.trackScripts(), scripts);
        }
        Set<String> services = new HashSet<>();
        for (VirtualServerConfig vs : virtualServers) {
            String key = vs.isFwmark() ? "fwmark|" + vs.fwmark()
                    : vs.protocol() + "|" + vs.address().orElseThrow().getHostAddress() + "|" + vs.port();
            if (!services.add(key)) {
                throw new IllegalArgumentException("virtual_server " + vs.displayName() + " is declared twice");
            }
        }
    }

    private static void checkTrackedScripts(String owner, List<TrackedScript> tracked, Set<String> scripts) {
        for (TrackedScript t : tracked) {
            if (!scripts.contains(t.name())) {
                throw new IllegalArgumentException(owner + " tracks vrrp_script " + t.name()
                        + ", which is not declared");
            }
        }
    }

    /**
     * Finds a {@code vrrp_script} by name.
     *
     * @param name the script's name
     * @return the script, if declared
     */
    public Optional<VrrpScriptConfig> vrrpScript(String name) {
        return vrrpScripts.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Finds a {@code vrrp_instance} by name.
     *
     * @param name the instance's name
     * @return the instance, if declared
     */
    public Optional<VrrpInstanceConfig> vrrpInstance(String name) {
        return vrrpInstances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * Finds the sync group an instance belongs to.
     *
     * @param instanceName the instance's name
     * @return its group, if it is in one
     */
    public Optional<VrrpSyncGroupConfig> syncGroupOf(String instanceName) {
        return vrrpSyncGroups.stream().filter(g -> g.instances().contains(instanceName)).findFirst();
    }

    /**
     * Starts a builder with keepalived's global defaults and nothing declared.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DirectorConfig}; not thread-safe. */
    public static final class Builder {
        private GlobalDefs globalDefs = GlobalDefs.DEFAULTS;
        private final List<VrrpScriptConfig> vrrpScripts = new ArrayList<>();
        private final List<VrrpSyncGroupConfig> vrrpSyncGroups = new ArrayList<>();
        private final List<VrrpInstanceConfig> vrrpInstances = new ArrayList<>();
        private final List<VirtualServerConfig> virtualServers = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets {@code global_defs}.
         *
         * @param value the global settings
         * @return this builder
         */
        public Builder globalDefs(GlobalDefs value) {
            globalDefs = Objects.requireNonNull(value, "globalDefs");
            return this;
        }

        /**
         * Adds a {@code vrrp_script}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder vrrpScript(VrrpScriptConfig value) {
            vrrpScripts.add(Objects.requireNonNull(value, "vrrp_script"));
            return this;
        }

        /**
         * Adds a {@code vrrp_sync_group}.
         *
         * @param value the group
         * @return this builder
         */
        public Builder vrrpSyncGroup(VrrpSyncGroupConfig value) {
            vrrpSyncGroups.add(Objects.requireNonNull(value, "vrrp_sync_group"));
            return this;
        }

        /**
         * Adds a {@code vrrp_instance}.
         *
         * @param value the instance
         * @return this builder
         */
        public Builder vrrpInstance(VrrpInstanceConfig value) {
            vrrpInstances.add(Objects.requireNonNull(value, "vrrp_instance"));
            return this;
        }

        /**
         * Adds a {@code virtual_server}.
         *
         * @param value the virtual server
         * @return this builder
         */
        public Builder virtualServer(VirtualServerConfig value) {
            virtualServers.add(Objects.requireNonNull(value, "virtual_server"));
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if names clash or references dangle
         */
        public DirectorConfig build() {
            return new DirectorConfig(globalDefs, vrrpScripts, vrrpSyncGroups, vrrpInstances, virtualServers);
        }
    }
}

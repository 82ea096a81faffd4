package io.lvs4j.core.config;

import io.lvs4j.core.model.ForwardingMethod;
import java.net.Inet4Address;
import java.net.InetAddress;
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
 * {@code virtual_server}s, and lvs4j's own {@code bgp_announce}. Immutable; the Java builder API
 * and the keepalived.conf parser
 * ({@link KeepalivedConfigParser}) both produce it, and equal declarations give equal objects.
 *
 * @param globalDefs {@code global_defs}
 * @param vrrpScripts {@code vrrp_script}s, unique by name
 * @param vrrpSyncGroups {@code vrrp_sync_group}s, unique by name
 * @param vrrpInstances {@code vrrp_instance}s, unique by name
 * @param virtualServers {@code virtual_server}s, unique by protocol, address and port (or fwmark)
 * @param localAddressGroups {@code local_address_group}s, unique by name
 * @param bgp {@code bgp_announce}: the VIPs announced over BGP; empty if not
 */
public record DirectorConfig(GlobalDefs globalDefs, List<VrrpScriptConfig> vrrpScripts,
        List<VrrpSyncGroupConfig> vrrpSyncGroups, List<VrrpInstanceConfig> vrrpInstances,
        List<VirtualServerConfig> virtualServers, List<LocalAddressGroupConfig> localAddressGroups,
        Optional<BgpConfig> bgp) {

    /**
     * Checks the values and the references between them.
     *
     * @throws IllegalArgumentException if two items share a name or key, an instance or sync
     *     group tracks a script not among {@code vrrpScripts}, a sync group names no instance or
     *     shares one with another group, two instances use the same virtual router id on one
     *     interface, a {@code laddr_group_name} names no {@code local_address_group}, or a
     *     full-NAT real server has no local address of its family
     * @throws NullPointerException if a component is null
     */
    public DirectorConfig {
        Objects.requireNonNull(globalDefs, "globalDefs");
        vrrpScripts = Require.list("vrrpScripts", vrrpScripts);
        vrrpSyncGroups = Require.list("vrrpSyncGroups", vrrpSyncGroups);
        vrrpInstances = Require.list("vrrpInstances", vrrpInstances);
        virtualServers = Require.list("virtualServers", virtualServers);
        localAddressGroups = Require.list("localAddressGroups", localAddressGroups);
        Objects.requireNonNull(bgp, "bgp");
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
        Map<String, LocalAddressGroupConfig> laddrs = new HashMap<>();
        for (LocalAddressGroupConfig g : localAddressGroups) {
            if (laddrs.putIfAbsent(g.name(), g) != null) {
                throw new IllegalArgumentException("local_address_group " + g.name() + " is declared twice");
            }
        }
        for (VirtualServerConfig vs : virtualServers) {
            if (vs.localAddressGroup().isEmpty()) {
                continue;
            }
            LocalAddressGroupConfig g = laddrs.get(vs.localAddressGroup().get());
            if (g == null) {
                throw new IllegalArgumentException("virtual_server " + vs.displayName() + ": laddr_group_name "
                        + vs.localAddressGroup().get() + " names no local_address_group");
            }
            String missing = missingLocalFamily(vs, g);
            if (missing != null) {
                throw new IllegalArgumentException(missing);
            }
        }
    }

    /**
     * Finds a full-NAT real server whose family the group has no address of.
     *
     * @return the message, or null if every full-NAT real server has a local address
     */
    private static String missingLocalFamily(VirtualServerConfig vs, LocalAddressGroupConfig group) {
        for (RealServerConfig rs : vs.realServers()) {
            if (vs.forwardingOf(rs) == ForwardingMethod.FULL_NAT
                    && group.addresses(rs.address() instanceof Inet4Address).isEmpty()) {
                return "local_address_group " + group.name() + " has no "
                        + (rs.address() instanceof Inet4Address ? "IPv4" : "IPv6")
                        + " address for full-NAT real server " + rs.address().getHostAddress() + " of virtual_server "
                        + vs.displayName();
            }
        }
        return null;
    }

    /**
     * Finds a {@code local_address_group} by name.
     *
     * @param name the group's name
     * @return the group, if declared
     */
    public Optional<LocalAddressGroupConfig> localAddressGroup(String name) {
        return localAddressGroups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /**
     * Returns the local addresses full-NAT uses for a virtual server: those of the group its
     * {@code laddr_group_name} names.
     *
     * @param virtualServer one of this configuration's virtual servers
     * @return the addresses; empty if the virtual server names no group
     */
    public List<InetAddress> localAddressesOf(VirtualServerConfig virtualServer) {
        return virtualServer.localAddressGroup().flatMap(this::localAddressGroup)
                .map(LocalAddressGroupConfig::addresses).orElse(List.of());
    }

    private static void checkTrackedScripts(String owner, List<VrrpScriptConfig> tracked, Set<String> scripts) {
        for (VrrpScriptConfig t : tracked) {
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
        private final List<LocalAddressGroupConfig> localAddressGroups = new ArrayList<>();
        private BgpConfig bgp;

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
         * Adds a {@code local_address_group}.
         *
         * @param value the group
         * @return this builder
         */
        public Builder localAddressGroup(LocalAddressGroupConfig value) {
            localAddressGroups.add(Objects.requireNonNull(value, "local_address_group"));
            return this;
        }

        /**
         * Sets {@code bgp_announce}.
         *
         * @param value the announcement over BGP
         * @return this builder
         */
        public Builder bgp(BgpConfig value) {
            bgp = Objects.requireNonNull(value, "bgp_announce");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if names clash or references dangle
         */
        public DirectorConfig build() {
            return new DirectorConfig(globalDefs, vrrpScripts, vrrpSyncGroups, vrrpInstances, virtualServers,
                    localAddressGroups, Optional.ofNullable(bgp));
        }
    }
}

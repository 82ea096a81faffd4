package io.lvs4j.vrrp.internal;

import io.lvs4j.core.config.NotifyScripts;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A VRRP node's instances and sync groups, checked as a whole before a node is built or
 * reconfigured: names unique, a VRID once per interface and family, group members declared
 * and in one group each, a script runner if any script must run; with what each instance
 * tracks (its group's tracking merged in) and the notify scripts by instance and group. Logs
 * once what runs otherwise than configured. Immutable.
 *
 * @param instances the instances, in order
 * @param groups the sync groups of two or more members
 * @param tracking what each instance tracks, by name
 * @param instanceScripts the instances' notify scripts, by name (those with any)
 * @param groupScripts the groups' notify scripts, by name (those with any)
 */
public record NodeLayout(List<VrrpInstanceConfig> instances, List<VrrpSyncGroupConfig> groups,
        Map<String, Tracking> tracking, Map<String, NotifyScripts> instanceScripts,
        Map<String, NotifyScripts> groupScripts) {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLayout.class);

    /**
     * Checks a configuration.
     *
     * @param instances the instances
     * @param groups the sync groups
     * @param hasScriptRunner whether the node can run scripts
     * @return the layout
     * @throws IllegalArgumentException on duplicate names, an instance in two groups, an unknown
     *     group member, or scripts without a runner
     */
    public static NodeLayout check(List<VrrpInstanceConfig> instances, List<VrrpSyncGroupConfig> groups,
            boolean hasScriptRunner) {
        Map<String, VrrpSyncGroupConfig> groupOf = new HashMap<>();
        Map<String, NotifyScripts> groupScripts = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (VrrpInstanceConfig c : instances) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("duplicate instance " + c.name());
            }
        }
        List<VrrpSyncGroupConfig> real = groups.stream().filter(g -> g.instances().size() > 1).toList();
        for (VrrpSyncGroupConfig g : groups) {
            for (String m : g.instances()) {
                if (groupOf.putIfAbsent(m, g) != null) {
                    throw new IllegalArgumentException("instance " + m + " is in two sync groups");
                }
                if (!names.contains(m)) {
                    throw new IllegalArgumentException("sync group " + g.name() + ": no instance " + m);
                }
            }
            Tracking.warn("vrrp_sync_group " + g.name(), g.trackScripts(), g.notifyScripts());
            if (g.instances().size() < 2) {
                LOG.warn("vrrp_sync_group {} has one instance: it runs on its own, without the group's notify"
                        + " scripts", g.name());
            } else if (!g.notifyScripts().equals(NotifyScripts.NONE)) {
                groupScripts.put(g.name(), g.notifyScripts());
            }
        }
        Map<String, NotifyScripts> instanceScripts = new HashMap<>();
        Map<String, Tracking> tracking = new HashMap<>();
        Set<String> routers = new HashSet<>();
        for (VrrpInstanceConfig c : instances) {
            Tracking.warn("vrrp_instance " + c.name(), c.trackScripts(), c.notifyScripts());
            tracking.put(c.name(), Tracking.of(c, groupOf.get(c.name())));
            if (!c.notifyScripts().equals(NotifyScripts.NONE)) {
                instanceScripts.put(c.name(), c.notifyScripts());
            }
            boolean ipv4 = c.sourceAddress().map(a -> a.getAddress().length == 4).orElse(true);
            if (!routers.add(c.interfaceName() + (ipv4 ? "|4|" : "|6|") + c.virtualRouterId())) {
                throw new IllegalArgumentException("vrid " + c.virtualRouterId() + " used twice on " + c.interfaceName());
            }
        }
        boolean needsRunner = !instanceScripts.isEmpty() || !groupScripts.isEmpty()
                || tracking.values().stream().anyMatch(t -> !t.scripts().isEmpty());
        if (needsRunner && !hasScriptRunner) {
            throw new IllegalArgumentException("scripts configured but no script runner");
        }
        return new NodeLayout(List.copyOf(instances), real, Map.copyOf(tracking), Map.copyOf(instanceScripts),
                Map.copyOf(groupScripts));
    }

    /** @return whether notify scripts run on state changes */
    public boolean notifies() {
        return !instanceScripts.isEmpty() || !groupScripts.isEmpty();
    }
}

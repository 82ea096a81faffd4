package io.lvs4j.vrrp.internal;

import io.lvs4j.core.config.NotifyScripts;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.TrackedInterface;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpScriptConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one instance tracks, as keepalived merges it: its own interface (unless
 * {@code dont_track_primary}), its tracked interfaces and scripts, then those of its sync group.
 * {@link #warn} says what runs otherwise than configured, once per instance or group.
 *
 * @param interfaces the interfaces whose link state counts
 * @param scripts the scripts to run, each with its weight
 */
public record Tracking(List<TrackedInterface> interfaces, List<VrrpScriptConfig> scripts) {

    private static final Logger LOG = LoggerFactory.getLogger(Tracking.class);

    /** Copies the lists. */
    public Tracking {
        interfaces = List.copyOf(interfaces);
        scripts = List.copyOf(scripts);
    }

    /**
     * Merges what an instance and its group track.
     *
     * @param instance the instance
     * @param group its sync group, or null
     * @return the tracking
     */
    public static Tracking of(VrrpInstanceConfig instance, VrrpSyncGroupConfig group) {
        List<TrackedInterface> interfaces = new ArrayList<>();
        if (!instance.dontTrackPrimary()) {
            interfaces.add(TrackedInterface.of(instance.interfaceName())); // keepalived: own link down = FAULT
        }
        interfaces.addAll(instance.trackInterfaces());
        List<VrrpScriptConfig> scripts = new ArrayList<>(instance.trackScripts());
        if (group != null) {
            interfaces.addAll(group.trackInterfaces());
            scripts.addAll(group.trackScripts());
        }
        return new Tracking(interfaces, scripts);
    }

    /**
     * Tells whether an interface counts.
     *
     * @param name the interface name
     * @return true if tracked
     */
    public boolean tracks(String name) {
        for (TrackedInterface t : interfaces) {
            if (t.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Logs, for one instance or group, what runs otherwise than configured: scripts run as this
     * process's user, {@code init_fail} with a {@code rise} above 1.
     *
     * @param owner {@code vrrp_instance NAME} or {@code vrrp_sync_group NAME}
     * @param scripts its tracked scripts
     * @param notify its notify scripts
     */
    public static void warn(String owner, List<VrrpScriptConfig> scripts,
            NotifyScripts notify) {
        for (VrrpScriptConfig s : scripts) {
            if (s.initFail() && s.rise() > 1) {
                LOG.warn("{}: vrrp_script {} init_fail: the script starts failed one success short of OK,"
                        + " not {} short", owner, s.name(), s.rise());
            }
            user(owner, s.script());
        }
        for (Optional<Script> script : List.of(notify.master(), notify.backup(), notify.fault(), notify.stop(),
                notify.any())) {
            script.ifPresent(s -> user(owner, s));
        }
    }

    private static void user(String owner, Script script) {
        if (script.user().isPresent()) {
            LOG.warn("{}: script '{}' runs as this process's user, not as {}", owner, script.command(),
                    script.user().get());
        }
    }
}

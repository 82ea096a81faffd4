package io.lvs4j.vrrp.internal;

import io.lvs4j.core.config.TrackedInterface;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpScriptConfig;
import io.lvs4j.core.time.NanoClock;
import io.lvs4j.vrrp.Advertisement;
import io.lvs4j.vrrp.VrrpActions;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpPort;
import io.lvs4j.vrrp.VrrpState;
import io.lvs4j.vrrp.VrrpStateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One running VRRP instance: its state machine, its tracked interfaces and scripts, and the
 * wiring of the machine's actions to the port, the listener and the sync group. Not
 * thread-safe: runs on the node's thread.
 */
public final class Instance implements VrrpActions {

    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);

    private VrrpInstanceConfig config;
    private Tracking tracking;
    private final VrrpPort port;
    private final VrrpListener listener;
    private final VrrpStateMachine machine;
    private final List<ScriptTracker> scripts = new ArrayList<>();
    private Advertisement stopAdvert;
    private final byte[] primary;
    private Advertisement advert;
    private SyncGroup group;
    private boolean ownFault;

    /**
     * Creates an instance in {@link VrrpState#INITIALIZE}.
     *
     * @param config its configuration, with its source address
     * @param tracking what it tracks, its sync group's tracking included
     * @param clock the time source
     * @param port the I/O boundary
     * @param listener told of state changes
     * @throws IllegalArgumentException if it has no source address or no virtual address
     */
    public Instance(VrrpInstanceConfig config, Tracking tracking, NanoClock clock, VrrpPort port,
                    VrrpListener listener) {
        this.config = config;
        this.tracking = tracking;
        this.port = port;
        this.listener = listener;
        this.machine = new VrrpStateMachine(config, clock, this);
        this.stopAdvert = Advertisement.of(config, 0);
        this.advert = Advertisement.of(config, config.priority());
        this.primary = config.sourceAddress().orElseThrow().getAddress();
        long now = clock.nanoTime();
        for (VrrpScriptConfig s : tracking.scripts()) {
            scripts.add(new ScriptTracker(s, now));
        }
    }

    /** @return the configuration */
    public VrrpInstanceConfig config() {
        return config;
    }

    /**
     * Tells whether a configuration is of this same virtual router: same interface, VRID,
     * version and source address, which a reload keeps running rather than starting anew.
     *
     * @param other a configuration with this instance's name
     * @return true if only its other settings differ
     */
    public boolean sameRouter(VrrpInstanceConfig other) {
        return other.interfaceName().equals(config.interfaceName()) && other.virtualRouterId() == config.virtualRouterId()
                && other.version() == config.version() && other.sourceAddress().equals(config.sourceAddress());
    }

    /**
     * Takes a changed configuration of the same virtual router (a reload) without a transition:
     * the state machine's timers and preemption, the advert (priority, addresses, interval,
     * authentication), the tracking (unchanged scripts keep their results); a master whose
     * addresses changed has the port own the new ones. The caller then refreshes the tracking.
     *
     * @param next the configuration, {@link #sameRouter} as this one
     * @param nextTracking what it tracks now
     * @param now the clock's time
     */
    public void reconfigure(VrrpInstanceConfig next, Tracking nextTracking, long now) {
        VrrpInstanceConfig before = config;
        if (before.equals(next) && tracking.equals(nextTracking)) {
            return;
        }
        machine.reconfigure(next);
        config = next;
        tracking = nextTracking;
        stopAdvert = Advertisement.of(next, 0);
        advert = Advertisement.of(next, machine.priority());
        List<ScriptTracker> kept = new ArrayList<>();
        for (VrrpScriptConfig s : nextTracking.scripts()) {
            ScriptTracker same = scripts.stream().filter(t -> t.script().equals(s) && !kept.contains(t)).findFirst()
                    .orElse(null);
            kept.add(same != null ? same : new ScriptTracker(s, now));
        }
        scripts.clear();
        scripts.addAll(kept);
        LOG.info("VRRP_Instance({}) reconfigured, staying {}", next.name(), machine.state());
        if (machine.state() == VrrpState.MASTER && !before.virtualIpAddresses().equals(next.virtualIpAddresses())) {
            port.addressesChanged(before, next);
        }
    }

    /** @return what it tracks */
    public Tracking tracking() {
        return tracking;
    }

    /** @return the state machine */
    public VrrpStateMachine machine() {
        return machine;
    }

    /** @return the script trackers */
    public List<ScriptTracker> scripts() {
        return scripts;
    }

    /** @return this instance's primary address bytes (do not modify) */
    public byte[] primary() {
        return primary;
    }

    /** @param value the instance's sync group, or null for none */
    public void group(SyncGroup value) {
        group = value;
        machine.gate(value);
    }

    /** @return whether this instance's own tracking says fault */
    public boolean ownFault() {
        return ownFault;
    }

    /**
     * Recomputes priority and fault from the tracked interfaces and scripts.
     *
     * @param linkUp link state by interface name (absent: up)
     */
    public void refreshTracking(Map<String, Boolean> linkUp) {
        int total = config.priority();
        boolean fault = false;
        for (TrackedInterface t : tracking.interfaces()) {
            boolean up = linkUp.getOrDefault(t.name(), Boolean.TRUE);
            fault |= TrackWeight.faults(t.weight(), t.reverse(), up);
            total += TrackWeight.adjustment(t.weight(), t.reverse(), up);
        }
        for (ScriptTracker s : scripts) {
            fault |= s.faults();
            total += s.adjustment();
        }
        int effective = config.priority() == 255 ? 255 : Math.clamp(total, 1, 254);
        if (effective != machine.priority()) {
            machine.priority(effective);
            advert = Advertisement.of(config, effective);
        }
        ownFault = fault;
        if (group != null) {
            group.refreshFault();
        } else {
            machine.fault(fault);
        }
    }

    @Override
    public void sendAdvert(int priority) {
        port.sendAdvert(config, priority == 0 ? stopAdvert
                : priority == advert.priority() ? advert : Advertisement.of(config, priority));
    }

    @Override
    public void takeOver() {
        port.takeOver(config);
    }

    @Override
    public void release() {
        port.release(config);
    }

    @Override
    public void heardLowerPriority() {
        port.heardLowerPriority(config);
    }

    @Override
    public void stateChanged(VrrpState from, VrrpState to, int priority) {
        if (to == VrrpState.INITIALIZE) {
            LOG.info("VRRP_Instance({}) Stopped", config.name());
        } else {
            LOG.info("VRRP_Instance({}) Entering {} STATE", config.name(), to);
        }
        listener.instanceStateChanged(config.name(), from, to, priority);
        if (group != null) {
            group.memberChanged(this, from, to);
        }
    }
}

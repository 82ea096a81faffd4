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

    private final VrrpInstanceConfig config;
    private final Tracking tracking;
    private final VrrpPort port;
    private final VrrpListener listener;
    private final VrrpStateMachine machine;
    private final List<ScriptTracker> scripts = new ArrayList<>();
    private final Advertisement stopAdvert;
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

    void group(SyncGroup value) {
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
            if (t.weight() == 0) {
                fault |= !up;
            } else if (t.weight() > 0 && up || t.weight() < 0 && !up) {
                total += t.weight();
            }
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
    public void stateChanged(VrrpState from, VrrpState to, int priority) {
        LOG.info("VRRP instance {} {} -> {} (priority {})", config.name(), from, to, priority);
        listener.instanceStateChanged(config.name(), from, to, priority);
        if (group != null) {
            group.memberChanged(this, from, to);
        }
    }
}

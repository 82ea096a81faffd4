package io.lvs4j.vrrp.internal;

import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;
import io.lvs4j.vrrp.VrrpStateMachine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Keeps the members of a sync group in one state. A member entering master (its timer ran
 * out and every other member's had too, see {@link #mayBecomeMaster}) takes the others to
 * master; a member stepping down takes the other masters to backup; a fault of one member is
 * a fault of all. Not thread-safe: runs on the node's thread.
 */
public final class SyncGroup implements VrrpStateMachine.MasterGate {

    private static final Logger LOG = LoggerFactory.getLogger(SyncGroup.class);

    private final String name;
    private final List<Instance> members;
    private final VrrpListener listener;
    private boolean propagating;
    private VrrpState reported = VrrpState.INITIALIZE;

    /**
     * Creates a group and makes it the gate of its members.
     *
     * @param name the group name
     * @param members its instances
     * @param listener told when all members reach one state
     */
    public SyncGroup(String name, List<Instance> members, VrrpListener listener) {
        this.name = name;
        this.members = List.copyOf(members);
        this.listener = listener;
        for (Instance m : this.members) {
            m.group(this);
        }
    }

    /** @return the group name */
    public String name() {
        return name;
    }

    @Override
    public boolean mayBecomeMaster(VrrpStateMachine machine) {
        for (Instance m : members) {
            VrrpStateMachine other = m.machine();
            if (other != machine && other.state() != VrrpState.MASTER && !other.masterDownExpired()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Follows one member's change with the others.
     *
     * @param member the member that changed
     * @param from its old state
     * @param to its new state
     */
    public void memberChanged(Instance member, VrrpState from, VrrpState to) {
        if (!propagating) {
            propagating = true;
            try {
                if (to == VrrpState.MASTER) {
                    members.forEach(m -> m.machine().forceMaster());
                } else if (to == VrrpState.BACKUP && from == VrrpState.MASTER) {
                    members.forEach(m -> m.machine().forceBackup());
                }
                refreshFault();
            } finally {
                propagating = false;
            }
        }
        VrrpState common = members.getFirst().machine().state();
        for (Instance m : members) {
            if (m.machine().state() != common) {
                return;
            }
        }
        if (common != reported) {
            reported = common;
            LOG.info("VRRP_Group({}) Syncing instances to {} state", name, common);
            listener.groupStateChanged(name, common);
        }
    }

    /** Applies the group's fault: any member's own fault is a fault of every member. */
    public void refreshFault() {
        boolean any = false;
        for (Instance m : members) {
            any |= m.ownFault();
        }
        for (Instance m : members) {
            m.machine().fault(any);
        }
    }
}

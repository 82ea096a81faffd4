package io.lvs4j.vrrp;

import java.util.List;
import java.util.Objects;

/**
 * A sync group, keepalived's {@code vrrp_sync_group}: its instances change state together.
 * One member going to fault puts all in fault; a member stepping down takes all to backup; the
 * group becomes master only when every member's master-down timer has run out.
 *
 * @param name the group name
 * @param members the names of its instances (at least two)
 * @param notifyScripts the group's notify scripts
 */
public record VrrpSyncGroupConfig(String name, List<String> members, NotifyScripts notifyScripts) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException with fewer than two members
     */
    public VrrpSyncGroupConfig {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        Objects.requireNonNull(notifyScripts, "notifyScripts");
        if (members.size() < 2 || members.stream().distinct().count() != members.size()) {
            throw new IllegalArgumentException("a sync group needs two or more distinct members");
        }
    }
}

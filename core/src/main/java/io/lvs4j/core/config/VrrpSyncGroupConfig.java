package io.lvs4j.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A keepalived {@code vrrp_sync_group}: VRRP instances that change state together, so that
 * when one goes to FAULT or BACKUP all do. Its tracked interfaces and scripts apply to each
 * member, as in keepalived. The VRRP runtime runs a group of one instance as that instance
 * alone, without the group's notify scripts.
 *
 * @param name the group name
 * @param instances the names of the member {@code vrrp_instance}s ({@code group} block), at
 *     least one, each once
 * @param trackInterfaces {@code track_interface} of the group
 * @param trackScripts {@code track_script} of the group: the scripts, each with the weight its
 *     line gives
 * @param notifyScripts the group's {@code notify_*} scripts
 */
public record VrrpSyncGroupConfig(String name, List<String> instances,
        List<TrackedInterface> trackInterfaces, List<VrrpScriptConfig> trackScripts,
        NotifyScripts notifyScripts) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the name is blank, the group has no instance or
     *     names one twice
     * @throws NullPointerException if a component is null
     */
    public VrrpSyncGroupConfig {
        Require.name("vrrp_sync_group name", name);
        instances = Require.list("instances", instances);
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("vrrp_sync_group " + name + " has no instance in its group");
        }
        Set<String> seen = new HashSet<>();
        for (String member : instances) {
            if (!seen.add(member)) {
                throw new IllegalArgumentException("vrrp_sync_group " + name + " names vrrp_instance " + member
                        + " twice");
            }
        }
        trackInterfaces = Require.list("trackInterfaces", trackInterfaces);
        trackScripts = Require.list("trackScripts", trackScripts);
        Objects.requireNonNull(notifyScripts, "notifyScripts");
    }

    /**
     * Starts a builder.
     *
     * @param name the group name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link VrrpSyncGroupConfig}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<String> instances = new ArrayList<>();
        private final List<TrackedInterface> trackInterfaces = new ArrayList<>();
        private final List<VrrpScriptConfig> trackScripts = new ArrayList<>();
        private Optional<Script> notifyMaster = Optional.empty();
        private Optional<Script> notifyBackup = Optional.empty();
        private Optional<Script> notifyFault = Optional.empty();
        private Optional<Script> notifyStop = Optional.empty();
        private Optional<Script> notifyAny = Optional.empty();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Adds a member instance.
         *
         * @param value the {@code vrrp_instance} name
         * @return this builder
         */
        public Builder instance(String value) {
            instances.add(Require.name("group member", value));
            return this;
        }

        /**
         * Adds a {@code track_interface} entry.
         *
         * @param value the entry
         * @return this builder
         */
        public Builder trackInterface(TrackedInterface value) {
            trackInterfaces.add(Objects.requireNonNull(value, "track_interface"));
            return this;
        }

        /**
         * Adds a {@code track_script} entry.
         *
         * @param value the script, with the weight its line gives
         * @return this builder
         */
        public Builder trackScript(VrrpScriptConfig value) {
            trackScripts.add(Objects.requireNonNull(value, "track_script"));
            return this;
        }

        /**
         * Sets {@code notify_master}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyMaster(Script value) {
            notifyMaster = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify_backup}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyBackup(Script value) {
            notifyBackup = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify_fault}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyFault(Script value) {
            notifyFault = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify_stop}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyStop(Script value) {
            notifyStop = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code notify}.
         *
         * @param value the script
         * @return this builder
         */
        public Builder notifyAny(Script value) {
            notifyAny = Optional.of(value);
            return this;
        }

        /**
         * Builds the group.
         *
         * @return the group
         * @throws IllegalArgumentException if it has no member or names one twice
         */
        public VrrpSyncGroupConfig build() {
            return new VrrpSyncGroupConfig(name, instances, trackInterfaces, trackScripts,
                    new NotifyScripts(notifyMaster, notifyBackup, notifyFault, notifyStop, notifyAny));
        }
    }
}

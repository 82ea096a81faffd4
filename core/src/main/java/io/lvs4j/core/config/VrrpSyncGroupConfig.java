package io.lvs4j.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A keepalived {@code vrrp_sync_group}: VRRP instances that change state together, so that
 * when one goes to FAULT or BACKUP all do.
 *
 * @param name the group name
 * @param instances the names of the member {@code vrrp_instance}s ({@code group} block), at least one
 * @param trackInterfaces {@code track_interface} of the group
 * @param trackScripts {@code track_script} of the group
 * @param notifyMaster {@code notify_master}
 * @param notifyBackup {@code notify_backup}
 * @param notifyFault {@code notify_fault}
 * @param notifyStop {@code notify_stop}
 * @param notifyAny {@code notify}
 */
public record VrrpSyncGroupConfig(String name, List<String> instances,
        List<TrackedInterface> trackInterfaces, List<TrackedScript> trackScripts,
        Optional<Script> notifyMaster, Optional<Script> notifyBackup, Optional<Script> notifyFault,
        Optional<Script> notifyStop, Optional<Script> notifyAny) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the name is blank or the group has no instance
     * @throws NullPointerException if a component is null
     */
    public VrrpSyncGroupConfig {
        Require.name("vrrp_sync_group name", name);
        instances = Require.list("instances", instances);
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("vrrp_sync_group " + name + " has no instance in its group");
        }
        trackInterfaces = Require.list("trackInterfaces", trackInterfaces);
        trackScripts = Require.list("trackScripts", trackScripts);
        Objects.requireNonNull(notifyMaster, "notifyMaster");
        Objects.requireNonNull(notifyBackup, "notifyBackup");
        Objects.requireNonNull(notifyFault, "notifyFault");
        Objects.requireNonNull(notifyStop, "notifyStop");
        Objects.requireNonNull(notifyAny, "notifyAny");
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
        private final List<TrackedScript> trackScripts = new ArrayList<>();
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
         * @param value the entry
         * @return this builder
         */
        public Builder trackScript(TrackedScript value) {
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
         * @throws IllegalArgumentException if it has no member
         */
        public VrrpSyncGroupConfig build() {
            return new VrrpSyncGroupConfig(name, instances, trackInterfaces, trackScripts,
                    notifyMaster, notifyBackup, notifyFault, notifyStop, notifyAny);
        }
    }
}

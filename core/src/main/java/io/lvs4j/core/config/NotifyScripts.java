package io.lvs4j.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The notify scripts of a VRRP instance or sync group, keepalived's {@code notify_*} keywords.
 * The state scripts run as written; {@code notify} runs with four more arguments:
 * {@code INSTANCE} or {@code GROUP}, the name, the new state ({@code MASTER}, {@code BACKUP},
 * {@code FAULT} or {@code STOP}) and the priority (0 for a group).
 *
 * @param master {@code notify_master}: run on entering MASTER
 * @param backup {@code notify_backup}: run on entering BACKUP
 * @param fault {@code notify_fault}: run on entering FAULT
 * @param stop {@code notify_stop}: run on stopping
 * @param any {@code notify}: run on every change, with the four arguments
 */
public record NotifyScripts(Optional<Script> master, Optional<Script> backup, Optional<Script> fault,
        Optional<Script> stop, Optional<Script> any) {

    /** No script at all. */
    public static final NotifyScripts NONE = new NotifyScripts(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    /**
     * Checks the values.
     *
     * @throws NullPointerException if a component is null
     */
    public NotifyScripts {
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(any, "any");
    }
}

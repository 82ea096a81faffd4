package io.lvs4j.vrrp;

import java.util.List;

/**
 * keepalived-style notify scripts of an instance or sync group. The state scripts run as
 * given; {@code notify} runs with four more arguments: {@code INSTANCE} or {@code GROUP}, the
 * name, the new state ({@code MASTER}, {@code BACKUP}, {@code FAULT} or {@code STOP}) and the
 * priority (0 for a group). An empty list means no script.
 *
 * @param master run on entering MASTER ({@code notify_master})
 * @param backup run on entering BACKUP ({@code notify_backup})
 * @param fault run on entering FAULT ({@code notify_fault})
 * @param stop run on stopping ({@code notify_stop})
 * @param anyChange run on every change, with the four arguments ({@code notify})
 */
public record NotifyScripts(List<String> master, List<String> backup, List<String> fault,
                            List<String> stop, List<String> anyChange) {

    /** No scripts at all. */
    public static final NotifyScripts NONE = new NotifyScripts(List.of(), List.of(), List.of(), List.of(), List.of());

    /** Copies the lists. */
    public NotifyScripts {
        master = List.copyOf(master);
        backup = List.copyOf(backup);
        fault = List.copyOf(fault);
        stop = List.copyOf(stop);
        anyChange = List.copyOf(anyChange);
    }
}

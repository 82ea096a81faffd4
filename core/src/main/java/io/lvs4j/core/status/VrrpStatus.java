package io.lvs4j.core.status;

import java.util.List;
import java.util.Objects;

/**
 * A VRRP instance as a director reports it.
 *
 * @param name the instance's name, such as {@code VI_1}
 * @param virtualRouterId the virtual router id, 1 to 255
 * @param state the state: {@code INIT}, {@code BACKUP}, {@code MASTER} or {@code FAULT}
 * @param priority the current (effective) priority
 * @param transitions state changes since the start
 * @param recentTransitions the last state changes, oldest first (a bounded number)
 */
public record VrrpStatus(String name, int virtualRouterId, String state, int priority,
        long transitions, List<VrrpTransition> recentTransitions) {

    /**
     * Checks that no field is null and copies the list (none for null).
     *
     * @throws NullPointerException if name or state is null
     */
    public VrrpStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        recentTransitions = recentTransitions == null ? List.of() : List.copyOf(recentTransitions);
    }

    /**
     * An instance whose recent transitions are not kept.
     *
     * @param name the instance's name
     * @param virtualRouterId the virtual router id
     * @param state the state
     * @param priority the current priority
     * @param transitions state changes since the start
     */
    public VrrpStatus(String name, int virtualRouterId, String state, int priority, long transitions) {
        this(name, virtualRouterId, state, priority, transitions, List.of());
    }
}

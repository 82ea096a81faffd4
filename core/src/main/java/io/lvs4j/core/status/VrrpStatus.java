package io.lvs4j.core.status;

import java.util.Objects;

/**
 * A VRRP instance as a director reports it.
 *
 * @param name the instance's name, such as {@code VI_1}
 * @param virtualRouterId the virtual router id, 1 to 255
 * @param state the state: {@code INIT}, {@code BACKUP}, {@code MASTER} or {@code FAULT}
 * @param priority the current (effective) priority
 * @param transitions state changes since the start
 */
public record VrrpStatus(String name, int virtualRouterId, String state, int priority,
        long transitions) {

    /**
     * Checks that no field is null.
     *
     * @throws NullPointerException if name or state is null
     */
    public VrrpStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}

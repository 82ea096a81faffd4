package io.lvs4j.core.status;

import java.time.Instant;
import java.util.Objects;

/**
 * One state change of a VRRP instance, as its status page lists the recent ones.
 *
 * @param at when it happened (wall clock)
 * @param from the state before: {@code INIT}, {@code BACKUP}, {@code MASTER} or {@code FAULT}
 * @param to the state after
 * @param priority the instance's effective priority at the change
 */
public record VrrpTransition(Instant at, String from, String to, int priority) {

    /**
     * Checks that no field is null.
     *
     * @throws NullPointerException if a field is null
     */
    public VrrpTransition {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }
}

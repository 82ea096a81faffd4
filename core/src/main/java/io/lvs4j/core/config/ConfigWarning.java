package io.lvs4j.core.config;

import java.util.Objects;

/**
 * Something in a configuration that lvs4j reads but does not act on, typically a keepalived
 * keyword that lvs4j does not support; the rest of the configuration is used.
 *
 * @param position where it is
 * @param message what lvs4j does with it
 */
public record ConfigWarning(SourcePosition position, String message) {

    /**
     * Checks the values.
     *
     * @throws NullPointerException if a component is null
     */
    public ConfigWarning {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(message, "message");
    }

    /**
     * Returns the warning as compilers print one.
     *
     * @return {@code file:line:column: warning: message}
     */
    @Override
    public String toString() {
        return position + ": warning: " + message;
    }
}

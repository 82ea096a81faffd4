package io.lvs4j.core.config;

import java.util.Objects;

/**
 * {@code TCP_CHECK}: the server is up while a TCP connection to it can be opened within the
 * connect timeout.
 *
 * @param timing connection and timing settings
 */
public record TcpCheckConfig(CheckerTiming timing) implements CheckerConfig {

    /**
     * Checks the value.
     *
     * @throws NullPointerException if timing is null
     */
    public TcpCheckConfig {
        Objects.requireNonNull(timing, "timing");
    }

    /**
     * A TCP check with keepalived's defaults.
     *
     * @return the checker
     */
    public static TcpCheckConfig defaults() {
        return new TcpCheckConfig(CheckerTiming.defaults(CheckerType.TCP_CHECK));
    }

    /** @return {@link CheckerType#TCP_CHECK} */
    @Override
    public CheckerType type() {
        return CheckerType.TCP_CHECK;
    }
}

package io.lvs4j.core.check;

import io.lvs4j.core.config.TcpCheckConfig;
import java.util.Objects;

/**
 * keepalived's {@code TCP_CHECK}: the server is up if a TCP connection opens before the
 * deadline. The connection is closed at once (with a reset, so no TIME_WAIT piles up). The
 * connection is the loop's {@link CheckNetwork#tcp(TcpCheck, CheckAttempt)}.
 *
 * @param config the checker block: connect_ip/port, bindto/bind_port and timing
 */
public record TcpCheck(TcpCheckConfig config) implements HealthCheck {

    /** Checks the value. */
    public TcpCheck {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public void check(CheckAttempt attempt) {
        attempt.loop().network().tcp(this, attempt);
    }

    @Override
    public String name() {
        return "TCP_CHECK";
    }
}

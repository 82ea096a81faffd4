package io.lvs4j.core.check;

import io.lvs4j.core.config.DnsCheckConfig;
import java.util.Objects;

/**
 * keepalived's {@code DNS_CHECK}: a query of {@code type} for {@code name} over UDP, with a random
 * ID and recursion desired; the server is up if a response with the query's ID comes back with
 * RCODE 0 (NOERROR). Answers with another ID, and malformed datagrams, are ignored until the
 * deadline, as keepalived does; an ICMP port unreachable means down. The query is the loop's
 * {@link CheckNetwork#dns(DnsCheck, CheckAttempt)}.
 *
 * @param config the checker block: type, name, connection options and timing
 */
public record DnsCheck(DnsCheckConfig config) implements HealthCheck {

    /** Checks the value. */
    public DnsCheck {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public void check(CheckAttempt attempt) {
        attempt.loop().network().dns(this, attempt);
    }

    @Override
    public String name() {
        return "DNS_CHECK";
    }
}

package io.lvs4j.core.config;

import java.util.Objects;

/**
 * {@code DNS_CHECK}: the server is up while it answers a DNS query over UDP.
 *
 * @param timing connection and timing settings (default retry 3)
 * @param queryType {@code type}, default SOA
 * @param name {@code name}: the name queried, default {@code .}
 */
public record DnsCheckConfig(CheckerTiming timing, DnsQueryType queryType, String name) implements CheckerConfig {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the name is blank
     * @throws NullPointerException if a component is null
     */
    public DnsCheckConfig {
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(queryType, "queryType");
        Require.name("name", name);
    }

    /**
     * A DNS check with keepalived's defaults: SOA of the root.
     *
     * @return the checker
     */
    public static DnsCheckConfig defaults() {
        return new DnsCheckConfig(CheckerTiming.defaults(CheckerType.DNS_CHECK), DnsQueryType.SOA, ".");
    }

    /** @return {@link CheckerType#DNS_CHECK} */
    @Override
    public CheckerType type() {
        return CheckerType.DNS_CHECK;
    }
}

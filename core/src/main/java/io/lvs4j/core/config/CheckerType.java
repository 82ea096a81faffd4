package io.lvs4j.core.config;

import java.time.Duration;

/** The health checkers lvs4j runs, by their keepalived block names. */
public enum CheckerType {
    /** {@code TCP_CHECK}: a TCP connection can be opened. */
    TCP_CHECK,
    /** {@code HTTP_GET}: an HTTP GET answers with an expected status (and body digest). */
    HTTP_GET,
    /** {@code SSL_GET}: as {@code HTTP_GET}, over TLS. */
    SSL_GET,
    /** {@code UDP_CHECK}: a UDP datagram draws no ICMP error (or an expected reply). */
    UDP_CHECK,
    /** {@code MISC_CHECK}: an external command exits with 0. */
    MISC_CHECK,
    /** {@code DNS_CHECK}: a DNS query is answered. */
    DNS_CHECK;

    /**
     * Returns keepalived's default {@code retry} of this checker: 3 for DNS, 0 for MISC, 1
     * otherwise.
     *
     * @return the default retry count
     */
    public int defaultRetry() {
        return switch (this) {
            case DNS_CHECK -> 3;
            case MISC_CHECK -> 0;
            default -> 1;
        };
    }

    /**
     * Returns keepalived's default {@code delay_before_retry}: the delay loop for DNS, 3 s for
     * HTTP and SSL, 1 s otherwise.
     *
     * @param delayLoop the checker's delay loop
     * @return the default delay before a retry
     */
    public Duration defaultDelayBeforeRetry(Duration delayLoop) {
        return switch (this) {
            case DNS_CHECK -> delayLoop;
            case HTTP_GET, SSL_GET -> Duration.ofSeconds(3);
            default -> Duration.ofSeconds(1);
        };
    }
}

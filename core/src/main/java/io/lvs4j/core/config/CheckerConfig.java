package io.lvs4j.core.config;

/**
 * A health checker of a real server: one of keepalived's checker blocks inside
 * {@code real_server}. A server with several checkers is up only while all of them pass.
 */
public sealed interface CheckerConfig
        permits TcpCheckConfig, HttpGetCheckConfig, UdpCheckConfig, MiscCheckConfig, DnsCheckConfig {

    /**
     * Returns which checker this is.
     *
     * @return the type, named as keepalived's block
     */
    CheckerType type();

    /**
     * Returns the connection and timing settings.
     *
     * @return the timing
     */
    CheckerTiming timing();
}

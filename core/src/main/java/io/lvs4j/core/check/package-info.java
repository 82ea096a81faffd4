/**
 * Health checks as keepalived's checker process runs them: TCP, HTTP/HTTPS GET with genhash
 * digests, UDP, DNS and external-command checkers plus custom {@link io.lvs4j.core.check.HealthCheck}s,
 * with keepalived's timing, rise/fall hysteresis, {@code inhibit_on_failure}, sorry server,
 * quorum with hysteresis and notify hooks, all asynchronous on the loops of a
 * {@link io.lvs4j.core.check.HealthCheckEngine}.
 *
 * <p>This package knows no network library: it says what each checker asks and how outcomes
 * drive a service. The loops and the network I/O ({@link io.lvs4j.core.check.CheckLoop},
 * {@link io.lvs4j.core.check.CheckNetwork}) come from a transport; transport-epoll's
 * {@code EpollHealthCheckEngine} does them on Netty.
 */
package io.lvs4j.core.check;

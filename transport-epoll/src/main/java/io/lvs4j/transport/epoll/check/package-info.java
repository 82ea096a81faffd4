/**
 * Health checks on the epoll transport: {@link io.lvs4j.transport.epoll.check.EpollHealthCheckEngine}
 * runs the checkers of {@code io.lvs4j.core.check} on Netty event loops and does the network I/O
 * of keepalived's {@code TCP_CHECK}, {@code HTTP_GET}, {@code SSL_GET}, {@code UDP_CHECK} and
 * {@code DNS_CHECK}. A virtual service's health checking takes a few lines:
 *
 * <pre>{@code
 * try (HealthCheckEngine engine = EpollHealthCheckEngine.create(1);
 *         VirtualServiceHealth health = new VirtualServiceHealth(service, engine,
 *                 ServiceChecks.from(virtualServerConfig))) {
 *     health.start();
 *     // ... the checks add, remove and inhibit the service's real servers.
 * }
 * }</pre>
 */
package io.lvs4j.transport.epoll.check;

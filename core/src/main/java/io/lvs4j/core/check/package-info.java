/**
 * Health checks as keepalived's checker process runs them: TCP, HTTP/HTTPS GET with genhash
 * digests, UDP, DNS and external-command checkers plus custom {@link io.lvs4j.core.check.HealthCheck}s,
 * with keepalived's timing, rise/fall hysteresis, {@code inhibit_on_failure}, sorry server,
 * quorum with hysteresis and notify hooks, all asynchronous on Netty event loops.
 */
package io.lvs4j.core.check;

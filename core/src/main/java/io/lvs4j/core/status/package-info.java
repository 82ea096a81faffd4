/**
 * What a running director reports: its virtual services and real servers with their connection,
 * packet and byte counters, rates estimated as IPVS does, drops, VRRP states and checker results.
 *
 * <p>A director implements {@link io.lvs4j.core.status.StatusSource}; everything that shows
 * status reads that interface alone: {@link io.lvs4j.core.status.DirectorStatus} (the snapshot an
 * admin endpoint serves), {@link io.lvs4j.core.status.IpvsadmFormat} (the {@code ipvsadm -Ln}
 * layout), {@link io.lvs4j.core.status.RateEstimation} (IPVS's rate estimator) and
 * {@link io.lvs4j.core.status.LvsMetrics} (a Micrometer {@code MeterBinder}; Micrometer is an
 * optional dependency needed only by that class).
 */
package io.lvs4j.core.status;

/**
 * The IPVS schedulers ({@code rr wrr lc wlc sed nq fo ovf twos sh dh mh lblc lblcr}) and
 * Maglev, each an implementation of {@link io.lvs4j.core.sched.Scheduler}.
 */
package io.lvs4j.schedulers;

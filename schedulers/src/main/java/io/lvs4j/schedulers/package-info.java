/**
 * The IPVS schedulers and weighted Maglev, each an implementation of
 * {@link io.lvs4j.core.sched.Scheduler} that chooses exactly as the Linux kernel's
 * {@code net/netfilter/ipvs/ip_vs_<name>.c} does.
 *
 * <p>Make one by name through {@link io.lvs4j.core.sched.Schedulers#create(String,
 * io.lvs4j.core.sched.SchedulerOptions)} (this module provides every name below), or with the
 * public constructor taking {@link io.lvs4j.core.sched.SchedulerOptions}:
 * <table>
 *   <caption>Schedulers and the options they read</caption>
 *   <tr><th>name</th><th>class</th><th>options</th></tr>
 *   <tr><td>rr</td><td>{@link io.lvs4j.schedulers.RoundRobinScheduler}</td><td>none</td></tr>
 *   <tr><td>wrr</td><td>{@link io.lvs4j.schedulers.WeightedRoundRobinScheduler}</td><td>none</td></tr>
 *   <tr><td>lc</td><td>{@link io.lvs4j.schedulers.LeastConnectionScheduler}</td><td>none</td></tr>
 *   <tr><td>wlc</td><td>{@link io.lvs4j.schedulers.WeightedLeastConnectionScheduler}</td><td>none</td></tr>
 *   <tr><td>sed</td><td>{@link io.lvs4j.schedulers.ShortestExpectedDelayScheduler}</td><td>none</td></tr>
 *   <tr><td>nq</td><td>{@link io.lvs4j.schedulers.NeverQueueScheduler}</td><td>none</td></tr>
 *   <tr><td>fo</td><td>{@link io.lvs4j.schedulers.WeightedFailoverScheduler}</td><td>none</td></tr>
 *   <tr><td>ovf</td><td>{@link io.lvs4j.schedulers.WeightedOverflowScheduler}</td><td>none</td></tr>
 *   <tr><td>twos</td><td>{@link io.lvs4j.schedulers.TwoChoicesScheduler}</td><td>seed</td></tr>
 *   <tr><td>sh</td><td>{@link io.lvs4j.schedulers.SourceHashingScheduler}</td>
 *       <td>flags {@code sh-fallback}, {@code sh-port}</td></tr>
 *   <tr><td>dh</td><td>{@link io.lvs4j.schedulers.DestinationHashingScheduler}</td><td>none</td></tr>
 *   <tr><td>mh</td><td>{@link io.lvs4j.schedulers.MaglevHashingScheduler}</td>
 *       <td>flags {@code mh-fallback}, {@code mh-port}; table size one of IPVS's primes (4093)</td></tr>
 *   <tr><td>lblc</td><td>{@link io.lvs4j.schedulers.LocalityBasedLeastConnectionScheduler}</td><td>clock</td></tr>
 *   <tr><td>lblcr</td><td>{@link io.lvs4j.schedulers.LocalityBasedLeastConnectionReplicationScheduler}</td>
 *       <td>clock</td></tr>
 *   <tr><td>maglev</td><td>{@link io.lvs4j.schedulers.MaglevScheduler}</td>
 *       <td>table size, any prime (65537); flag {@code mh-port}</td></tr>
 * </table>
 * An option a scheduler does not read is refused with an {@link IllegalArgumentException}.
 * {@link io.lvs4j.schedulers.MaglevTable} builds a Maglev table on its own, with no scheduler.
 *
 * <p>Every {@code update} is one IPVS {@code add_dest}, {@code del_dest} or {@code upd_dest}
 * event; feed servers one change at a time to reproduce what a sequence of {@code ipvsadm}
 * commands does. Picks are lock-free and allocate nothing (but {@code lblc} and {@code lblcr}
 * allocate a cache entry for each new destination address, as IPVS does).
 */
package io.lvs4j.schedulers;

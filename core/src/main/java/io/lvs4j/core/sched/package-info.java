/**
 * The scheduler SPI: a {@link io.lvs4j.core.sched.Scheduler} picks a destination for a new
 * connection from an immutable {@link io.lvs4j.core.sched.DestinationSet}, lock-free and
 * without allocation; implementations are found through {@link java.util.ServiceLoader}.
 */
package io.lvs4j.core.sched;

package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.Scheduler;

/**
 * Base of the schedulers that keep nothing but the published list and decide from the live
 * counters on every pick ({@code fo ovf twos}); the least-connection ones keep an index instead
 * ({@link IndexedScheduler}). Thread-safe: the list is one volatile array.
 */
abstract sealed class ListScheduler implements Scheduler
        permits WeightedFailoverScheduler, WeightedOverflowScheduler, TwoChoicesScheduler {

    /** The destinations in IPVS list order, most recently added first. */
    volatile Destination[] dests = new Destination[0];

    @Override
    public final void update(DestinationSet destinations) {
        dests = Options.toArray(destinations);
    }
}

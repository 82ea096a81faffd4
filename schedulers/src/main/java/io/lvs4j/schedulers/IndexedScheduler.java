package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;

/**
 * Base of the least-connection schedulers ({@code lc wlc sed nq}) that pick through a
 * {@link LeastLoadIndex} instead of scanning every server: the pick reads one node, and each
 * change of a server's counters refreshes the index on the thread that made it. The choice is
 * the one of IPVS's scan, server for server.
 *
 * <p>Thread-safe: {@link #update} (control plane, one call at a time) builds and attaches a new
 * index, publishes it with one volatile write, then detaches the old one; picks are lock-free
 * and allocate nothing. A scheduler that is dropped without an empty {@code update} stays
 * attached to its servers' counters until they are dropped too.
 */
abstract sealed class IndexedScheduler implements Scheduler
        permits LeastConnectionScheduler, WeightedLeastConnectionScheduler, ShortestExpectedDelayScheduler,
        NeverQueueScheduler {

    private final int rule;
    private volatile LeastLoadIndex index;

    IndexedScheduler(int rule) {
        this.rule = rule;
        this.index = new LeastLoadIndex(rule, new Destination[0]);
    }

    @Override
    public final void update(DestinationSet destinations) {
        LeastLoadIndex next = new LeastLoadIndex(rule, Options.toArray(destinations));
        next.attach();
        LeastLoadIndex previous = index;
        index = next;
        previous.detach();
    }

    /** @return the index now in use (for tests) */
    LeastLoadIndex index() {
        return index;
    }

    @Override
    public final Destination pick(FlowKey flow) {
        return index.pick();
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.transport.epoll.bgp.RouteAnnouncer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Whether a director can serve a VIP, as its BGP announcement asks: it serves the VIP (no VRRP
 * instance holds it back), every event loop of its data path still runs tasks (a heartbeat
 * posted to each loop ran within the time allowed), and one of the VIP's virtual services has a
 * destination that takes new connections (a live real server of weight above 0, or the sorry
 * server the health checks put in when none is left).
 *
 * <p>Threading: {@link #whyNot} is called from one thread at a time (the announcer's).
 */
final class ServingReadiness implements RouteAnnouncer.Readiness {

    private final Predicate<InetAddress> forwarding;
    private final List<EventExecutor> loops = new ArrayList<>();
    private final AtomicLongArray posted;
    private final Supplier<List<VirtualService>> services;
    private final long loopTimeoutNanos;

    /**
     * Creates the check.
     *
     * @param forwarding whether the data path serves a VIP now
     * @param group the data path's event loops
     * @param services the director's virtual services now
     * @param loopTimeoutNanos how long a loop may take to run a posted task before it counts as stopped
     */
    ServingReadiness(Predicate<InetAddress> forwarding, EventExecutorGroup group,
            Supplier<List<VirtualService>> services, long loopTimeoutNanos) {
        this.forwarding = forwarding;
        group.forEach(loops::add);
        this.posted = new AtomicLongArray(loops.size());
        this.services = services;
        this.loopTimeoutNanos = loopTimeoutNanos;
    }

    @Override
    public String whyNot(InetAddress vip) {
        if (!forwarding.test(vip)) {
            return "not forwarding";
        }
        if (!loopsRun()) {
            return "loops stopped";
        }
        for (VirtualService s : services.get()) {
            if (s.address().equals(vip) && takesNewConnections(s.destinations())) {
                return null;
            }
        }
        return "no real server";
    }

    private static boolean takesNewConnections(DestinationSet set) {
        for (int i = 0; i < set.size(); i++) {
            if (set.get(i).weight() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Posts a heartbeat to each loop that ran its last one; false if one is overdue or refused. */
    private boolean loopsRun() {
        long now = System.nanoTime();
        boolean all = true;
        for (int i = 0; i < loops.size(); i++) {
            EventExecutor loop = loops.get(i);
            if (loop.isShuttingDown()) {
                all = false;
                continue;
            }
            long since = posted.get(i);
            if (since != 0) {
                all &= now - since <= loopTimeoutNanos;
                continue;
            }
            posted.set(i, now | 1);
            int index = i;
            try {
                loop.execute(() -> posted.set(index, 0));
            } catch (RejectedExecutionException e) {
                all = false;
            }
        }
        return all;
    }
}

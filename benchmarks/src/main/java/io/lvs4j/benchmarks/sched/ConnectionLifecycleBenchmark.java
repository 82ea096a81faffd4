package io.lvs4j.benchmarks.sched;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * What {@code wlc} costs per connection when the counters move, as on a director: each
 * operation opens a connection (a pick, then the bind of a SYN, inactive, and its activation)
 * and ends the oldest of the last 1,024 (deactivation, unbind), so the winner changes all the
 * time. {@code wlc} is the indexed scheduler, whose four counter changes each refresh its index;
 * {@code wlc-scan} is IPVS's linear scan ({@link IpvsWlcScan}) over counters nobody indexes.
 * One thread: a loop's own sequence.
 */
public class ConnectionLifecycleBenchmark extends AbstractBenchmark {

    private static final int OPEN = 1024;

    /** {@code wlc} (indexed) or {@code wlc-scan}. */
    @Param({"wlc", "wlc-scan"})
    public String scheduler;

    /** How many real servers. */
    @Param({"16", "256"})
    public int servers;

    private Scheduler picker;
    private Destination[] list;
    private final ConnectionCounters[] open = new ConnectionCounters[OPEN];
    private int next;
    private final FlowKey flow = new FlowKey();

    /** Creates the benchmark; JMH fills the parameters. */
    public ConnectionLifecycleBenchmark() {
    }

    /** Adds the servers, then opens the first 1,024 connections. */
    @Setup
    public void setUp() {
        boolean scan = scheduler.equals("wlc-scan");
        picker = Schedulers.create(scan ? "rr" : "wlc", SchedulerOptions.DEFAULTS);
        list = Servers.service(picker, servers, true).destinations().asList().toArray(new Destination[0]);
        if (scan) {
            picker = null;
        }
        flow.ipv4(Protocol.TCP.number(), Servers.CLIENT_BASE + 1, 40000, Servers.VIP, Servers.VPORT);
        for (int i = 0; i < OPEN; i++) {
            open[i] = connect().counters();
        }
    }

    private Destination connect() {
        Destination d = picker == null ? IpvsWlcScan.pick(list) : picker.pick(flow);
        d.counters().bindConnection(true);
        d.counters().activate();
        return d;
    }

    /**
     * Ends the oldest connection and opens a new one.
     *
     * @return the new connection's destination
     */
    @Benchmark
    @HotPath
    public Destination connection() {
        ConnectionCounters oldest = open[next];
        oldest.deactivate();
        oldest.unbindConnection(true);
        Destination d = connect();
        open[next] = d.counters();
        next = (next + 1) & (OPEN - 1);
        return d;
    }
}

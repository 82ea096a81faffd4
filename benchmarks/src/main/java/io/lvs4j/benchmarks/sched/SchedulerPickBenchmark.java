package io.lvs4j.benchmarks.sched;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
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
 * {@code pick()} of IPVS's round-robin, weighted round-robin and the least-connection schedulers
 * over 2, 16 and 256 servers of mixed weights (1 to 4) and connection counts. The counters do
 * not move here: {@code lc}, {@code wlc}, {@code sed} and {@code nq} read their index, whose
 * upkeep as counters change {@link ConnectionLifecycleBenchmark} measures; {@code wlc-scan} is
 * IPVS's linear scan ({@link IpvsWlcScan}), which {@code wlc} ran before it kept an index.
 */
public class SchedulerPickBenchmark extends AbstractBenchmark {

    /** The IPVS scheduler name. */
    @Param({"rr", "wrr", "wlc", "wlc-scan", "lc", "sed", "nq"})
    public String scheduler;

    /** How many real servers. */
    @Param({"2", "16", "256"})
    public int servers;

    private Scheduler picker;
    private Destination[] list;
    private final FlowKey flow = new FlowKey();

    /** Creates the benchmark; JMH fills the parameters. */
    public SchedulerPickBenchmark() {
    }

    /** Adds the servers to a new service with the scheduler. */
    @Setup
    public void setUp() {
        boolean scan = scheduler.equals("wlc-scan");
        picker = Schedulers.create(scan ? "rr" : scheduler, SchedulerOptions.DEFAULTS);
        list = Servers.service(picker, servers, true).destinations().asList().toArray(new Destination[0]);
        if (scan) {
            picker = null;
        }
        flow.ipv4(Protocol.TCP.number(), Servers.CLIENT_BASE + 1, 40000, Servers.VIP, Servers.VPORT);
        if (pick() == null) {
            throw new IllegalStateException(scheduler + " picked no server");
        }
    }

    /**
     * Picks the server of a new connection.
     *
     * @return the destination
     */
    @Benchmark
    @HotPath
    public Destination pick() {
        return picker == null ? IpvsWlcScan.pick(list) : picker.pick(flow);
    }
}

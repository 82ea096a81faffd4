package io.lvs4j.schedulers;

import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Weighted Maglev consistent hashing ({@code maglev}): a {@link MaglevTable} of
 * {@link SchedulerOptions#tableSize()} slots (65537 by default, any prime) built from the
 * destination set alone, so two directors with the same servers send a flow to the same
 * server whatever order the servers were added in. Flows hash by client address, and with the
 * flag {@code mh-port} also by protocol and client port. Servers of weight 0 own no slot; a
 * flow whose server is overloaded gets no server. Thread-safe; picks are lock-free and
 * allocate nothing.
 */
public final class MaglevScheduler implements Scheduler {

    /** The name to create it by. */
    public static final String NAME = "maglev";
    /** The flag that adds protocol and source port to the flow hash. */
    public static final String PORT = "mh-port";

    private record State(MaglevTable table, Destination[] dests) {
    }

    private final int size;
    private final boolean port;
    private volatile State state;

    /**
     * Creates the scheduler with no destination.
     *
     * @param options the options: table size (a prime, 0 for 65537) and flag {@code mh-port}
     * @throws IllegalArgumentException if the size is not a prime or another flag is given
     */
    public MaglevScheduler(SchedulerOptions options) {
        Options.check(NAME, options, true, PORT);
        this.size = options.tableSize() == 0 ? MaglevTable.DEFAULT_SIZE : options.tableSize();
        this.port = options.has(PORT);
        this.state = new State(MaglevTable.build(List.of(), size), new Destination[0]);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} Maglev's table is built from the destination set alone. */
    @Override
    public boolean consistentHashing() {
        return true;
    }

    /** @return the table in use, to inspect */
    public MaglevTable table() {
        return state.table();
    }

    @Override
    public void update(DestinationSet destinations) {
        Destination[] dests = Options.toArray(destinations);
        List<RealServer> servers = new ArrayList<>(dests.length);
        for (Destination d : dests) {
            servers.add(d.server().withWeight(d.weight()));
        }
        state = new State(MaglevTable.build(servers, size), dests);
    }

    @Override
    public Destination pick(FlowKey flow) {
        State s = state;
        int owner = s.table.lookup(MaglevTable.hashFlow(flow, port));
        if (owner < 0) {
            return null;
        }
        Destination d = s.dests[owner];
        return d.weight() > 0 && !d.overloaded() ? d : null;
    }
}

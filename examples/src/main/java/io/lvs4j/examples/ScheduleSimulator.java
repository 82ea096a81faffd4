package io.lvs4j.examples;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Answers "which real server does each new connection hit": a virtual service with the given
 * scheduler gets its real servers added one by one (as {@code ipvsadm -a} would, each at the
 * head of the list), then every pick opens a connection on the chosen server, which stays
 * active, or is closed just before the pick {@code hold} places later. Each server's address and
 * port come from its name ({@link ServerIdentity}), not its position, so hashing schedulers see
 * the same server whatever else is listed.
 *
 * <p>IPVS's hashing schedulers build their tables from the servers in list order (sh gives
 * buckets out in turn, mh lets servers take slots in turn), so the order of the
 * {@code ipvsadm -a} commands shows in their choices. For them ({@link #BY_IDENTITY}) the
 * simulator adds the servers in the order of their endpoints, so that one set of servers gives
 * one answer however it is listed; the others take the servers in the order given, which is
 * their very point (rr starts with the server added last). Not thread-safe.
 */
final class ScheduleSimulator {

    /** The schedulers whose servers are added in the order of their endpoints. */
    static final Set<String> BY_IDENTITY = Set.of("sh", "dh", "mh", "maglev");

    /** What is printed when no server can take a connection. */
    static final String NONE = "-";

    private ScheduleSimulator() {
    }

    /**
     * Runs the simulation.
     *
     * @param scheduler a new scheduler
     * @param servers the servers, in the order they are added to the empty service
     * @param flows the flows the picks cycle through; not empty
     * @param picks how many connections to open
     * @param hold after how many further picks a connection closes, 0 for never
     * @param out receives one server name per pick, or {@link #NONE}
     */
    static void run(Scheduler scheduler, List<ServerSpec> servers, List<FlowSpec> flows, int picks, int hold,
            Consumer<String> out) {
        VirtualService service = new VirtualService(Protocol.TCP, FlowSpec.VIP4, FlowSpec.VPORT, scheduler);
        Map<String, String> names = new HashMap<>();
        List<RealServer> identities = ServerIdentity.of(servers);
        for (int i = 0; i < servers.size(); i++) {
            names.put(identities.get(i).endpoint(), servers.get(i).name());
        }
        List<RealServer> added = new ArrayList<>(identities);
        if (BY_IDENTITY.contains(scheduler.name())) {
            added.sort(Comparator.comparing((RealServer r) -> r.address().getAddress(), Arrays::compareUnsigned)
                    .thenComparingInt(RealServer::port));
        }
        added.forEach(service::addRealServer);
        ConnectionCounters[] open = new ConnectionCounters[Math.max(hold, 1)];
        FlowKey key = new FlowKey();
        for (int i = 0; i < picks; i++) {
            if (hold > 0) {
                ConnectionCounters closing = open[i % hold];
                if (closing != null) {
                    closing.unbindConnection(false);
                    open[i % hold] = null;
                }
            }
            Destination chosen = service.pick(flows.get(i % flows.size()).fill(key));
            if (chosen == null) {
                out.accept(NONE);
                continue;
            }
            chosen.counters().bindConnection(false);
            if (hold > 0) {
                open[i % hold] = chosen.counters();
            }
            out.accept(names.get(chosen.server().endpoint()));
        }
    }
}

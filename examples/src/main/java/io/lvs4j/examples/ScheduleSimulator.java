package io.lvs4j.examples;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Answers "which real server does each new connection hit": a virtual service with the given
 * scheduler gets its real servers added one by one (as {@code ipvsadm -a} would, each at the
 * head of the list), then every pick opens a connection on the chosen server, which stays
 * active, or is closed just before the pick {@code hold} places later. Not thread-safe.
 */
final class ScheduleSimulator {

    /** What is printed when no server can take a connection. */
    static final String NONE = "-";

    private static final int FIRST_SERVER_ADDRESS = 0xC612_0101; // 198.18.1.1

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
        for (int i = 0; i < servers.size(); i++) {
            RealServer server = RealServer.of(serverAddress(i), FlowSpec.VPORT, servers.get(i).weight());
            names.put(server.endpoint(), servers.get(i).name());
            service.addRealServer(server);
        }
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

    private static InetAddress serverAddress(int index) {
        int a = FIRST_SERVER_ADDRESS + index;
        byte[] bytes = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}

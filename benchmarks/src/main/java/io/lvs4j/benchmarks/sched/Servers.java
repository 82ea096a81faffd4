package io.lvs4j.benchmarks.sched;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.Scheduler;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The real servers every scheduler benchmark uses, so that ours and Dubbo's balancers see the
 * same population: server {@code i} has address 198.18.0.0 + 1 + i, weight {@code 1 + i % 4},
 * and {@code i * 7 % 5} active plus {@code i % 3} inactive connections.
 */
final class Servers {

    /** The virtual address, as a 32-bit int (198.18.255.1). */
    static final int VIP = 0xC612_FF01;
    /** The virtual port. */
    static final int VPORT = 80;
    /** The first client address, as a 32-bit int (198.19.0.0). */
    static final int CLIENT_BASE = 0xC613_0000;

    private Servers() {
    }

    static int weight(int i) {
        return 1 + i % 4;
    }

    static int active(int i) {
        return i * 7 % 5;
    }

    static int inactive(int i) {
        return i % 3;
    }

    static InetAddress address(int i) {
        return toAddress(0xC612_0001 + i);
    }

    static InetAddress toAddress(int a) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    static RealServer server(int i, int weight) {
        return RealServer.of(address(i), VPORT, weight);
    }

    /**
     * Makes a virtual service of {@code count} servers, added in order, with their weights
     * and connections.
     *
     * @param scheduler the service's scheduler
     * @param count how many servers
     * @param weighted false to give every server weight 1
     * @return the service
     */
    static VirtualService service(Scheduler scheduler, int count, boolean weighted) {
        VirtualService service = new VirtualService(Protocol.TCP, toAddress(VIP), VPORT, scheduler);
        for (int i = 0; i < count; i++) {
            RealServer server = server(i, weighted ? weight(i) : 1);
            service.addRealServer(server);
            ConnectionCounters counters = service.countersOf(server);
            for (int c = 0; c < active(i); c++) {
                counters.bindConnection(false);
            }
            for (int c = 0; c < inactive(i); c++) {
                counters.bindConnection(true);
            }
        }
        return service;
    }
}

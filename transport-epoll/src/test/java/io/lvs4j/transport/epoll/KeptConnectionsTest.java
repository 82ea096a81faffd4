package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A kept connection finds its real server's id of this run by its service's and server's
 * addresses and ports, whatever id it held.
 */
class KeptConnectionsTest {

    private static final int TCP = 6;
    private static final int VIP = 0xC61200C8;      // 198.18.0.200
    private static final int OTHER_VIP = 0xC61200C9;
    private static final int RS1 = 0xC612000B;      // 198.18.0.11
    private static final int RS2 = 0xC612000C;      // 198.18.0.12
    private static final int CLIENT = 0xC6120001;

    private final DestinationTable destinations = new DestinationTable(8, 1_000_000_000L);
    private final FlowTuple flow = new FlowTuple();

    private ServiceSlot slot(String vip, int port) throws Exception {
        return new ServiceSlot(new VirtualService(Protocol.TCP, InetAddress.getByName(vip), port,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS)), Forwarding.directRoute());
    }

    @Test
    void shouldFindTheServerByAddressWhateverIdItHeld() throws Exception {
        ServiceSlot web = slot("198.18.0.200", 80);
        ServiceSlot any = slot("198.18.0.201", 0);
        assertEquals(0, destinations.add(InetAddress.getByName("198.18.0.12"), 80, web));
        assertEquals(1, destinations.add(InetAddress.getByName("198.18.0.11"), 80, web));
        assertEquals(2, destinations.add(InetAddress.getByName("198.18.0.11"), 0, any));
        KeptConnections kept = new KeptConnections(destinations);

        flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 80);
        assertEquals(1, kept.resolve(flow, false, 1), "the id it held is still RS1's");
        assertEquals(1, kept.resolve(flow, false, 0), "RS1 got another id in this run");
        flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS2, 80);
        assertEquals(0, kept.resolve(flow, false, 7));
        flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080);
        assertEquals(ConnectionTable.MISS, kept.resolve(flow, false, 1), "no server on that port");
        flow.ipv4(17, CLIENT, 40000, VIP, 80).server(RS1, 80);
        assertEquals(ConnectionTable.MISS, kept.resolve(flow, false, 1), "no UDP service");
        flow.ipv4(TCP, CLIENT, 40000, OTHER_VIP, 443).server(RS1, 443);
        assertEquals(2, kept.resolve(flow, false, 1), "a port-zero service and server take any port");
    }

    @Test
    void shouldNameOneFilePerLoopAndFamily() {
        assertEquals("lvs4j-abc-0-ipv4", KeptConnections.fileName("abc", 0, false));
        assertEquals("lvs4j-abc-3-ipv6", KeptConnections.fileName("abc", 3, true));
    }
}

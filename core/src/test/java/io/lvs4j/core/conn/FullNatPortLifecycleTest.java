package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.packet.NetworkOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A full-NAT table and its local port pool driven together at random, as a director's loop
 * drives them: every port handed out comes back exactly once, and every live connection's
 * replies find it, whichever way its entry ends.
 */
class FullNatPortLifecycleTest {

    private final FlowTuple flow = new FlowTuple();

    private static final int TCP = 6;
    private static final int VIP = 0xC6120064;
    private static final int[] SERVERS = {0xC6120107, 0xC6120108, 0xC6120109};
    private static final int[] LOCALS = {0xC61201FE, 0xC61201FD};
    private static final long S = 1_000_000_000L;

    /** The pool of a local address and real server. */
    private static int pool(int local, int destination) {
        return (local == LOCALS[0] ? 0 : 1) * SERVERS.length + destination;
    }

    @Property(tries = 60)
    void shouldReturnEveryLocalPortOnceAndFindEveryLiveReply(@ForAll @IntRange(min = 1, max = 40) int capacity,
            @ForAll @IntRange(min = 1, max = 12) int portsPerPool, @ForAll long seed) {
        DestinationRegistry registry = new DestinationRegistry(SERVERS.length);
        for (int d = 0; d < SERVERS.length; d++) {
            registry.register(d, new ConnectionCounters(), 1);
        }
        ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(0);
        LocalPortPool ports = LocalPortPool.builder().pools(LOCALS.length * SERVERS.length)
                .range(10000, 10000 + portsPerPool - 1).build();
        ConnectionTable table = ConnectionTable.builder().capacity(capacity).clock(clock).registry(registry)
                .seed(seed).fullNat((memory, address, port, id) ->
                        assertTrue(ports.release(pool(memory.get(NetworkOrder.U32, address), id), port),
                                "port " + port + " handed back twice"))
                .build();
        Random random = new Random(seed);
        List<Integer> live = new ArrayList<>();
        int clientPort = 1;
        try {
            for (int step = 0; step < 300; step++) {
                int action = random.nextInt(10);
                if (action < 6) {
                    int d = random.nextInt(SERVERS.length);
                    int local = LOCALS[random.nextInt(LOCALS.length)];
                    int port = ports.allocate(pool(local, d));
                    if (port == LocalPortPool.EXHAUSTED) {
                        continue;
                    }
                    int e = table.insertFullNat(flow.ipv4(TCP, 0xC6120001, clientPort++, VIP, 80)
                            .server(SERVERS[d], 80).local(local, port), d, ConnectionTable.MISS);
                    if (e != ConnectionTable.MISS) {
                        table.onTcpPacket(e, PacketDirection.INPUT, 0x02);
                    }
                } else if (action < 8) {
                    int e = table.lookupReply(flow.protocol(TCP).server(SERVERS[random.nextInt(SERVERS.length)], 80)
                            .client(LOCALS[random.nextInt(LOCALS.length)], 10000 + random.nextInt(portsPerPool)));
                    if (e != ConnectionTable.MISS) {
                        table.expireNow(e);
                    }
                } else {
                    clock.advance(random.nextInt(70) * S);
                    table.expire();
                }
                assertEquals(table.size(), ports.inUse(), "ports in use = live full-NAT entries");
            }
            live.clear();
            for (ConnectionEntry entry : table.entries()) {
                int e = table.lookup(flow.ipv4(TCP, 0xC6120001, entry.clientPort(), VIP, 80));
                live.add(e);
                assertEquals(e, table.lookupReply(flow.protocol(TCP).server(table.destinationAddressIpv4(e), 80)
                        .client(table.localAddressIpv4(e), table.localPort(e))));
                assertTrue(ports.inUse(pool(table.localAddressIpv4(e), table.destination(e)), table.localPort(e)));
            }
            assertEquals(table.size(), live.size());
        } finally {
            table.close();
        }
        assertEquals(0, ports.inUse(), "close hands back every port");
        assertEquals(0, ports.foreignReleases());
    }
}

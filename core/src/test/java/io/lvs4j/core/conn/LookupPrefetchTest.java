package io.lvs4j.core.conn;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A prefetch of lookups only reads: every lookup after it finds what it found before. */
class LookupPrefetchTest {

    private static final int VIP = 0xC6120064;
    private static final int SERVER = 0xC6120107;

    private final FlowTuple flow = new FlowTuple();
    private final DestinationRegistry registry = new DestinationRegistry(1);
    private final ConnectionCounters counters = new ConnectionCounters();

    @Test
    void shouldLeaveEveryLookupAsItWasAfterPrefetchingPresentAbsentAndImpossibleKeys() {
        registry.register(0, counters, 1);
        Random random = new Random(5);
        int n = 700;
        int[] clients = new int[n];
        int[] ports = new int[n];
        int[] entries = new int[n];
        try (ConnectionTable table = ConnectionTable.builder().capacity(1000).registry(registry).seed(3).build()) {
            for (int i = 0; i < n; i++) {
                // Few addresses and ports, so that keys collide and probe past their home slot.
                do {
                    clients[i] = 0x0A000000 | random.nextInt(32);
                    ports[i] = 1024 + random.nextInt(256);
                } while (table.lookup(flow.ipv4(6, clients[i], ports[i], VIP, 80)) != ConnectionTable.MISS);
                entries[i] = table.insert(flow.ipv4(6, clients[i], ports[i], VIP, 80).server(SERVER, ports[i]), 0,
                        i % 2 == 0 ? ForwardingMethod.MASQUERADE : ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
                assertNotEquals(ConnectionTable.MISS, entries[i]);
            }
            LookupPrefetch prefetch = new LookupPrefetch(table, ConnectionTable.BATCH);
            for (int i = 0; i < n; i++) {
                prefetch.connection(6, clients[i], ports[i], VIP, 80);
                prefetch.reply(6, SERVER, ports[i], clients[i], ports[i]);
                prefetch.connection(17, clients[i], ports[i], VIP, 80); // absent
                prefetch.connection(6, clients[i], ports[i] + 65536, VIP, 80); // no record holds such a port
            }
            prefetch.run();
            assertEquals(0, prefetch.size());
            int[] vips = new int[n];
            int[] vports = new int[n];
            java.util.Arrays.fill(vips, VIP);
            java.util.Arrays.fill(vports, 80);
            int[] results = new int[n];
            table.lookupBatch(6, clients, ports, vips, vports, 0, n, results);
            for (int i = 0; i < n; i++) {
                assertEquals(entries[i], table.lookup(flow.ipv4(6, clients[i], ports[i], VIP, 80)));
                assertEquals(entries[i], results[i], "the batch finds what the lookup finds");
                assertEquals(i % 2 == 0 ? entries[i] : ConnectionTable.MISS,
                        table.lookupReply(flow.protocol(6).server(SERVER, ports[i]).client(clients[i], ports[i])));
                assertEquals(ConnectionTable.MISS, table.lookup(flow.ipv4(17, clients[i], ports[i], VIP, 80)));
            }
            int[] beyond = new int[n];
            for (int i = 0; i < n; i++) {
                beyond[i] = ports[i] + 65536; // agrees with a present key in its low 16 bits
            }
            table.lookupBatch(6, clients, beyond, vips, vports, 0, n, results);
            for (int i = 0; i < n; i++) {
                assertEquals(ConnectionTable.MISS, results[i], "no record holds a port above 65535");
            }
            int[] udp = new int[n];
            table.lookupBatch(17, clients, ports, vips, vports, 0, n, udp);
            for (int i = 0; i < n; i++) {
                assertEquals(ConnectionTable.MISS, udp[i], "absent");
            }
            assertEquals(n, table.size());
            assertEquals(n, counters.inactiveConnections());
        }
    }

    @Test
    void shouldRunByItselfWhenFullAndForgetTheKeysOfARun() {
        registry.register(0, counters, 1);
        try (ConnectionTable table = ConnectionTable.builder().capacity(16).registry(registry).build()) {
            LookupPrefetch prefetch = new LookupPrefetch(table, 4);
            for (int i = 0; i < 6; i++) {
                prefetch.connection(6, 0x0A000001, 1000 + i, VIP, 80);
            }
            assertEquals(2, prefetch.size(), "the fifth key ran the first four");
            prefetch.run();
            assertEquals(0, prefetch.size());
            assertThrows(IllegalArgumentException.class, () -> new LookupPrefetch(table, 0));
        }
    }

    @Test
    void shouldDoNothingForAnIpv6Table() {
        registry.register(0, counters, 1);
        try (ConnectionTable table = ConnectionTable.builder().capacity(16).registry(registry).ipv6().build()) {
            LookupPrefetch prefetch = new LookupPrefetch(table, 4);
            prefetch.connection(6, 0x0A000001, 1000, VIP, 80);
            prefetch.run();
            assertEquals(0, prefetch.size());
            assertEquals(0, table.size());
        }
    }
}

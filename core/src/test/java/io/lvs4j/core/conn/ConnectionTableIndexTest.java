package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectionTableIndexTest {

    private final FlowTuple flow = new FlowTuple();

    @Test
    void shouldAgreeWithReferenceMapThroughInsertsAndRemovals() {
        agreeWithReferenceMap(4096, 4000, 5);
    }

    @Test
    void shouldAgreeWithReferenceMapWhenFullAtACapacityNotAPowerOfTwo() {
        // 1001 entries in 2002 slots: probes wrap around the end of an index of odd size.
        agreeWithReferenceMap(1001, 1001, 6);
        agreeWithReferenceMap(3, 3, 7);
    }

    @Test
    void shouldCostSixtyFourBytesPerIpv4EntryWhateverTheCapacity() {
        DestinationRegistry registry = new DestinationRegistry(1);
        for (int capacity : new int[] {1, 3, 1000, 4096, 10_007}) {
            try (ConnectionTable v4 = ConnectionTable.builder().capacity(capacity).registry(registry).build();
                    ConnectionTable v6 = ConnectionTable.builder().ipv6().capacity(capacity)
                            .registry(registry).build()) {
                assertEquals(64L * capacity, v4.memoryBytes());
                assertEquals(104L * capacity, v6.memoryBytes());
            }
        }
    }

    @Test
    void shouldKeepNormalPagesForSmallTablesAndWhenHugePagesAreRefused() {
        DestinationRegistry registry = new DestinationRegistry(1);
        try (ConnectionTable small = ConnectionTable.builder().capacity(1000).registry(registry).build();
                ConnectionTable refused = ConnectionTable.builder().capacity(2_000_000).hugePages(false)
                        .registry(registry).build()) {
            assertFalse(small.hugePages());
            assertFalse(refused.hugePages());
            assertEquals(ConnectionTable.MISS, refused.lookup(flow.ipv4(6, 0x0A000001, 1000, 0xC6120064, 80)));
        }
    }

    @Test
    void shouldMissKeysWhosePortsOrProtocolDoNotFitARecord() {
        DestinationRegistry registry = new DestinationRegistry(1);
        registry.register(0, new ConnectionCounters(), 1);
        try (ConnectionTable table = ConnectionTable.builder().capacity(16).registry(registry).seed(8).build()) {
            int e = table.insert(flow.ipv4(6, 0x0A000001, 4464, 0xC6120064, 80).server(0xC6120107, 80), 0,
                    ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
            assertEquals(e, table.lookup(flow.ipv4(6, 0x0A000001, 4464, 0xC6120064, 80)));
            // 70000 and 65616 agree with 4464 and 80 in their low 16 bits.
            assertEquals(ConnectionTable.MISS, table.lookup(flow.ipv4(6, 0x0A000001, 70000, 0xC6120064, 80)));
            assertEquals(ConnectionTable.MISS, table.lookup(flow.ipv4(6, 0x0A000001, 4464, 0xC6120064, 65616)));
            assertEquals(ConnectionTable.MISS, table.lookup(flow.ipv4(262, 0x0A000001, 4464, 0xC6120064, 80)));
            assertEquals(ConnectionTable.MISS, table.lookup(flow.ipv4(17, 0x0A000001, 4464, 0xC6120064, 80)));
        }
    }

    private static void agreeWithReferenceMap(int capacity, int live, long seed) {
        FlowTuple flow = new FlowTuple();
        DestinationRegistry registry = new DestinationRegistry(1);
        ConnectionCounters counters = new ConnectionCounters();
        registry.register(0, counters, 1);
        Random random = new Random(11);
        Map<Long, Integer> reference = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        try (ConnectionTable table = ConnectionTable.builder().capacity(capacity)
                .clock(new ConnectionTableTest.ManualClock(0)).registry(registry).seed(seed).build()) {
            for (int round = 0; round < 40_000; round++) {
                if (reference.size() < live && (keys.isEmpty() || random.nextInt(3) != 0)) {
                    // Few distinct addresses and ports, so that keys collide in the index.
                    int client = 0xC6120000 | random.nextInt(64);
                    int port = 1000 + random.nextInt(512);
                    long key = ((long) client << 16) | port;
                    if (reference.containsKey(key)) {
                        continue;
                    }
                    int e = table.insert(flow.ipv4(6, client, port, 0xC6120064, 80).server(0xC6120107, port), 0,
                            ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
                    assertNotEquals(ConnectionTable.MISS, e);
                    reference.put(key, e);
                    keys.add(key);
                } else {
                    long key = keys.remove(random.nextInt(keys.size()));
                    table.expireNow(reference.remove(key));
                }
            }
            for (int client = 0; client < 64; client++) {
                for (int port = 1000; port < 1512; port++) {
                    long key = ((long) (0xC6120000 | client) << 16) | port;
                    int expected = reference.getOrDefault(key, ConnectionTable.MISS);
                    assertEquals(expected, table.lookup(flow.ipv4(6, 0xC6120000 | client, port, 0xC6120064, 80)));
                    assertEquals(expected, table.lookupReply(flow.protocol(6).server(0xC6120107, port)
                            .client(0xC6120000 | client, port)));
                }
            }
            int[] clients = new int[100];
            int[] ports = new int[100];
            int[] vips = new int[100];
            int[] vports = new int[100];
            int[] results = new int[100];
            for (int i = 0; i < 100; i++) {
                clients[i] = 0xC6120000 | random.nextInt(64);
                ports[i] = 1000 + random.nextInt(512);
                vips[i] = 0xC6120064;
                vports[i] = 80;
            }
            table.lookupBatch(6, clients, ports, vips, vports, 0, 100, results);
            for (int i = 0; i < 100; i++) {
                assertEquals(table.lookup(flow.ipv4(6, clients[i], ports[i], 0xC6120064, 80)), results[i]);
            }
            assertEquals(reference.size(), table.size());
            assertEquals(reference.size(), counters.inactiveConnections());
        }
    }
}

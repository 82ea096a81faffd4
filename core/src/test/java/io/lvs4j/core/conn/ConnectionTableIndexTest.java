package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectionTableIndexTest {

    @Test
    void shouldAgreeWithReferenceMapThroughInsertsAndRemovals() {
        DestinationRegistry registry = new DestinationRegistry(1);
        ConnectionCounters counters = new ConnectionCounters();
        registry.register(0, counters, 1);
        Random random = new Random(11);
        Map<Long, Integer> reference = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        try (ConnectionTable table = ConnectionTable.builder().capacity(4096)
                .clock(new ConnectionTableTest.ManualClock(0)).registry(registry).seed(5).build()) {
            for (int round = 0; round < 40_000; round++) {
                if (reference.size() < 4000 && (keys.isEmpty() || random.nextInt(3) != 0)) {
                    // Few distinct addresses and ports, so that keys collide in the index.
                    int client = 0xC6120000 | random.nextInt(64);
                    int port = 1000 + random.nextInt(512);
                    long key = ((long) client << 16) | port;
                    if (reference.containsKey(key)) {
                        continue;
                    }
                    int e = table.insert(6, client, port, 0xC6120064, 80, 0xC6120107, port, 0,
                            ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
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
                    assertEquals(expected, table.lookup(6, 0xC6120000 | client, port, 0xC6120064, 80));
                    assertEquals(expected, table.lookupReply(6, 0xC6120107, port, 0xC6120000 | client, port));
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
                assertEquals(table.lookup(6, clients[i], ports[i], 0xC6120064, 80), results[i]);
            }
            assertEquals(reference.size(), table.size());
            assertEquals(reference.size(), counters.inactiveConnections());
        }
    }
}

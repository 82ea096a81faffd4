package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FloodStats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums what the loops' connection tables did against SYN floods
 * ({@link PacketDirector#floodCounters()}). Any thread; allocates (control plane).
 */
final class FloodCounters {

    private FloodCounters() {
    }

    /**
     * Sums the tables of some loops.
     *
     * @param paths the loops' data paths
     * @return the counters by name
     */
    static Map<String, Long> sum(List<DataPath> paths) {
        long dropped = 0;
        long activations = 0;
        long dropActive = 0;
        long secureActive = 0;
        long refused = 0;
        for (DataPath path : paths) {
            for (int version : new int[] {4, 6}) {
                ConnectionTable table = path.table(version);
                if (table != null) {
                    FloodStats f = table.floodStats();
                    dropped += f.embryonicDropped();
                    activations += f.activations();
                    dropActive += f.dropEntryActive() ? 1 : 0;
                    secureActive += f.secureTcpActive() ? 1 : 0;
                    refused += table.refusedInserts();
                }
            }
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("flood_embryonic_dropped", dropped);
        counters.put("flood_defense_activations", activations);
        counters.put("flood_drop_entry_active", dropActive);
        counters.put("flood_secure_tcp_active", secureActive);
        counters.put("connection_table_refused", refused);
        return counters;
    }
}

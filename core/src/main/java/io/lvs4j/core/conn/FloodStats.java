package io.lvs4j.core.conn;

/**
 * What a table's {@link FloodDefense} is doing ({@link ConnectionTable#floodStats()}).
 *
 * @param dropEntryActive whether {@code drop_entry} is on now
 * @param secureTcpActive whether {@code secure_tcp} is on now
 * @param embryonicDropped embryonic entries dropped by {@code drop_entry} since the table was built
 * @param activations how often a defence switched on since the table was built
 */
public record FloodStats(boolean dropEntryActive, boolean secureTcpActive, long embryonicDropped,
        long activations) {
}

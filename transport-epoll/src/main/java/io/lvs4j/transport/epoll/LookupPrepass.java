package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.LookupPrefetch;
import io.lvs4j.core.packet.NetworkOrder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The pre-pass of a loop's received batch ({@link FrameHandler#preview}) over its IPv4
 * connection table: reads the protocol, addresses and ports of each untagged, unfragmented
 * IPv4 TCP or UDP frame with a few loads, and has a {@link LookupPrefetch} start the memory
 * reads of the lookup the frame's handling will make: a connection's if the frame goes to a
 * virtual address, else a reply's when the loop has NAT or full-NAT connections. It keeps no
 * result and validates nothing (the handling parses the frame in full); a frame it misreads
 * costs a wasted read. Everything else is left to the handling. The socket asks {@link #active}
 * before each batch, so a batch is previewed only while the table holds {@link #MIN_ENTRIES} or
 * more, where lookups miss the caches; below, not even the preview calls are made.
 *
 * <p>Its loop only; allocates nothing.
 */
final class LookupPrepass {

    private static final int ETHERNET = 14;
    private static final int ETHER_TYPE_IPV4 = 0x0800;

    /**
     * The live entries from which the pre-pass runs: 32,768 entries are 2 MiB of records and
     * indexes, past a core's L2 cache. Below, a lookup finds its lines in the caches and the
     * pre-pass only adds its own work (1,000 connections: 1.27x the time per frame in
     * {@code BatchPathBenchmark}); above, it overlaps misses (100,000: 1.70x faster).
     */
    static final long MIN_ENTRIES = 1 << 15;

    private final ConnectionTable table;
    private final LookupPrefetch prefetch;
    private long minEntries = MIN_ENTRIES;

    /**
     * Creates the pre-pass of a table.
     *
     * @param table the loop's IPv4 connection table
     */
    LookupPrepass(ConnectionTable table) {
        this.table = table;
        this.prefetch = new LookupPrefetch(table, ConnectionTable.BATCH);
    }

    /**
     * Adds the lookup of one frame, if it is an IPv4 TCP or UDP one.
     *
     * @param memory the frame's memory
     * @param offset where its Ethernet header starts
     * @param length its length
     * @param services the services now
     * @param replies whether frames to other addresses may be replies of NAT or full-NAT connections
     */
    void add(MemorySegment memory, long offset, int length, ServiceTable services, boolean replies) {
        if (length < ETHERNET + 24 || (memory.get(NetworkOrder.U16, offset + 12) & 0xFFFF) != ETHER_TYPE_IPV4) {
            return;
        }
        long ip = offset + ETHERNET;
        int versionAndLength = memory.get(ValueLayout.JAVA_BYTE, ip) & 0xFF;
        int headerLength = (versionAndLength & 0x0F) << 2;
        int protocol = memory.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xFF;
        if (versionAndLength >>> 4 != 4 || headerLength < 20 || length < ETHERNET + headerLength + 4
                || (memory.get(NetworkOrder.U16, ip + 6) & 0x3FFF) != 0 // a fragment
                || protocol != 6 && protocol != 17) {
            return;
        }
        int source = memory.get(NetworkOrder.U32, ip + 12);
        int destination = memory.get(NetworkOrder.U32, ip + 16);
        int ports = memory.get(NetworkOrder.U32, ip + headerLength);
        if (services.vip4(destination) >= 0) {
            prefetch.connection(protocol, source, ports >>> 16, destination, ports & 0xFFFF);
        } else if (replies) {
            prefetch.reply(protocol, source, ports >>> 16, destination, ports & 0xFFFF);
        }
    }

    /** Starts the reads of the lookups added since the last call. */
    void run() {
        prefetch.run();
    }

    /**
     * Sets from how many live entries the pre-pass runs, {@link #MIN_ENTRIES} unless set.
     *
     * @param entries the live entries, 0 for always
     */
    void minEntries(long entries) {
        minEntries = entries;
    }

    /**
     * @return whether a batch received now is worth the pre-pass: the table holds
     *     {@link #MIN_ENTRIES} or more (one opaque read, asked once a batch)
     */
    boolean active() {
        return table.size() >= minEntries;
    }
}

package io.lvs4j.core.conn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The memory of a {@link ConnectionTable}: its records, either in an arena of its own or in a
 * {@link TableFile} that outlives the process; its two index arrays, always in the arena (they
 * are rebuilt from the records when a file is kept); the allocator's high-water cell; huge
 * pages asked for large tables in memory. Closing it writes the file out and frees the rest.
 *
 * <p>Not thread-safe: the table's owning thread.
 */
final class TableMemory implements AutoCloseable {

    /** Tables with at least this many bytes of records ask for huge pages unless told otherwise. */
    static final long HUGE_PAGES_THRESHOLD = 64L << 20;

    final Arena arena = Arena.ofShared();
    final TableFile.Spec spec;
    /** The file the records live in, or null. */
    final TableFile file;
    final MemorySegment records;
    final MemorySegment highWater;
    final MemorySegment forward;
    final MemorySegment reverse;
    final boolean onHugePages;

    /**
     * Allocates (or maps) a table's memory.
     *
     * @param b the table's description
     * @param slots index slots per index
     */
    TableMemory(ConnectionTableBuilder b, int slots) {
        int addressBytes = b.ipv6 ? 16 : 4;
        boolean fullNat = b.fullNatListener != null;
        int recordSize = ConnectionRecord.size(addressBytes, fullNat);
        long recordBytes = (long) recordSize * b.capacity;
        spec = new TableFile.Spec(b.capacity, addressBytes, fullNat, recordSize, b.fileOwner);
        file = b.file == null ? null : TableFile.open(b.file, spec, b.restartClock, arena);
        boolean huge = b.hugePages != null ? b.hugePages
                : recordBytes >= HUGE_PAGES_THRESHOLD && HugePages.permitted();
        long align = huge ? HugePages.SIZE : 64;
        records = file != null ? file.records(spec) : arena.allocate(recordBytes, align);
        highWater = file != null ? file.highWaterCell() : arena.allocate(4, 4);
        forward = arena.allocate((long) slots * 4, align);
        reverse = arena.allocate((long) slots * 4, align);
        onHugePages = huge && ((file != null || HugePages.advise(records)) & HugePages.advise(forward)
                & HugePages.advise(reverse));
    }

    /** Writes the file out (if any) and frees the memory. */
    @Override
    public void close() {
        try {
            if (file != null) {
                file.close();
            }
        } finally {
            arena.close();
        }
    }
}

package io.lvs4j.core.conn;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file a {@link ConnectionTable}'s records live in when it is to survive a restart
 * ({@link ConnectionTableBuilder#file}), mapped shared ({@code FileChannel.map} into a
 * {@link MemorySegment}): every write to a record is in the file at once, a {@code kill -9}
 * loses nothing that was written. A header page precedes the records:
 * <pre>
 * offset size field (native order)
 *      0    8 magic "LVS4JCT1"
 *      8    4 layout version
 *     12    4 header bytes (4096: the records start on a page)
 *     16    4 capacity
 *     20    4 address bytes (4 or 16)
 *     24    4 flags (bit 0: full-NAT records)
 *     28    4 record size
 *     32    8 owner: the caller's identity of the table (loop index and count, ...)
 *     40    8 epoch of the {@link RestartClock}
 *     48    8 anchor: the table clock's time ...
 *     56    8 ... and the restart clock's, read together
 *     64    8 generation (one more at each open)
 *     72    4 CRC32C of bytes 0 to 71
 *    128    4 high-water mark: records below it may be in use (written before a record is)
 *    132    4 state: 1 open, 2 closed cleanly
 * </pre>
 * A file whose header does not match the table asked for, or whose checksum, size or clock
 * epoch is wrong, is refused with one log line and started afresh; so is a file locked by a
 * live process (then the table keeps its records in memory). The records themselves are
 * trusted only after each is checked ({@link TableRecovery}).
 *
 * <p>Not thread-safe: the table's owning thread.
 */
final class TableFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TableFile.class);
    /** "LVS4JCT1" read as a little-endian long. */
    static final long MAGIC = 0x3154_434A_3453_564CL;
    static final int VERSION = 1;
    static final int HEADER_BYTES = 4096;
    static final int CRC_OFFSET = 72;
    static final int HIGH_WATER_OFFSET = 128;
    static final int STATE_OFFSET = 132;
    static final int OPEN = 1;
    static final int CLOSED = 2;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final MemorySegment memory;
    private final RestartClock restartClock;
    private final boolean kept;
    private final long previousGeneration;
    private final long anchorTable;
    private final long anchorRestart;
    private final boolean cleanlyClosed;
    private final int highWaterAtOpen;

    private TableFile(Path path, FileChannel channel, FileLock lock, MemorySegment memory, RestartClock clock,
            boolean kept) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.memory = memory;
        this.restartClock = clock;
        this.kept = kept;
        this.previousGeneration = kept ? memory.get(LONG, 64) : 0;
        this.anchorTable = memory.get(LONG, 48);
        this.anchorRestart = memory.get(LONG, 56);
        this.cleanlyClosed = kept && memory.get(INT, STATE_OFFSET) == CLOSED;
        this.highWaterAtOpen = kept ? memory.get(INT, HIGH_WATER_OFFSET) : 0;
    }

    /** What the header must say. */
    record Spec(int capacity, int addressBytes, boolean fullNat, int recordSize, long owner) {
        long fileBytes() {
            return HEADER_BYTES + (long) capacity * recordSize;
        }
    }

    /**
     * Opens (or creates) and maps a table's file; a file that does not fit is refused with one
     * log line and its records cleared.
     *
     * @param path the file
     * @param spec what the header must say
     * @param clock the restart clock
     * @param arena the arena the mapping belongs to (the table's)
     * @return the mapped file, or null if it is locked by another process or cannot be mapped
     *     (logged; the table then lives in memory)
     */
    static TableFile open(Path path, Spec spec, RestartClock clock, Arena arena) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                LOG.warn("connection table file {} is in use by another process: this table is not kept", path);
                channel.close();
                return null;
            }
            long size = channel.size();
            String refusal = size == 0 ? null : refusal(channel, size, spec, clock);
            if (refusal != null) {
                LOG.warn("connection table file {} refused ({}): starting with an empty table", path, refusal);
            }
            boolean kept = size != 0 && refusal == null;
            if (!kept) {
                channel.truncate(0);
            }
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, spec.fileBytes(), arena);
            if (!kept) {
                memory.set(INT, HIGH_WATER_OFFSET, 0);
            }
            return new TableFile(path, channel, lock, memory, clock, kept);
        } catch (IOException | RuntimeException e) {
            LOG.warn("connection table file {} cannot be used ({}): this table is not kept", path, e.toString());
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the first failure is the one reported
                }
            }
            return null;
        }
    }

    /** @return why an existing file is not this table's, or null if it is */
    private static String refusal(FileChannel channel, long size, Spec spec, RestartClock clock)
            throws IOException {
        if (size < HEADER_BYTES) {
            return "truncated: " + size + " bytes";
        }
        try (Arena temporary = Arena.ofConfined()) {
            MemorySegment h = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES, temporary);
            if (h.get(LONG, 0) != MAGIC) {
                return "not an lvs4j connection table";
            }
            if (h.get(INT, 8) != VERSION || h.get(INT, 12) != HEADER_BYTES) {
                return "layout version " + h.get(INT, 8) + ", this build reads " + VERSION;
            }
            if (h.get(INT, CRC_OFFSET) != crc(h)) {
                return "header checksum mismatch";
            }
            if (h.get(INT, 16) != spec.capacity()) {
                return "capacity " + h.get(INT, 16) + ", configured " + spec.capacity();
            }
            if (h.get(INT, 20) != spec.addressBytes() || (h.get(INT, 24) & 1) != (spec.fullNat() ? 1 : 0)
                    || h.get(INT, 28) != spec.recordSize()) {
                return "another address family or record layout";
            }
            if (h.get(LONG, 32) != spec.owner()) {
                return "written by another director or loop count";
            }
            if (h.get(LONG, 40) != clock.epoch()) {
                return "written before the last boot or with another clock";
            }
            int highWater = h.get(INT, HIGH_WATER_OFFSET);
            if (highWater < 0 || highWater > spec.capacity()) {
                return "high-water mark out of range";
            }
        }
        if (size != spec.fileBytes()) {
            return "truncated: " + size + " bytes, expected " + spec.fileBytes();
        }
        return null;
    }

    private static int crc(MemorySegment header) {
        CRC32C crc = new CRC32C();
        crc.update(header.asSlice(0, CRC_OFFSET).asByteBuffer());
        return (int) crc.getValue();
    }

    /** @return the file's path */
    Path path() {
        return path;
    }

    /** @return whether the records are a previous run's, to be checked and restored */
    boolean kept() {
        return kept;
    }

    /** @return whether the previous run closed the table (rather than died) */
    boolean cleanlyClosed() {
        return cleanlyClosed;
    }

    /**
     * Logs, once, what was kept of a previous run's records.
     *
     * @param kept entries kept
     * @param dropped entries dropped (expired, malformed, unknown server, duplicate)
     */
    void recovered(int kept, int dropped) {
        LOG.info("connection table file {}: kept {} entries of the previous run ({}), dropped {}", path, kept,
                cleanlyClosed ? "closed cleanly" : "not closed: killed or crashed", dropped);
    }

    /** @return the records' memory */
    MemorySegment records(Spec spec) {
        return memory.asSlice(HEADER_BYTES, (long) spec.capacity() * spec.recordSize());
    }

    /** @return the 4-byte high-water mark cell */
    MemorySegment highWaterCell() {
        return memory.asSlice(HIGH_WATER_OFFSET, 4);
    }

    /** @return the high-water mark as the file held it when opened: the previous run's records are below */
    int highWaterAtOpen() {
        return highWaterAtOpen;
    }

    /**
     * Returns what the previous run's table clock would read now: deadlines in the records
     * minus this are the times they have left.
     *
     * @return the previous run's time now
     */
    long previousNow() {
        return anchorTable + (restartClock.nanos() - anchorRestart);
    }

    /**
     * Writes this run's header: the spec, the clock anchors (the table clock at {@code now}),
     * the next generation, the checksum, and the state open.
     *
     * @param spec what the header says
     * @param now the table clock's time now
     */
    void commit(Spec spec, long now) {
        MemorySegment h = memory;
        h.set(INT, STATE_OFFSET, OPEN);
        h.set(INT, CRC_OFFSET, 0);
        h.set(LONG, 0, MAGIC);
        h.set(INT, 8, VERSION);
        h.set(INT, 12, HEADER_BYTES);
        h.set(INT, 16, spec.capacity());
        h.set(INT, 20, spec.addressBytes());
        h.set(INT, 24, spec.fullNat() ? 1 : 0);
        h.set(INT, 28, spec.recordSize());
        h.set(LONG, 32, spec.owner());
        h.set(LONG, 40, restartClock.epoch());
        h.set(LONG, 48, now);
        h.set(LONG, 56, restartClock.nanos());
        h.set(LONG, 64, previousGeneration + 1);
        h.set(INT, CRC_OFFSET, crc(h));
    }

    /** Marks the table closed cleanly, writes the mapping out and lets the file go. */
    @Override
    public void close() {
        memory.set(INT, STATE_OFFSET, CLOSED);
        try {
            memory.force();
        } catch (RuntimeException e) {
            LOG.debug("connection table file {} not forced: {}", path, e.toString());
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            LOG.debug("connection table file {} not closed: {}", path, e.toString());
        }
    }
}

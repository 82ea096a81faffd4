package io.lvs4j.core.sync;

import static io.lvs4j.core.packet.NetworkOrder.u8;

import io.lvs4j.core.status.LoopCounters;
import java.lang.foreign.MemorySegment;

/**
 * Checks a received sync datagram as the kernel's backup does ({@code ip_vs_process_message}
 * and {@code ip_vs_proc_sync_conn} in Linux {@code net/netfilter/ipvs/ip_vs_sync.c}) and hands
 * each usable record to a {@link SyncConnectionHandler}. Every outcome is a
 * {@link SyncDropReason}, counted, never an exception; no byte outside
 * {@code [offset, offset + length)} is read.
 *
 * <p>In the kernel's order: the header (at least 4 bytes, {@code size} equal to the datagram's
 * length, the sync id when one is configured, then version 1 with reserved and spare bytes
 * zero); then each of the {@code nr_conns} records (its fixed part and its {@code size} inside
 * the datagram, record version 0, type IPv4 or IPv6, a size that holds the fixed part, each
 * option's header and length inside the record, the sequence option 24 bytes long, the PE name
 * at most 16, no option twice); then per record: no unknown mandatory option, a protocol IPVS
 * handles and a state of that protocol (templates: NONE or ASSURED), PE data only with a PE
 * name. The next record starts at the previous one's start plus its size rounded up to 4.
 *
 * <p>Where lvs4j differs from the kernel, it is stricter and says so: the whole datagram is
 * checked before any record is delivered (the kernel applies the records before a malformed
 * one); a type with bits other than bit 0 ({@link SyncDropReason#RECORD_BAD_TYPE}), bytes
 * after the counted records ({@link SyncDropReason#TRAILING_BYTES}) and a template state above
 * ASSURED are refused (the kernel reads only the IPv6 bit, ignores trailing bytes, and logs the
 * template state); version 0 messages are detected and refused, not decoded. None of these
 * refuses a datagram that a kernel master sends with at most 255 records.
 *
 * <p>Not thread-safe: one reader per event loop, with that loop's counters. Allocates nothing.
 */
public final class SyncMessageReader {

    private final int syncId;
    private final LoopCounters<SyncDropReason> counters;
    private final SyncMessageHeader header = new SyncMessageHeader();
    private final SyncConnection connection = new SyncConnection();
    private final SyncRecordOptions options = new SyncRecordOptions();
    private int recordSize;
    private int delivered;

    /**
     * Creates a reader.
     *
     * @param syncId the sync id to accept, 1 to 255, or 0 to accept any, as the kernel does
     * @param counters where each datagram's outcome and each dropped record is counted
     */
    public SyncMessageReader(int syncId, LoopCounters<SyncDropReason> counters) {
        if (syncId < 0 || syncId > 255) {
            throw new IllegalArgumentException("sync id out of 0..255: " + syncId);
        }
        this.syncId = syncId;
        this.counters = counters;
    }

    /**
     * Checks a datagram, counts the outcome, and if it passed hands each usable record to the
     * handler; records dropped on their own are counted by their reason.
     *
     * @param segment the memory holding the datagram
     * @param offset where the datagram (the UDP payload) starts
     * @param length the datagram's length
     * @param handler receives each usable record
     * @return {@link SyncDropReason#NONE} or why the whole datagram was dropped
     */
    public SyncDropReason read(MemorySegment segment, long offset, int length, SyncConnectionHandler handler) {
        SyncDropReason reason = check(segment, offset, length);
        counters.increment(reason);
        delivered = 0;
        if (reason != SyncDropReason.NONE) {
            return reason;
        }
        long end = offset + length;
        long at = offset + SyncMessageHeader.LENGTH;
        int count = header.connectionCount();
        for (int i = 0; i < count; i++) {
            SyncDropReason record = checkRecord(segment, at, end);
            if (record == SyncDropReason.NONE) {
                handler.onConnection(connection, options);
                delivered++;
            } else {
                counters.increment(record);
            }
            at += align(recordSize);
        }
        return reason;
    }

    /**
     * Checks a datagram without counting or delivering anything.
     *
     * @param segment the memory holding the datagram
     * @param offset where the datagram starts
     * @param length the datagram's length
     * @return {@link SyncDropReason#NONE} or why the whole datagram would be dropped
     */
    public SyncDropReason check(MemorySegment segment, long offset, int length) {
        if (length < SyncMessageHeader.V0_LENGTH) {
            return SyncDropReason.HEADER_TRUNCATED;
        }
        header.wrap(segment, offset);
        if (header.size() != length) {
            return SyncDropReason.SIZE_MISMATCH;
        }
        if (syncId != 0 && header.syncId() != syncId) {
            return SyncDropReason.WRONG_SYNC_ID;
        }
        if (header.reserved() != 0) {
            return SyncDropReason.VERSION_0;
        }
        if (length < SyncMessageHeader.LENGTH) {
            return SyncDropReason.HEADER_TRUNCATED;
        }
        if (header.version() != SyncMessageHeader.VERSION) {
            return SyncDropReason.UNKNOWN_VERSION;
        }
        if (header.spare() != 0) {
            return SyncDropReason.SPARE_NOT_ZERO;
        }
        long end = offset + length;
        long at = offset + SyncMessageHeader.LENGTH;
        long paddedEnd = at;
        int count = header.connectionCount();
        for (int i = 0; i < count; i++) {
            SyncDropReason reason = checkRecord(segment, at, end);
            if (reason != SyncDropReason.NONE && !reason.isRecordReason()) {
                return reason;
            }
            at += align(recordSize);
            paddedEnd = at;
        }
        return end > paddedEnd ? SyncDropReason.TRAILING_BYTES : SyncDropReason.NONE;
    }

    /** @return how many records the last {@link #read} handed to its handler */
    public int delivered() {
        return delivered;
    }

    /** @return the counters this reader counts into */
    public LoopCounters<SyncDropReason> counters() {
        return counters;
    }

    /** Checks one record at {@code at}, sets {@link #recordSize} and, if usable, the flyweights. */
    private SyncDropReason checkRecord(MemorySegment segment, long at, long end) {
        if (at + SyncConnection.V4_LENGTH > end) {
            return SyncDropReason.RECORD_TRUNCATED;
        }
        connection.wrap(segment, at);
        int size = connection.size();
        recordSize = size;
        long recordEnd = at + size;
        if (recordEnd > end) {
            return SyncDropReason.RECORD_BEYOND_DATAGRAM;
        }
        if (connection.recordVersion() != 0) {
            return SyncDropReason.RECORD_UNKNOWN_VERSION;
        }
        int type = connection.type();
        if (type != SyncConnection.TYPE_IPV4 && type != SyncConnection.TYPE_F_INET6) {
            return SyncDropReason.RECORD_BAD_TYPE;
        }
        if (connection.fixedLength() > size) {
            return SyncDropReason.RECORD_TOO_SHORT;
        }
        SyncDropReason reason = checkOptions(segment, at + connection.fixedLength(), recordEnd);
        if (reason != SyncDropReason.NONE) {
            return reason;
        }
        return checkContent();
    }

    private SyncDropReason checkOptions(MemorySegment segment, long p, long recordEnd) {
        options.reset(segment);
        while (p < recordEnd) {
            if (p + SyncOption.HEADER_LENGTH > recordEnd) {
                return SyncDropReason.OPTION_TRUNCATED;
            }
            int type = u8(segment, p);
            int length = u8(segment, p + 1);
            p += SyncOption.HEADER_LENGTH;
            if (length == 0 || p + length > recordEnd) {
                return SyncDropReason.OPTION_BAD_LENGTH;
            }
            switch (type & ~SyncOption.F_PARAM) {
                case SyncOption.SEQUENCE_DATA -> {
                    if (length != SyncOption.SEQUENCE_LENGTH) {
                        return SyncDropReason.SEQUENCE_OPTION_BAD_LENGTH;
                    }
                    if (options.hasSequenceData()) {
                        return SyncDropReason.OPTION_REPEATED;
                    }
                    options.sequence(p);
                }
                case SyncOption.PE_DATA -> {
                    if (options.peDataLength() > 0) {
                        return SyncDropReason.OPTION_REPEATED;
                    }
                    options.peData(p, length);
                }
                case SyncOption.PE_NAME -> {
                    if (length > SyncOption.PE_NAME_MAX_LENGTH) {
                        return SyncDropReason.PE_NAME_TOO_LONG;
                    }
                    if (options.peNameLength() > 0) {
                        return SyncDropReason.OPTION_REPEATED;
                    }
                    options.peName(p, length);
                }
                default -> {
                    if ((type & SyncOption.F_PARAM) == 0) {
                        return SyncDropReason.UNKNOWN_MANDATORY_OPTION;
                    }
                }
            }
            p += length;
        }
        return SyncDropReason.NONE;
    }

    private SyncDropReason checkContent() {
        int state = connection.state();
        if (SyncFlags.isTemplate(connection.flags())) {
            if (state >= SyncStates.TEMPLATE_STATE_COUNT) {
                return SyncDropReason.TEMPLATE_STATE_OUT_OF_RANGE;
            }
        } else {
            int states = SyncStates.stateCount(connection.protocol());
            if (states < 0) {
                return SyncDropReason.UNSUPPORTED_PROTOCOL;
            }
            if (state >= states) {
                return SyncDropReason.STATE_OUT_OF_RANGE;
            }
        }
        if (options.peDataLength() > 0 && options.peNameLength() == 0) {
            return SyncDropReason.PE_DATA_WITHOUT_NAME;
        }
        return SyncDropReason.NONE;
    }

    private static int align(int size) {
        return (size + 3) & ~3;
    }
}

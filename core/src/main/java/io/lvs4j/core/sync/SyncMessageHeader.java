package io.lvs4j.core.sync;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over the header of an IPVS sync message, protocol version 1 (Linux
 * {@code net/netfilter/ipvs/ip_vs_sync.c}), in network byte order. A message is one UDP
 * datagram: this header, then {@code nr_conns} connection records ({@link SyncConnection}),
 * each starting on a 4-byte boundary.
 *
 * <pre>
 * struct ip_vs_sync_mesg {
 *     __u8   reserved;   // must be zero (version 0's nr_conns)
 *     __u8   syncid;
 *     __be16 size;       // the whole datagram, this header included
 *     __u8   nr_conns;
 *     __s8   version;    // SYNC_PROTO_VER, 1
 *     __u16  spare;      // zero
 * };
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      0        |    SyncID     |            Size               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Count Conns  |    Version    |    Reserved, set to Zero      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Version 0's header ({@code struct ip_vs_sync_mesg_v0}) is four bytes: {@code nr_conns},
 * {@code syncid}, {@code size}; its first byte is never zero, which is how a receiver tells the
 * two apart. Not thread-safe; no method allocates.
 */
public final class SyncMessageHeader {

    /** Offset of the reserved byte, zero in version 1. */
    public static final int RESERVED_OFFSET = 0;
    /** Offset of the sync id. */
    public static final int SYNC_ID_OFFSET = 1;
    /** Offset of the message size. */
    public static final int SIZE_OFFSET = 2;
    /** Offset of the number of connection records. */
    public static final int CONNECTION_COUNT_OFFSET = 4;
    /** Offset of the protocol version. */
    public static final int VERSION_OFFSET = 5;
    /** Offset of the spare bytes, zero. */
    public static final int SPARE_OFFSET = 6;
    /** Length of the version 1 header; the first record starts here. */
    public static final int LENGTH = 8;
    /** Length of the version 0 header. */
    public static final int V0_LENGTH = 4;
    /** The protocol version this header carries ({@code SYNC_PROTO_VER}). */
    public static final int VERSION = 1;
    /** Most records one message can count. */
    public static final int MAX_CONNECTIONS = 255;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public SyncMessageHeader() {
    }

    /**
     * Points this flyweight at a message.
     *
     * @param segment the datagram's memory
     * @param offset where the message starts
     * @return this
     */
    public SyncMessageHeader wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /**
     * Writes a version 1 header of an empty message: reserved 0, the sync id, size 8, no
     * records, version 1, spare 0.
     *
     * @param syncId the sync id, 0 to 255
     * @return this
     */
    public SyncMessageHeader initialize(int syncId) {
        u8(segment, offset + RESERVED_OFFSET, 0);
        u8(segment, offset + SYNC_ID_OFFSET, syncId);
        u16(segment, offset + SIZE_OFFSET, LENGTH);
        u8(segment, offset + CONNECTION_COUNT_OFFSET, 0);
        u8(segment, offset + VERSION_OFFSET, VERSION);
        u16(segment, offset + SPARE_OFFSET, 0);
        return this;
    }

    /** @return the reserved byte; version 0's record count */
    public int reserved() {
        return u8(segment, offset + RESERVED_OFFSET);
    }

    /** @return the sync id */
    public int syncId() {
        return u8(segment, offset + SYNC_ID_OFFSET);
    }

    /**
     * Sets the sync id.
     *
     * @param syncId 0 to 255
     * @return this
     */
    public SyncMessageHeader syncId(int syncId) {
        u8(segment, offset + SYNC_ID_OFFSET, syncId);
        return this;
    }

    /** @return the size of the whole message in bytes */
    public int size() {
        return u16(segment, offset + SIZE_OFFSET);
    }

    /**
     * Sets the size of the whole message.
     *
     * @param size header and records in bytes
     * @return this
     */
    public SyncMessageHeader size(int size) {
        u16(segment, offset + SIZE_OFFSET, size);
        return this;
    }

    /** @return the number of connection records */
    public int connectionCount() {
        return u8(segment, offset + CONNECTION_COUNT_OFFSET);
    }

    /**
     * Sets the number of connection records.
     *
     * @param count 0 to 255
     * @return this
     */
    public SyncMessageHeader connectionCount(int count) {
        u8(segment, offset + CONNECTION_COUNT_OFFSET, count);
        return this;
    }

    /** @return the version byte, 1 */
    public int version() {
        return u8(segment, offset + VERSION_OFFSET);
    }

    /**
     * Sets the version byte.
     *
     * @param version the version
     * @return this
     */
    public SyncMessageHeader version(int version) {
        u8(segment, offset + VERSION_OFFSET, version);
        return this;
    }

    /** @return the spare bytes, zero */
    public int spare() {
        return u16(segment, offset + SPARE_OFFSET);
    }

    /**
     * Sets the spare bytes.
     *
     * @param spare the value
     * @return this
     */
    public SyncMessageHeader spare(int spare) {
        u16(segment, offset + SPARE_OFFSET, spare);
        return this;
    }
}

package io.lvs4j.core.sync;

import static io.lvs4j.core.packet.NetworkOrder.u32;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over the data of a sync record's sequence option, in network byte order: how a
 * NAT connection whose payload changed length (an FTP helper) shifts sequence numbers in each
 * direction.
 *
 * <pre>
 * struct ip_vs_seq {
 *     __u32 init_seq;        // add delta from this sequence number on
 *     __u32 delta;           // delta in sequence numbers
 *     __u32 previous_delta;  // delta before the last resized packet
 * };
 * struct ip_vs_sync_conn_options {
 *     struct ip_vs_seq in_seq;   // client to server
 *     struct ip_vs_seq out_seq;  // server to client
 * };
 * </pre>
 *
 * Not thread-safe; no method allocates.
 */
public final class SyncSequenceData {

    /** Offset of the incoming direction's initial sequence number. */
    public static final int IN_INIT_SEQ_OFFSET = 0;
    /** Offset of the incoming direction's delta. */
    public static final int IN_DELTA_OFFSET = 4;
    /** Offset of the incoming direction's previous delta. */
    public static final int IN_PREVIOUS_DELTA_OFFSET = 8;
    /** Offset of the outgoing direction's initial sequence number. */
    public static final int OUT_INIT_SEQ_OFFSET = 12;
    /** Offset of the outgoing direction's delta. */
    public static final int OUT_DELTA_OFFSET = 16;
    /** Offset of the outgoing direction's previous delta. */
    public static final int OUT_PREVIOUS_DELTA_OFFSET = 20;
    /** Length of the structure. */
    public static final int LENGTH = 24;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public SyncSequenceData() {
    }

    /**
     * Points this flyweight at an option's data.
     *
     * @param segment the datagram's memory
     * @param offset where the data starts, after the option's type and length
     * @return this
     */
    public SyncSequenceData wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /** @return the incoming direction's initial sequence number */
    public int inInitSeq() {
        return u32(segment, offset + IN_INIT_SEQ_OFFSET);
    }

    /** @return the incoming direction's delta */
    public int inDelta() {
        return u32(segment, offset + IN_DELTA_OFFSET);
    }

    /** @return the incoming direction's previous delta */
    public int inPreviousDelta() {
        return u32(segment, offset + IN_PREVIOUS_DELTA_OFFSET);
    }

    /** @return the outgoing direction's initial sequence number */
    public int outInitSeq() {
        return u32(segment, offset + OUT_INIT_SEQ_OFFSET);
    }

    /** @return the outgoing direction's delta */
    public int outDelta() {
        return u32(segment, offset + OUT_DELTA_OFFSET);
    }

    /** @return the outgoing direction's previous delta */
    public int outPreviousDelta() {
        return u32(segment, offset + OUT_PREVIOUS_DELTA_OFFSET);
    }

    /**
     * Sets the incoming direction.
     *
     * @param initSeq the initial sequence number
     * @param delta the delta
     * @param previousDelta the previous delta
     * @return this
     */
    public SyncSequenceData in(int initSeq, int delta, int previousDelta) {
        u32(segment, offset + IN_INIT_SEQ_OFFSET, initSeq);
        u32(segment, offset + IN_DELTA_OFFSET, delta);
        u32(segment, offset + IN_PREVIOUS_DELTA_OFFSET, previousDelta);
        return this;
    }

    /**
     * Sets the outgoing direction.
     *
     * @param initSeq the initial sequence number
     * @param delta the delta
     * @param previousDelta the previous delta
     * @return this
     */
    public SyncSequenceData out(int initSeq, int delta, int previousDelta) {
        u32(segment, offset + OUT_INIT_SEQ_OFFSET, initSeq);
        u32(segment, offset + OUT_DELTA_OFFSET, delta);
        u32(segment, offset + OUT_PREVIOUS_DELTA_OFFSET, previousDelta);
        return this;
    }
}

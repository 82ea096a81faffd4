package io.lvs4j.core.sync;

import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Where the options of one received sync record are: the sequence data and the
 * persistence-engine data and name, each present or not. Filled by {@link SyncMessageReader}
 * and valid only during {@link SyncConnectionHandler#onConnection}. Not thread-safe; no method
 * allocates but {@link #peName()}.
 */
public final class SyncRecordOptions {

    private final SyncSequenceData sequence = new SyncSequenceData();
    private MemorySegment segment;
    private long sequenceOffset;
    private long peDataOffset;
    private int peDataLength;
    private long peNameOffset;
    private int peNameLength;

    SyncRecordOptions() {
    }

    void reset(MemorySegment segment) {
        this.segment = segment;
        sequenceOffset = -1;
        peDataOffset = -1;
        peDataLength = 0;
        peNameOffset = -1;
        peNameLength = 0;
    }

    void sequence(long offset) {
        sequenceOffset = offset;
    }

    void peData(long offset, int length) {
        peDataOffset = offset;
        peDataLength = length;
    }

    void peName(long offset, int length) {
        peNameOffset = offset;
        peNameLength = length;
    }

    /** @return the datagram's memory */
    public MemorySegment segment() {
        return segment;
    }

    /** @return true if the record carries sequence adjustment data */
    public boolean hasSequenceData() {
        return sequenceOffset >= 0;
    }

    /**
     * Returns the sequence data.
     *
     * @return a flyweight over it
     * @throws IllegalStateException if the record has none
     */
    public SyncSequenceData sequenceData() {
        if (sequenceOffset < 0) {
            throw new IllegalStateException("the record has no sequence option");
        }
        return sequence.wrap(segment, sequenceOffset);
    }

    /** @return bytes of persistence-engine data, 0 for none */
    public int peDataLength() {
        return peDataLength;
    }

    /** @return offset of the persistence-engine data in {@link #segment()}, -1 for none */
    public long peDataOffset() {
        return peDataOffset;
    }

    /** @return bytes of the persistence engine's name, 0 for none */
    public int peNameLength() {
        return peNameLength;
    }

    /** @return offset of the persistence engine's name in {@link #segment()}, -1 for none */
    public long peNameOffset() {
        return peNameOffset;
    }

    /**
     * Compares the persistence engine's name without allocating.
     *
     * @param name an engine name such as {@code sip}
     * @return true if the record names that engine
     */
    public boolean peNameEquals(CharSequence name) {
        if (name.length() != peNameLength) {
            return false;
        }
        for (int i = 0; i < peNameLength; i++) {
            if (u8(segment, peNameOffset + i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** @return the persistence engine's name as ISO-8859-1 text, empty for none */
    public String peName() {
        char[] chars = new char[peNameLength];
        for (int i = 0; i < peNameLength; i++) {
            chars[i] = (char) u8(segment, peNameOffset + i);
        }
        return new String(chars);
    }
}

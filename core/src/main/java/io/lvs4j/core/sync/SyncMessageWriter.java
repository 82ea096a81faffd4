package io.lvs4j.core.sync;

import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Batches connection records into version 1 sync datagrams of at most {@code maxlen} bytes, as
 * the kernel's master does ({@code ip_vs_sync_conn} in Linux
 * {@code net/netfilter/ipvs/ip_vs_sync.c}), and hands each finished datagram to a
 * {@link SyncDatagramSink}.
 *
 * <p>The kernel's rules: a record of {@code len} bytes goes after zero padding that brings the
 * datagram to a multiple of 4; if padding and record would pass {@code maxlen}, the datagram so
 * far is sent first and the record starts a new one (no padding after the header); a record
 * longer than an empty datagram can hold gets a datagram of its own, {@code 8 + len} bytes.
 * Each record adds {@code pad + len} to {@code size} and one to {@code nr_conns}; the last
 * record is not padded. One rule differs: a datagram holds at most 255 records, where the
 * kernel lets the 8-bit {@code nr_conns} wrap (possible with a {@code maxlen} above about 6 KiB)
 * and its receivers then ignore the records past the wrapped count.
 *
 * <p>Use: {@link #add} reserves a record, zeroed, with its type, size and option headers
 * written, and returns the record flyweight for the caller to fill; {@link #sequenceData()},
 * {@link #peData} and {@link #peName} fill the options it was given; {@link #flush()} sends the
 * datagram in progress (the kernel sends one at most 2 seconds after its first record,
 * {@link SyncSysctls#FLUSH_TIME_MILLIS}). Not thread-safe; allocates nothing after construction.
 */
public final class SyncMessageWriter {

    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[3 + SyncConnection.MAX_LENGTH]);

    private final int maxlen;
    private final MemorySegment buffer;
    private final SyncDatagramSink sink;
    private final SyncMessageHeader header = new SyncMessageHeader();
    private final SyncConnection record = new SyncConnection();
    private final SyncSequenceData sequence = new SyncSequenceData();
    private int used;
    private int count;
    private long sequenceOffset = -1;
    private long peDataOffset = -1;
    private int peDataLength;
    private long peNameOffset = -1;
    private int peNameLength;

    /**
     * Creates a writer with a heap buffer of {@link #bufferSize(int)} bytes.
     *
     * @param syncId the sync id of every datagram, 0 to 255
     * @param maxlen the largest datagram, see {@link SyncDefaults#masterMaxlen}
     * @param sink takes each finished datagram
     */
    public SyncMessageWriter(int syncId, int maxlen, SyncDatagramSink sink) {
        this(syncId, maxlen, MemorySegment.ofArray(new byte[bufferSize(maxlen)]), sink);
    }

    /**
     * Creates a writer over a caller's buffer, such as native memory a send call reads.
     *
     * @param syncId the sync id of every datagram, 0 to 255
     * @param maxlen the largest datagram, 1 to 65535
     * @param buffer at least {@link #bufferSize(int)} bytes
     * @param sink takes each finished datagram
     */
    public SyncMessageWriter(int syncId, int maxlen, MemorySegment buffer, SyncDatagramSink sink) {
        if (syncId < 0 || syncId > 255) {
            throw new IllegalArgumentException("sync id out of 0..255: " + syncId);
        }
        if (maxlen < 1 || maxlen > 65535) {
            throw new IllegalArgumentException("maxlen out of 1..65535: " + maxlen);
        }
        if (buffer.byteSize() < bufferSize(maxlen)) {
            throw new IllegalArgumentException("buffer smaller than " + bufferSize(maxlen) + " bytes");
        }
        this.maxlen = maxlen;
        this.buffer = buffer;
        this.sink = sink;
        header.wrap(buffer, 0).initialize(syncId);
        used = SyncMessageHeader.LENGTH;
    }

    /**
     * Returns the buffer a writer needs: room for {@code maxlen} bytes, or for one longest
     * record if that is more.
     *
     * @param maxlen the largest datagram
     * @return bytes
     */
    public static int bufferSize(int maxlen) {
        return Math.max(maxlen, SyncMessageHeader.LENGTH + SyncConnection.MAX_LENGTH);
    }

    /**
     * Reserves the next record, sending the datagram in progress first if the record does not
     * fit in it.
     *
     * @param ipv6 whether the record's addresses are IPv6
     * @param sequenceData whether to add the sequence option (the kernel adds it when the
     *     connection's flags have {@link SyncFlags#SEQ_MASK} bits)
     * @param peDataLength bytes of persistence-engine data, 0 to 255
     * @param peNameLength bytes of the engine's name, 0 to 16; only with PE data
     * @return the record, zeroed but for its type, size and option headers
     */
    public SyncConnection add(boolean ipv6, boolean sequenceData, int peDataLength, int peNameLength) {
        if (peDataLength < 0 || peDataLength > SyncOption.PE_DATA_MAX_LENGTH) {
            throw new IllegalArgumentException("PE data length out of 0..255: " + peDataLength);
        }
        if (peNameLength < 0 || peNameLength > SyncOption.PE_NAME_MAX_LENGTH
                || (peNameLength > 0 && peDataLength == 0)) {
            throw new IllegalArgumentException("PE name length " + peNameLength + " with PE data " + peDataLength);
        }
        int length = SyncConnection.length(ipv6, sequenceData, peDataLength, peNameLength);
        int pad = (4 - used) & 3;
        if (count > 0 && (used + pad + length > maxlen || count == SyncMessageHeader.MAX_CONNECTIONS)) {
            flush();
            pad = 0;
        }
        long at = used + pad;
        MemorySegment.copy(ZEROS, 0, buffer, used, pad + length);
        used += pad + length;
        count++;
        header.size(used).connectionCount(count);
        record.wrap(buffer, at).type(ipv6 ? SyncConnection.TYPE_F_INET6 : SyncConnection.TYPE_IPV4).size(length);
        writeOptionHeaders(at + record.fixedLength(), sequenceData, peDataLength, peNameLength);
        return record;
    }

    private void writeOptionHeaders(long p, boolean sequenceData, int dataLength, int nameLength) {
        sequenceOffset = -1;
        peDataOffset = -1;
        peNameOffset = -1;
        peDataLength = dataLength;
        peNameLength = nameLength;
        if (sequenceData) {
            p = optionHeader(p, SyncOption.SEQUENCE_DATA, SyncOption.SEQUENCE_LENGTH);
            sequenceOffset = p;
            p += SyncOption.SEQUENCE_LENGTH;
        }
        if (dataLength > 0) {
            p = optionHeader(p, SyncOption.PE_DATA, dataLength);
            peDataOffset = p;
            p += dataLength;
            if (nameLength > 0) {
                peNameOffset = optionHeader(p, SyncOption.PE_NAME, nameLength);
            }
        }
    }

    private long optionHeader(long p, int type, int length) {
        u8(buffer, p, type);
        u8(buffer, p + 1, length);
        return p + SyncOption.HEADER_LENGTH;
    }

    /**
     * Returns the sequence option of the record last added.
     *
     * @return a flyweight over its data
     * @throws IllegalStateException if that record has no sequence option
     */
    public SyncSequenceData sequenceData() {
        if (sequenceOffset < 0) {
            throw new IllegalStateException("the last record has no sequence option");
        }
        return sequence.wrap(buffer, sequenceOffset);
    }

    /**
     * Copies the persistence-engine data of the record last added.
     *
     * @param source the memory holding the data
     * @param sourceOffset where it starts; as many bytes as {@link #add} was given are copied
     * @return this
     * @throws IllegalStateException if that record has no PE data option
     */
    public SyncMessageWriter peData(MemorySegment source, long sourceOffset) {
        if (peDataOffset < 0) {
            throw new IllegalStateException("the last record has no PE data option");
        }
        MemorySegment.copy(source, sourceOffset, buffer, peDataOffset, peDataLength);
        return this;
    }

    /**
     * Writes the persistence engine's name of the record last added.
     *
     * @param name ASCII text of the length {@link #add} was given, such as {@code sip}
     * @return this
     * @throws IllegalStateException if that record has no PE name option
     */
    public SyncMessageWriter peName(CharSequence name) {
        if (peNameOffset < 0) {
            throw new IllegalStateException("the last record has no PE name option");
        }
        if (name.length() != peNameLength) {
            throw new IllegalArgumentException("PE name of " + name.length() + " bytes, reserved " + peNameLength);
        }
        for (int i = 0; i < peNameLength; i++) {
            u8(buffer, peNameOffset + i, name.charAt(i));
        }
        return this;
    }

    /** Sends the datagram in progress, if it has a record, and starts an empty one. */
    public void flush() {
        if (count == 0) {
            return;
        }
        sink.send(buffer, used);
        used = SyncMessageHeader.LENGTH;
        count = 0;
        header.size(used).connectionCount(0);
        sequenceOffset = -1;
        peDataOffset = -1;
        peNameOffset = -1;
    }

    /** @return records in the datagram in progress */
    public int pendingRecords() {
        return count;
    }

    /** @return bytes of the datagram in progress, its header included */
    public int pendingBytes() {
        return used;
    }

    /** @return the largest datagram this writer fills */
    public int maxlen() {
        return maxlen;
    }
}

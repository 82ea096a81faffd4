package io.lvs4j.transport.epoll;

import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.sync.SyncConnection;
import io.lvs4j.core.sync.SyncConnectionHandler;
import io.lvs4j.core.sync.SyncDropReason;
import io.lvs4j.core.sync.SyncMessageHeader;
import io.lvs4j.core.sync.SyncMessageReader;
import io.lvs4j.core.sync.SyncRecordOptions;
import io.lvs4j.transport.epoll.internal.FanoutProgram;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The checks of a received sync datagram, in order, each refusal counted by cause: its source
 * ({@link SyncSources}); the director's role (a master never takes a peer's entries over the
 * ones it forwards: the datagram is ignored and counted); then the decoder
 * ({@link SyncMessageReader}: sync id, sizes, versions, records). The records that pass are
 * grouped by the loop that owns their flow, the one the fanout steers the client's frames to
 * ({@link FanoutProgram#socketOf}, keyed on the client's IPv4 address or the low 32 bits of an
 * IPv6 one), and handed to that loop in one batch per datagram; a loop with too much waiting
 * refuses the batch (counted), so a sync flood costs bounded memory.
 *
 * <p>Not thread-safe: the receiving loop only, whose counters it writes.
 */
final class SyncIntake {

    /** Hands a batch of records to the loop that owns them. */
    @FunctionalInterface
    interface Dispatch {
        /**
         * @param loop the owning loop's index
         * @param records the records' fixed parts, one after the other
         * @param length the bytes they take
         * @return false if the loop has too much waiting (the batch is dropped)
         */
        boolean submit(int loop, byte[] records, int length);
    }

    private final SyncSources sources;
    private final LoopCounters<DirectorCounter> counters;
    private final LoopCounters<SyncDropReason> drops = new LoopCounters<>(SyncDropReason.class);
    private final SyncMessageReader reader;
    private final BooleanSupplier master;
    private final Dispatch dispatch;
    private final int loops;
    private final byte[][] staged;
    private final MemorySegment[] stagedMemory;
    private final int[] stagedBytes;
    private final int[] stagedRecords;
    private final SyncMessageHeader header = new SyncMessageHeader();
    private final SyncConnectionHandler handler = this::stage;

    /**
     * @param syncId the sync id accepted, 0 for any
     * @param sources who may send
     * @param counters the receiving loop's counters
     * @param master whether the director is the sync master now
     * @param loops the number of loops
     * @param dispatch hands each loop its records
     */
    SyncIntake(int syncId, SyncSources sources, LoopCounters<DirectorCounter> counters, BooleanSupplier master,
            int loops, Dispatch dispatch) {
        this.sources = sources;
        this.counters = counters;
        this.reader = new SyncMessageReader(syncId, drops);
        this.master = master;
        this.dispatch = dispatch;
        this.loops = loops;
        this.staged = new byte[loops][SyncMessageHeader.MAX_CONNECTIONS * SyncConnection.V6_LENGTH];
        this.stagedMemory = new MemorySegment[loops];
        for (int i = 0; i < loops; i++) {
            stagedMemory[i] = MemorySegment.ofArray(staged[i]);
        }
        this.stagedBytes = new int[loops];
        this.stagedRecords = new int[loops];
    }

    /**
     * Takes one datagram.
     *
     * @param datagram its memory, from offset 0
     * @param length its length
     * @param source its IPv4 source, high byte first
     */
    void onDatagram(MemorySegment datagram, int length, int source) {
        if (!sources.accepts(source)) {
            counters.increment(DirectorCounter.SYNC_DROP_BAD_SOURCE);
            return;
        }
        if (master.getAsBoolean()) {
            counters.increment(DirectorCounter.SYNC_DROP_WHILE_MASTER);
            return;
        }
        counters.increment(DirectorCounter.SYNC_DATAGRAMS_RECEIVED);
        Arrays.fill(stagedBytes, 0);
        Arrays.fill(stagedRecords, 0);
        SyncDropReason reason = reader.read(datagram, 0, length, handler);
        if (reason == SyncDropReason.WRONG_SYNC_ID) {
            counters.increment(DirectorCounter.SYNC_DROP_WRONG_SYNC_ID);
            return;
        }
        if (reason != SyncDropReason.NONE) {
            counters.increment(DirectorCounter.SYNC_DROP_MALFORMED);
            return;
        }
        int refused = header.wrap(datagram, 0).connectionCount() - reader.delivered();
        if (refused > 0) {
            counters.add(DirectorCounter.SYNC_DROP_BAD_RECORD, refused);
        }
        for (int loop = 0; loop < loops; loop++) {
            int n = stagedBytes[loop];
            if (n > 0 && !dispatch.submit(loop, Arrays.copyOf(staged[loop], n), n)) {
                counters.add(DirectorCounter.SYNC_DROP_BACKLOG, stagedRecords[loop]);
            }
        }
    }

    private void stage(SyncConnection record, SyncRecordOptions options) {
        long client = record.clientAddressOffset() + record.addressLength() - 4;
        int loop = FanoutProgram.socketOf(record.segment().get(NetworkOrder.U32, client), loops);
        int length = record.fixedLength();
        MemorySegment.copy(record.segment(), record.offset(), stagedMemory[loop], stagedBytes[loop], length);
        stagedBytes[loop] += length;
        stagedRecords[loop]++;
    }

    /** @return the decoder's count of each outcome; any thread */
    LoopCounters<SyncDropReason> drops() {
        return drops;
    }
}

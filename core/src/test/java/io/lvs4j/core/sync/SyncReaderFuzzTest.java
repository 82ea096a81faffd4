package io.lvs4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.core.status.LoopCounters;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link SyncMessageReader} with Jazzer. In the normal test phase
 * this replays the committed inputs (the golden datagrams, one hostile datagram per drop
 * reason, and what earlier fuzzing runs kept) in {@code SyncReaderFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 *
 * <p>Every input must be accepted or counted, never throw, never read outside the datagram (it
 * lies in a segment of exactly its length), and every record handed out must hold what the
 * reader promises and survive a round trip through {@link SyncMessageWriter}.
 */
class SyncReaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void readerAcceptsOrCountsEveryDatagram(byte[] data) {
        LoopCounters<SyncDropReason> counters = new LoopCounters<>(SyncDropReason.class);
        SyncMessageReader reader = new SyncMessageReader(0, counters);
        MemorySegment exact = MemorySegment.ofArray(data);
        List<SyncRecordData> records = new ArrayList<>();
        SyncDropReason verdict = reader.read(exact, 0, data.length, (c, o) -> {
            assertTrue(c.offset() + c.size() <= data.length, "record inside the datagram");
            assertTrue(c.size() >= c.fixedLength(), "record holds its fixed part");
            assertTrue(SyncFlags.isTemplate(c.flags()) ? c.state() < SyncStates.TEMPLATE_STATE_COUNT
                    : c.state() < SyncStates.stateCount(c.protocol()), "a state of its protocol");
            assertTrue(o.peDataLength() == 0 || o.peNameLength() > 0, "PE data only with a name");
            records.add(SyncRecordData.of(c, o));
        });
        assertTrue(!verdict.isRecordReason(), "a verdict is about the datagram");
        assertEquals(1, counters.get(verdict), "the datagram is counted once");
        if (verdict != SyncDropReason.NONE) {
            assertEquals(0, records.size());
            assertEquals(1, counters.total());
            return;
        }
        int counted = data[4] & 0xFF;
        assertEquals(counted, records.size() + counters.total() - 1, "each record delivered or counted");
        assertEquals(records.size(), reader.delivered());
        // a PE name without PE data is read, and ignored by the kernel; a sender never writes one
        List<SyncRecordData> sendable = records.stream()
                .map(r -> r.peData() == null ? r.withPersistence(null, null) : r).toList();
        assertEquals(sendable, roundTrip(sendable));
    }

    private static List<SyncRecordData> roundTrip(List<SyncRecordData> records) {
        List<byte[]> sent = new ArrayList<>();
        SyncMessageWriter writer = new SyncMessageWriter(1, 1472,
                (d, length) -> sent.add(d.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)));
        for (SyncRecordData r : records) {
            r.writeTo(writer);
        }
        writer.flush();
        List<SyncRecordData> again = new ArrayList<>();
        SyncMessageReader reader = new SyncMessageReader(1, new LoopCounters<>(SyncDropReason.class));
        for (byte[] d : sent) {
            assertEquals(SyncDropReason.NONE,
                    reader.read(MemorySegment.ofArray(d), 0, d.length, (c, o) -> again.add(SyncRecordData.of(c, o))));
        }
        return again;
    }
}

package io.lvs4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.status.LoopCounters;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's batching rules: what fits in {@code maxlen}, padding, {@code size} and {@code nr_conns}. */
class SyncMessageWriterTest {

    private final List<byte[]> sent = new ArrayList<>();
    private final SyncDatagramSink sink = (d, length) -> sent.add(d.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));

    @Test
    void shouldFillADefaultIpv4DatagramWithFortyPlainRecords() {
        SyncMessageWriter writer = new SyncMessageWriter(1, SyncDefaults.masterMaxlen(false, 0), sink);
        for (int i = 0; i < 100; i++) {
            writer.add(false, false, 0, 0).protocol(6).clientPort(i);
        }
        writer.flush();
        // (1472 - 8) / 36 = 40.7: 40, 40, then 20 records
        assertEquals(List.of(8 + 40 * 36, 8 + 40 * 36, 8 + 20 * 36), sizes());
        assertEquals(List.of(40, 40, 20), counts());
    }

    @Test
    void shouldFillADefaultIpv6DatagramWithTwentyPlainRecords() {
        SyncMessageWriter writer = new SyncMessageWriter(1, SyncDefaults.masterMaxlen(true, 0), sink);
        for (int i = 0; i < 41; i++) {
            writer.add(true, false, 0, 0).protocol(6);
        }
        writer.flush();
        // (1452 - 8) / 72 = 20.06
        assertEquals(List.of(8 + 20 * 72, 8 + 20 * 72, 8 + 72), sizes());
    }

    @Test
    void shouldCountPaddingInSizeAndStartANewDatagramWhenPaddingAndRecordDoNotFit() {
        // 8 + 62 = 70; the next record needs 2 bytes of padding + 36 = 108 > 107
        SyncMessageWriter writer = new SyncMessageWriter(1, 107, sink);
        writer.add(false, true, 0, 0).protocol(6);
        writer.add(false, false, 0, 0).protocol(6);
        writer.flush();
        assertEquals(List.of(70, 44), sizes());
        sent.clear();
        SyncMessageWriter roomy = new SyncMessageWriter(1, 108, sink);
        roomy.add(false, true, 0, 0).protocol(6);
        roomy.add(false, false, 0, 0).protocol(6);
        assertEquals(108, roomy.pendingBytes());
        assertEquals(2, roomy.pendingRecords());
        roomy.flush();
        assertEquals(List.of(108), sizes());
        assertEquals(List.of(2), counts());
    }

    @Test
    void shouldGiveARecordLongerThanMaxlenADatagramOfItsOwn() {
        SyncMessageWriter writer = new SyncMessageWriter(3, 40, sink);
        writer.add(false, false, 0, 0).protocol(6);
        writer.add(true, true, 255, 16).protocol(6);
        writer.add(false, false, 0, 0).protocol(17);
        writer.flush();
        assertEquals(List.of(44, 8 + 373, 44), sizes());
        assertEquals(List.of(1, 1, 1), counts());
    }

    @Test
    void shouldCapARecordCountAt255WhereTheKernelWrapsIt() {
        SyncMessageWriter writer = new SyncMessageWriter(1, SyncDefaults.masterMaxlen(false, 65535), sink);
        for (int i = 0; i < 300; i++) {
            writer.add(false, false, 0, 0).protocol(17);
        }
        writer.flush();
        assertEquals(List.of(255, 45), counts());
        assertEquals(8 + 255 * 36, sizes().get(0));
    }

    @Test
    void shouldSendNothingWhenFlushedEmptyAndRestartCleanAfterAFlush() {
        SyncMessageWriter writer = new SyncMessageWriter(9, 1472, sink);
        writer.flush();
        assertTrue(sent.isEmpty());
        writer.add(false, true, 0, 0).protocol(6);
        writer.sequenceData().in(1, 2, 3);
        writer.flush();
        assertEquals(8, writer.pendingBytes());
        assertEquals(0, writer.pendingRecords());
        assertThrows(IllegalStateException.class, writer::sequenceData);
        writer.add(false, false, 0, 0).protocol(6);
        writer.flush();
        assertEquals(List.of(70, 44), sizes());
        assertEquals(9, sent.get(1)[1]);
        assertEquals(0, sent.get(1)[0]);
        assertEquals(1, sent.get(1)[5]);
    }

    @Test
    void shouldZeroARecordThatReusesTheBufferOfAnEarlierDatagram() {
        SyncMessageWriter writer = new SyncMessageWriter(1, 1472, sink);
        SyncConnection c = writer.add(false, false, 0, 0);
        c.protocol(6).flags(-1).state(1).fwmark(-1).timeoutSeconds(-1).addressesIpv4(-1, -1, -1);
        writer.flush();
        writer.add(false, false, 0, 0).protocol(17);
        writer.flush();
        byte[] second = sent.get(1);
        for (int i = 12; i < second.length; i++) {
            assertEquals(0, second[i], "byte " + i);
        }
    }

    @Test
    void shouldRefuseOptionLengthsTheFormatCannotCarry() {
        SyncMessageWriter writer = new SyncMessageWriter(1, 1472, sink);
        assertThrows(IllegalArgumentException.class, () -> writer.add(false, false, 256, 3));
        assertThrows(IllegalArgumentException.class, () -> writer.add(false, false, 10, 17));
        assertThrows(IllegalArgumentException.class, () -> writer.add(false, false, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new SyncMessageWriter(256, 1472, sink));
        assertThrows(IllegalArgumentException.class, () -> new SyncMessageWriter(1, 0, sink));
        assertThrows(IllegalArgumentException.class,
                () -> new SyncMessageWriter(1, 1472, MemorySegment.ofArray(new byte[100]), sink));
        writer.add(false, false, 4, 3);
        assertThrows(IllegalArgumentException.class, () -> writer.peName("sipx"));
        writer.add(false, false, 0, 0);
        assertThrows(IllegalStateException.class, () -> writer.peName("sip"));
        assertThrows(IllegalStateException.class, () -> writer.peData(MemorySegment.ofArray(new byte[4]), 0));
    }

    @Test
    void shouldRoundTripSeededRandomRecordsThroughWriterAndReader() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(20261207L);
        for (int maxlen : new int[] {1, 100, 400, 1472, 9000}) {
            sent.clear();
            List<SyncRecordData> written = new ArrayList<>();
            SyncMessageWriter writer = new SyncMessageWriter(42, maxlen, sink);
            for (int i = 0; i < 2000; i++) {
                SyncRecordData r = randomRecord(random);
                r.writeTo(writer);
                written.add(r);
            }
            writer.flush();
            List<SyncRecordData> read = new ArrayList<>();
            LoopCounters<SyncDropReason> counters = new LoopCounters<>(SyncDropReason.class);
            SyncMessageReader reader = new SyncMessageReader(42, counters);
            for (byte[] d : sent) {
                assertTrue(d.length <= Math.max(maxlen, 8 + SyncConnection.MAX_LENGTH));
                assertEquals(SyncDropReason.NONE,
                        reader.read(MemorySegment.ofArray(d), 0, d.length, (c, o) -> read.add(SyncRecordData.of(c, o))));
            }
            assertEquals(written, read, "maxlen " + maxlen);
            assertEquals(sent.size(), counters.total());
        }
    }

    static SyncRecordData randomRecord(java.util.SplittableRandom random) {
        boolean ipv6 = random.nextBoolean();
        boolean template = random.nextInt(5) == 0;
        int protocol = switch (random.nextInt(3)) {
            case 0 -> 6;
            case 1 -> 17;
            default -> 132;
        };
        int states = template ? SyncStates.TEMPLATE_STATE_COUNT : SyncStates.stateCount(protocol);
        int flags = (random.nextInt() & ~SyncFlags.TEMPLATE) | (template ? SyncFlags.TEMPLATE : 0);
        byte[][] addresses = new byte[3][ipv6 ? 16 : 4];
        for (byte[] a : addresses) {
            random.nextBytes(a);
        }
        int[] sequence = random.nextInt(3) == 0
                ? new int[] {random.nextInt(), random.nextInt(), random.nextInt(), random.nextInt(), random.nextInt(),
                    random.nextInt()}
                : null;
        byte[] peData = null;
        String peName = null;
        if (random.nextInt(4) == 0) {
            peData = new byte[1 + random.nextInt(255)];
            random.nextBytes(peData);
            peName = "sipsipsipsipsips".substring(0, 1 + random.nextInt(16));
        }
        return new SyncRecordData(ipv6, protocol, flags, random.nextInt(states), random.nextInt(65536),
                random.nextInt(65536), random.nextInt(65536), random.nextInt(), random.nextLong() & 0xFFFF_FFFFL,
                addresses[0], addresses[1], addresses[2], sequence, peData, peName);
    }

    private List<Integer> sizes() {
        List<Integer> sizes = new ArrayList<>();
        for (byte[] d : sent) {
            assertEquals(d.length, ((d[2] & 0xFF) << 8) | (d[3] & 0xFF), "size field");
            sizes.add(d.length);
        }
        return sizes;
    }

    private List<Integer> counts() {
        List<Integer> counts = new ArrayList<>();
        for (byte[] d : sent) {
            counts.add(d[4] & 0xFF);
        }
        return counts;
    }
}

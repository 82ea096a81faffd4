package io.lvs4j.core.sync;

import static io.lvs4j.core.sync.SyncGoldenDatagrams.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.status.LoopCounters;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every check of the kernel's receiver, one hostile datagram each: the datagram (or the one
 * record) is dropped with its own reason, counted, and nothing is read past the datagram (each
 * is read from a segment exactly its length, so a stray read would throw).
 */
class SyncMessageReaderTest {

    private static final byte[] SEQ = concat(bytes("01 18"), new byte[24]);

    private final LoopCounters<SyncDropReason> counters = new LoopCounters<>(SyncDropReason.class);
    private final SyncMessageReader reader = new SyncMessageReader(7, counters);
    private final List<SyncRecordData> delivered = new ArrayList<>();

    @Test
    void shouldDropAHeaderShorterThanFourOrEightBytes() {
        assertDropped(SyncDropReason.HEADER_TRUNCATED, bytes("00 07 00"));
        assertDropped(SyncDropReason.HEADER_TRUNCATED, new byte[0]);
        assertDropped(SyncDropReason.HEADER_TRUNCATED, bytes("00 07 0006 01 01"));
    }

    @Test
    void shouldDropASizeThatIsNotTheDatagramsLength() {
        byte[] d = SyncGoldenDatagrams.IPV4_DR.clone();
        d[3] = 45;
        assertDropped(SyncDropReason.SIZE_MISMATCH, d);
        assertDropped(SyncDropReason.SIZE_MISMATCH, Arrays.copyOf(SyncGoldenDatagrams.IPV4_DR, 40));
    }

    @Test
    void shouldDropAnotherSyncIdUnlessConfiguredToAcceptAny() {
        byte[] d = SyncGoldenDatagrams.IPV4_DR.clone();
        d[1] = 8;
        assertDropped(SyncDropReason.WRONG_SYNC_ID, d);
        SyncMessageReader any = new SyncMessageReader(0, counters);
        assertEquals(SyncDropReason.NONE, any.read(MemorySegment.ofArray(d), 0, d.length, (c, o) -> { }));
        assertEquals(1, any.delivered());
    }

    @Test
    void shouldRefuseVersion0Messages() {
        byte[] v0 = bytes(
                "01", "07", "001C",          // nr_conns 1, syncid 7, size 28
                "00", "06", "9C40", "0050", "0050",      // reserved, TCP, cport, vport, dport
                "C6120001", "C6120064", "C612010B",      // caddr, vaddr, daddr
                "0003", "0001");                         // flags DROUTE, state ESTABLISHED
        assertDropped(SyncDropReason.VERSION_0, v0);
    }

    @Test
    void shouldDropAnUnknownVersionOrNonZeroSpareBytes() {
        byte[] d = SyncGoldenDatagrams.IPV4_DR.clone();
        d[5] = 2;
        assertDropped(SyncDropReason.UNKNOWN_VERSION, d);
        d[5] = 1;
        d[7] = 1;
        assertDropped(SyncDropReason.SPARE_NOT_ZERO, d);
    }

    @Test
    void shouldDropMoreRecordsCountedThanTheDatagramHolds() {
        byte[] d = SyncGoldenDatagrams.IPV4_DR.clone();
        d[4] = 2;
        assertDropped(SyncDropReason.RECORD_TRUNCATED, d);
        assertDropped(SyncDropReason.RECORD_TRUNCATED, message(1, Arrays.copyOf(v4(6, 3, 1, new byte[0]), 35)));
    }

    @Test
    void shouldDropARecordSizeBeyondTheDatagram() {
        assertDropped(SyncDropReason.RECORD_BEYOND_DATAGRAM, message(1, verSize(v4(6, 3, 1, new byte[0]), 40)));
    }

    @Test
    void shouldDropARecordVersionOtherThanZero() {
        assertDropped(SyncDropReason.RECORD_UNKNOWN_VERSION, message(1, verSize(v4(6, 3, 1, new byte[0]), 0x1024)));
    }

    @Test
    void shouldDropATypeOtherThanIpv4OrIpv6() {
        assertDropped(SyncDropReason.RECORD_BAD_TYPE, message(1, type(v4(6, 3, 1, new byte[0]), 2)));
        assertDropped(SyncDropReason.RECORD_BAD_TYPE, message(1, type(v6(6, 3, 1, new byte[0]), 3)));
    }

    @Test
    void shouldDropARecordSmallerThanItsFixedPart() {
        assertDropped(SyncDropReason.RECORD_TOO_SHORT, message(1, verSize(v4(6, 3, 1, new byte[0]), 35)));
        assertDropped(SyncDropReason.RECORD_TOO_SHORT, message(1, verSize(v4(6, 3, 1, new byte[0]), 0)));
        // an IPv6 type on 36 bytes: the address family says 72
        assertDropped(SyncDropReason.RECORD_TOO_SHORT, message(1, type(v4(6, 3, 1, new byte[0]), 1)));
        assertDropped(SyncDropReason.RECORD_TOO_SHORT, message(1, type(v4(6, 3, 1, new byte[35]), 1)));
    }

    @Test
    void shouldDropAnOptionHeaderOrLengthOutsideTheRecord() {
        assertDropped(SyncDropReason.OPTION_TRUNCATED, message(1, v4(6, 3, 1, bytes("01"))));
        assertDropped(SyncDropReason.OPTION_BAD_LENGTH, message(1, v4(6, 3, 1, bytes("41 00"))));
        assertDropped(SyncDropReason.OPTION_BAD_LENGTH, message(1, v4(6, 3, 1, bytes("02 05 01020304"))));
        // the option fits the datagram (a second record follows) but not its own record
        assertDropped(SyncDropReason.OPTION_BAD_LENGTH,
                message(2, v4(6, 3, 1, bytes("02 05 01 000000")), v4(6, 3, 1, new byte[0])));
    }

    @Test
    void shouldDropASequenceOptionThatIsNot24Bytes() {
        assertDropped(SyncDropReason.SEQUENCE_OPTION_BAD_LENGTH,
                message(1, v4(6, 0x600, 1, concat(bytes("01 14"), new byte[20]))));
        assertDropped(SyncDropReason.SEQUENCE_OPTION_BAD_LENGTH,
                message(1, v4(6, 0x600, 1, concat(bytes("41 19"), new byte[25]))));
    }

    @Test
    void shouldDropAnyOptionThatAppearsTwice() {
        assertDropped(SyncDropReason.OPTION_REPEATED, message(1, v4(6, 0x600, 1, concat(SEQ, SEQ))));
        assertDropped(SyncDropReason.OPTION_REPEATED, message(1, v4(17, 0x1003, 0, bytes("02 01 AA 02 01 BB 03 03 736970"))));
        assertDropped(SyncDropReason.OPTION_REPEATED, message(1, v4(17, 0x1003, 0, bytes("02 01 AA 03 03 736970 43 01 73"))));
    }

    @Test
    void shouldDropAPersistenceEngineNameLongerThan16Bytes() {
        assertDropped(SyncDropReason.PE_NAME_TOO_LONG,
                message(1, v4(17, 0x1003, 0, concat(bytes("02 01 AA 03 11"), new byte[17]))));
    }

    @Test
    void shouldDropBytesAfterTheCountedRecordsButNotTheLastRecordsPadding() {
        assertDropped(SyncDropReason.TRAILING_BYTES, concatSized(SyncGoldenDatagrams.IPV4_DR, new byte[4]));
        byte[] second = v4(6, 3, 1, new byte[0]);
        byte[] one = message(2, v4(6, 3, 1, new byte[0]), second);
        one[4] = 1;
        assertDropped(SyncDropReason.TRAILING_BYTES, one);
        assertDropped(SyncDropReason.TRAILING_BYTES, concatSized(bytes("00 07 0008 00 01 0000"), new byte[36]));
        // an empty message is fine, and so are up to 3 bytes padding the last record
        assertAccepted(0, bytes("00 07 0008 00 01 0000"));
        byte[] odd = message(1, v4(17, 0x1003, 0, bytes("02 02 AABB 03 03 736970")));
        assertEquals(8 + 45, odd.length);
        assertAccepted(1, concatSized(odd, new byte[3]));
        assertDropped(SyncDropReason.TRAILING_BYTES, concatSized(odd, new byte[4]));
    }

    @Test
    void shouldDropOnlyTheRecordWithAnUnknownMandatoryOption() {
        byte[] d = message(3, v4(6, 3, 1, bytes("05 02 0000")), v4(6, 3, 1, bytes("45 02 0000")),
                v4(6, 3, 1, bytes("05 02 0000 FF")));
        assertRecords(d, SyncDropReason.UNKNOWN_MANDATORY_OPTION, 1);
        assertEquals(2, counters.get(SyncDropReason.UNKNOWN_MANDATORY_OPTION), "the malformed option after it is not read");
    }

    @Test
    void shouldReadKnownOptionsWithTheOptionalBitSet() {
        byte[] d = message(1, v4(17, 0x1003, 0, bytes("41 18", "00".repeat(24), "42 01 AA 43 03 736970")));
        assertAccepted(1, d);
        assertTrue(delivered.get(0).sequence() != null);
        assertEquals("sip", delivered.get(0).peName());
    }

    @Test
    void shouldDropOnlyTheRecordOfAnUnsupportedProtocol() {
        assertRecords(message(2, v4(1, 3, 0, new byte[0]), v4(6, 3, 1, new byte[0])),
                SyncDropReason.UNSUPPORTED_PROTOCOL, 1);
        // a template is not checked against its protocol, as in the kernel
        assertAccepted(1, message(1, v4(1, 0x1003, 0, new byte[0])));
    }

    @Test
    void shouldDropOnlyTheRecordWhoseStateItsProtocolDoesNotHave() {
        assertRecords(message(4, v4(6, 3, 11, new byte[0]), v4(6, 3, 10, new byte[0]), v4(17, 0, 1, new byte[0]),
                v6(132, 3, 13, new byte[0])), SyncDropReason.STATE_OUT_OF_RANGE, 2);
        assertRecords(message(2, v4(132, 3, 14, new byte[0]), v4(50, 3, 0, new byte[0])),
                SyncDropReason.STATE_OUT_OF_RANGE, 1);
    }

    @Test
    void shouldDropATemplateStateAboveAssured() {
        assertRecords(message(2, v4(6, 0x1003, 2, new byte[0]), v4(6, 0x1003, 1, new byte[0])),
                SyncDropReason.TEMPLATE_STATE_OUT_OF_RANGE, 1);
    }

    @Test
    void shouldDropPersistenceDataWithoutAnEngineName() {
        assertRecords(message(2, v4(17, 0x1003, 0, bytes("02 02 AABB")), v4(17, 0x1003, 0, bytes("03 03 736970"))),
                SyncDropReason.PE_DATA_WITHOUT_NAME, 1);
    }

    @Test
    void shouldNotDeliverAnyRecordOfADatagramWithAMalformedLaterRecord() {
        byte[] d = message(2, v4(6, 3, 1, new byte[0]), v4(6, 3, 1, bytes("01 14")));
        assertDropped(SyncDropReason.OPTION_BAD_LENGTH, d);
        assertTrue(delivered.isEmpty());
    }

    @Test
    void shouldRefuseASyncIdOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new SyncMessageReader(256, counters));
        assertThrows(IllegalArgumentException.class, () -> new SyncMessageReader(-1, counters));
    }

    @Test
    void shouldHaveAHostileDatagramForEveryReason() {
        Map<SyncDropReason, byte[]> examples = hostile();
        assertEquals(EnumSet.allOf(SyncDropReason.class), examples.keySet());
        for (Map.Entry<SyncDropReason, byte[]> e : examples.entrySet()) {
            LoopCounters<SyncDropReason> own = new LoopCounters<>(SyncDropReason.class);
            byte[] d = e.getValue();
            SyncDropReason verdict = new SyncMessageReader(7, own).read(MemorySegment.ofArray(d.clone()), 0, d.length,
                    (c, o) -> { });
            assertEquals(e.getKey().isRecordReason() ? SyncDropReason.NONE : e.getKey(), verdict, e.getKey().name());
            assertEquals(1, own.get(e.getKey()), e.getKey().name());
        }
    }

    /** One hostile datagram per reason (for {@link SyncDropReason#NONE}, a valid one); also the fuzzer's seeds. */
    static Map<SyncDropReason, byte[]> hostile() {
        Map<SyncDropReason, byte[]> m = new EnumMap<>(SyncDropReason.class);
        byte[] plain = v4(6, 3, 1, new byte[0]);
        m.put(SyncDropReason.NONE, SyncGoldenDatagrams.IPV4_DR);
        m.put(SyncDropReason.HEADER_TRUNCATED, bytes("00 07 0006 01 01"));
        byte[] size = SyncGoldenDatagrams.IPV4_DR.clone();
        size[3] = 45;
        m.put(SyncDropReason.SIZE_MISMATCH, size);
        byte[] id = SyncGoldenDatagrams.IPV4_DR.clone();
        id[1] = 8;
        m.put(SyncDropReason.WRONG_SYNC_ID, id);
        m.put(SyncDropReason.VERSION_0, bytes("01 07 001C 00 06 9C40 0050 0050 C6120001 C6120064 C612010B 0003 0001"));
        byte[] version = SyncGoldenDatagrams.IPV4_DR.clone();
        version[5] = 2;
        m.put(SyncDropReason.UNKNOWN_VERSION, version);
        byte[] spare = SyncGoldenDatagrams.IPV4_DR.clone();
        spare[6] = 1;
        m.put(SyncDropReason.SPARE_NOT_ZERO, spare);
        byte[] count = SyncGoldenDatagrams.IPV4_DR.clone();
        count[4] = 2;
        m.put(SyncDropReason.RECORD_TRUNCATED, count);
        m.put(SyncDropReason.RECORD_BEYOND_DATAGRAM, message(1, verSize(plain.clone(), 40)));
        m.put(SyncDropReason.RECORD_UNKNOWN_VERSION, message(1, verSize(plain.clone(), 0x1024)));
        m.put(SyncDropReason.RECORD_BAD_TYPE, message(1, type(plain.clone(), 2)));
        m.put(SyncDropReason.RECORD_TOO_SHORT, message(1, type(plain.clone(), 1)));
        m.put(SyncDropReason.OPTION_TRUNCATED, message(1, v4(6, 3, 1, bytes("01"))));
        m.put(SyncDropReason.OPTION_BAD_LENGTH, message(1, v4(6, 3, 1, bytes("41 00"))));
        m.put(SyncDropReason.SEQUENCE_OPTION_BAD_LENGTH, message(1, v4(6, 0x600, 1, concat(bytes("01 14"), new byte[20]))));
        m.put(SyncDropReason.OPTION_REPEATED, message(1, v4(6, 0x600, 1, concat(SEQ, SEQ))));
        m.put(SyncDropReason.PE_NAME_TOO_LONG, message(1, v4(17, 0x1003, 0, concat(bytes("02 01 AA 03 11"), new byte[17]))));
        m.put(SyncDropReason.TRAILING_BYTES, concatSized(SyncGoldenDatagrams.IPV4_DR, new byte[4]));
        m.put(SyncDropReason.UNKNOWN_MANDATORY_OPTION, message(1, v4(6, 3, 1, bytes("05 02 0000"))));
        m.put(SyncDropReason.UNSUPPORTED_PROTOCOL, message(1, v4(1, 3, 0, new byte[0])));
        m.put(SyncDropReason.STATE_OUT_OF_RANGE, message(1, v4(6, 3, 11, new byte[0])));
        m.put(SyncDropReason.TEMPLATE_STATE_OUT_OF_RANGE, message(1, v4(6, 0x1003, 2, new byte[0])));
        m.put(SyncDropReason.PE_DATA_WITHOUT_NAME, message(1, v4(17, 0x1003, 0, bytes("02 02 AABB"))));
        return m;
    }

    private void assertDropped(SyncDropReason expected, byte[] datagram) {
        long before = counters.get(expected);
        assertEquals(expected, read(datagram));
        assertEquals(before + 1, counters.get(expected));
        assertEquals(0, reader.delivered());
    }

    private void assertAccepted(int records, byte[] datagram) {
        delivered.clear();
        assertEquals(SyncDropReason.NONE, read(datagram));
        assertEquals(records, reader.delivered());
        assertEquals(records, delivered.size());
    }

    /** The datagram passes, one record is dropped for {@code expected}, {@code ok} are delivered. */
    private void assertRecords(byte[] datagram, SyncDropReason expected, int ok) {
        long before = counters.get(expected);
        assertAccepted(ok, datagram);
        assertEquals(before + (datagram[4] - ok), counters.get(expected));
    }

    private SyncDropReason read(byte[] datagram) {
        // a segment of exactly the datagram: any read past it throws
        MemorySegment exact = MemorySegment.ofArray(datagram.clone());
        return reader.read(exact, 0, datagram.length, (c, o) -> delivered.add(SyncRecordData.of(c, o)));
    }

    /** A version 1 message, sync id 7, the records padded to 4 bytes but the last. */
    static byte[] message(int count, byte[]... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("00 07 0000", String.format("%02X", count), "01 0000"));
        for (int i = 0; i < records.length; i++) {
            out.writeBytes(records[i]);
            if (i < records.length - 1) {
                out.writeBytes(new byte[(4 - records[i].length % 4) % 4]);
            }
        }
        byte[] m = out.toByteArray();
        m[2] = (byte) (m.length >>> 8);
        m[3] = (byte) m.length;
        return m;
    }

    /** An IPv4 record, 198.18.0.1:40000 to 198.18.0.100:80 on 198.18.1.11:80, then its options. */
    static byte[] v4(int protocol, int flags, int state, byte[] options) {
        return record(false, protocol, flags, state, options);
    }

    /** An IPv6 record, then its options. */
    static byte[] v6(int protocol, int flags, int state, byte[] options) {
        return record(true, protocol, flags, state, options);
    }

    private static byte[] record(boolean ipv6, int protocol, int flags, int state, byte[] options) {
        int fixed = ipv6 ? SyncConnection.V6_LENGTH : SyncConnection.V4_LENGTH;
        byte[] r = new byte[fixed + options.length];
        SyncConnection c = new SyncConnection().wrap(MemorySegment.ofArray(r), 0)
                .type(ipv6 ? SyncConnection.TYPE_F_INET6 : SyncConnection.TYPE_IPV4).protocol(protocol)
                .size(r.length).flags(flags).state(state).clientPort(40000).virtualPort(80).destinationPort(80)
                .timeoutSeconds(900);
        if (!ipv6) {
            c.addressesIpv4(0xC6120001, 0xC6120064, 0xC612010B);
        }
        System.arraycopy(options, 0, r, fixed, options.length);
        return r;
    }

    static byte[] verSize(byte[] record, int verSize) {
        record[2] = (byte) (verSize >>> 8);
        record[3] = (byte) verSize;
        return record;
    }

    static byte[] type(byte[] record, int type) {
        record[0] = (byte) type;
        return record;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Appends bytes to a message and sets its size to the new length. */
    static byte[] concatSized(byte[] message, byte[] extra) {
        byte[] c = concat(message, extra);
        c[2] = (byte) (c.length >>> 8);
        c[3] = (byte) c.length;
        return c;
    }
}

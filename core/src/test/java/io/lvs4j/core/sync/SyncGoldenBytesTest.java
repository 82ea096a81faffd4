package io.lvs4j.core.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.status.LoopCounters;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The writer produces the kernel's bytes exactly ({@link SyncGoldenDatagrams}, laid out by hand
 * from the kernel's structures), and the reader gives back every field of every record.
 */
class SyncGoldenBytesTest {

    @Test
    void shouldWriteIpv4DirectRoutingConnectionByteForByte() {
        assertWrites(SyncGoldenDatagrams.IPV4_DR, SyncGoldenDatagrams.IPV4_DR_RECORDS);
    }

    @Test
    void shouldWriteSequenceOptionAndPadBeforeTheNextRecord() {
        assertWrites(SyncGoldenDatagrams.IPV4_NAT_SEQUENCE_THEN_UDP,
                SyncGoldenDatagrams.IPV4_NAT_SEQUENCE_THEN_UDP_RECORDS);
    }

    @Test
    void shouldWriteIpv6RecordsWithFirewallMarkAndSequenceOption() {
        assertWrites(SyncGoldenDatagrams.IPV6_DR_THEN_NAT_SEQUENCE,
                SyncGoldenDatagrams.IPV6_DR_THEN_NAT_SEQUENCE_RECORDS);
    }

    @Test
    void shouldWriteTemplatesWithPersistenceEngineDataAndName() {
        assertWrites(SyncGoldenDatagrams.TEMPLATES_SIP_THEN_TCP, SyncGoldenDatagrams.TEMPLATES_SIP_THEN_TCP_RECORDS);
    }

    @Test
    void shouldReadEveryFieldOfEveryGoldenRecord() {
        for (int i = 0; i < SyncGoldenDatagrams.ALL.size(); i++) {
            byte[] datagram = SyncGoldenDatagrams.ALL.get(i);
            LoopCounters<SyncDropReason> counters = new LoopCounters<>(SyncDropReason.class);
            List<SyncRecordData> read = new ArrayList<>();
            SyncDropReason reason = new SyncMessageReader(7, counters).read(MemorySegment.ofArray(datagram), 0,
                    datagram.length, (c, o) -> read.add(SyncRecordData.of(c, o)));
            assertEquals(SyncDropReason.NONE, reason, "datagram " + i);
            assertEquals(SyncGoldenDatagrams.ALL_RECORDS.get(i), read, "datagram " + i);
            assertEquals(1, counters.get(SyncDropReason.NONE));
            assertEquals(1, counters.total());
        }
    }

    @Test
    void shouldReadFieldsThroughTheFlyweightsAtTheKernelOffsets() {
        MemorySegment m = MemorySegment.ofArray(SyncGoldenDatagrams.TEMPLATES_SIP_THEN_TCP);
        SyncMessageHeader header = new SyncMessageHeader().wrap(m, 0);
        assertEquals(0, header.reserved());
        assertEquals(7, header.syncId());
        assertEquals(104, header.size());
        assertEquals(2, header.connectionCount());
        assertEquals(1, header.version());
        assertEquals(0, header.spare());
        SyncConnection sip = new SyncConnection().wrap(m, 8);
        assertEquals(0, sip.recordVersion());
        assertEquals(57, sip.size());
        assertEquals(SyncFlags.TEMPLATE | SyncFlags.DROUTE, sip.flags());
        assertEquals(0xC6120004, sip.clientAddressIpv4());
        assertEquals(0xC6120064, sip.virtualAddressIpv4());
        assertEquals(0xC612010E, sip.destinationAddressIpv4());
        SyncConnection tcp = new SyncConnection().wrap(m, 68);
        assertEquals(SyncStates.TEMPLATE_ASSURED, tcp.state());
        assertEquals(360, tcp.timeoutSeconds());
        assertEquals(443, tcp.virtualPort());
    }

    @Test
    void shouldGiveThePersistenceEngineNameWithoutAllocatingToCompare() {
        byte[] datagram = SyncGoldenDatagrams.TEMPLATES_SIP_THEN_TCP;
        List<String> names = new ArrayList<>();
        new SyncMessageReader(0, new LoopCounters<>(SyncDropReason.class)).read(MemorySegment.ofArray(datagram), 0,
                datagram.length, (c, o) -> names.add(o.peNameEquals("sip") + "/" + o.peNameEquals("sipx") + "/"
                        + o.peNameEquals("sap") + "/" + o.peDataLength()));
        assertEquals(List.of("true/false/false/14", "false/false/false/0"), names);
    }

    @Test
    void shouldReadADatagramAtAnOffsetInsideALargerBuffer() {
        byte[] datagram = SyncGoldenDatagrams.IPV4_NAT_SEQUENCE_THEN_UDP;
        byte[] buffer = new byte[datagram.length + 100];
        java.util.Arrays.fill(buffer, (byte) 0x5A);
        System.arraycopy(datagram, 0, buffer, 42, datagram.length);
        List<SyncRecordData> read = new ArrayList<>();
        assertEquals(SyncDropReason.NONE, new SyncMessageReader(7, new LoopCounters<>(SyncDropReason.class))
                .read(MemorySegment.ofArray(buffer), 42, datagram.length, (c, o) -> read.add(SyncRecordData.of(c, o))));
        assertEquals(SyncGoldenDatagrams.IPV4_NAT_SEQUENCE_THEN_UDP_RECORDS, read);
    }

    private static void assertWrites(byte[] expected, List<SyncRecordData> records) {
        List<byte[]> sent = new ArrayList<>();
        SyncMessageWriter writer = new SyncMessageWriter(7, SyncDefaults.masterMaxlen(false, 0),
                (d, length) -> sent.add(d.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)));
        for (SyncRecordData r : records) {
            r.writeTo(writer);
        }
        writer.flush();
        assertEquals(1, sent.size());
        HexFormat hex = HexFormat.of();
        assertEquals(hex.formatHex(expected), hex.formatHex(sent.get(0)));
        assertArrayEquals(expected, sent.get(0));
    }
}

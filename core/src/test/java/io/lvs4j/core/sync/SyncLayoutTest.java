package io.lvs4j.core.sync;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.conn.TcpState;
import io.lvs4j.core.model.ForwardingMethod;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * The offsets, sizes and constants agree with the kernel's C declarations, re-declared here as
 * FFM struct layouts with natural alignment (which refuses any member the C compiler would
 * have padded), and the defaults with the kernel's rules.
 */
class SyncLayoutTest {

    private static final MemoryLayout IN6_ADDR = MemoryLayout.sequenceLayout(4, JAVA_INT);

    /** struct ip_vs_sync_mesg. */
    private static final StructLayout MESG = MemoryLayout.structLayout(JAVA_BYTE.withName("reserved"),
            JAVA_BYTE.withName("syncid"), JAVA_SHORT.withName("size"), JAVA_BYTE.withName("nr_conns"),
            JAVA_BYTE.withName("version"), JAVA_SHORT.withName("spare"));

    /** struct ip_vs_sync_v4 (v6 when the addresses are in6_addr). */
    private static StructLayout record(MemoryLayout address) {
        return MemoryLayout.structLayout(JAVA_BYTE.withName("type"), JAVA_BYTE.withName("protocol"),
                JAVA_SHORT.withName("ver_size"), JAVA_INT.withName("flags"), JAVA_SHORT.withName("state"),
                JAVA_SHORT.withName("cport"), JAVA_SHORT.withName("vport"), JAVA_SHORT.withName("dport"),
                JAVA_INT.withName("fwmark"), JAVA_INT.withName("timeout"), address.withName("caddr"),
                address.withName("vaddr"), address.withName("daddr"));
    }

    /** struct ip_vs_sync_conn_options: two struct ip_vs_seq. */
    private static final StructLayout SEQ = MemoryLayout.structLayout(JAVA_INT.withName("init_seq"),
            JAVA_INT.withName("delta"), JAVA_INT.withName("previous_delta"));
    private static final StructLayout OPTIONS = MemoryLayout.structLayout(SEQ.withName("in_seq"),
            SEQ.withName("out_seq"));

    @Test
    void shouldPlaceHeaderFieldsWhereTheKernelStructHasThem() {
        assertEquals(off(MESG, "reserved"), SyncMessageHeader.RESERVED_OFFSET);
        assertEquals(off(MESG, "syncid"), SyncMessageHeader.SYNC_ID_OFFSET);
        assertEquals(off(MESG, "size"), SyncMessageHeader.SIZE_OFFSET);
        assertEquals(off(MESG, "nr_conns"), SyncMessageHeader.CONNECTION_COUNT_OFFSET);
        assertEquals(off(MESG, "version"), SyncMessageHeader.VERSION_OFFSET);
        assertEquals(off(MESG, "spare"), SyncMessageHeader.SPARE_OFFSET);
        assertEquals(MESG.byteSize(), SyncMessageHeader.LENGTH);
    }

    @Test
    void shouldPlaceRecordFieldsWhereTheKernelStructsHaveThem() {
        StructLayout v4 = record(JAVA_INT);
        StructLayout v6 = record(IN6_ADDR);
        for (StructLayout s : new StructLayout[] {v4, v6}) {
            assertEquals(off(s, "type"), SyncConnection.TYPE_OFFSET);
            assertEquals(off(s, "protocol"), SyncConnection.PROTOCOL_OFFSET);
            assertEquals(off(s, "ver_size"), SyncConnection.VER_SIZE_OFFSET);
            assertEquals(off(s, "flags"), SyncConnection.FLAGS_OFFSET);
            assertEquals(off(s, "state"), SyncConnection.STATE_OFFSET);
            assertEquals(off(s, "cport"), SyncConnection.CLIENT_PORT_OFFSET);
            assertEquals(off(s, "vport"), SyncConnection.VIRTUAL_PORT_OFFSET);
            assertEquals(off(s, "dport"), SyncConnection.DESTINATION_PORT_OFFSET);
            assertEquals(off(s, "fwmark"), SyncConnection.FWMARK_OFFSET);
            assertEquals(off(s, "timeout"), SyncConnection.TIMEOUT_OFFSET);
            assertEquals(off(s, "caddr"), SyncConnection.ADDRESSES_OFFSET);
        }
        assertEquals(v4.byteSize(), SyncConnection.V4_LENGTH);
        assertEquals(v6.byteSize(), SyncConnection.V6_LENGTH);
        assertEquals(off(v6, "daddr") - off(v6, "vaddr"), 16);
        assertEquals(off(OPTIONS, "out_seq"), SyncSequenceData.OUT_INIT_SEQ_OFFSET);
        assertEquals(OPTIONS.byteSize(), SyncSequenceData.LENGTH);
        assertEquals(373, SyncConnection.MAX_LENGTH, "72 + 26 + 2 + 255 + 2 + 16");
    }

    @Test
    void shouldAddOptionsToTheRecordLengthAsTheSenderDoes() {
        assertEquals(36, SyncConnection.length(false, false, 0, 0));
        assertEquals(62, SyncConnection.length(false, true, 0, 0));
        assertEquals(98, SyncConnection.length(true, true, 0, 0));
        assertEquals(57, SyncConnection.length(false, false, 14, 3));
        assertEquals(52, SyncConnection.length(false, false, 14, 0));
        assertEquals(36, SyncConnection.length(false, false, 0, 3), "a PE name is sent only with PE data");
    }

    @Test
    void shouldDefineTheKernelConnectionFlags() {
        assertEquals(0x1F87, SyncFlags.BACKUP_MASK);
        assertEquals(0x0700, SyncFlags.BACKUP_UPDATE_MASK);
        assertEquals(0x1F87 | SyncFlags.SYNC, SyncFlags.received(0xFFFF_FFFF));
        assertEquals(SyncFlags.DROUTE | SyncFlags.SYNC, SyncFlags.received(SyncFlags.DROUTE | SyncFlags.HASHED
                | SyncFlags.ONE_PACKET | SyncFlags.NFCT));
        assertEquals(0x40, SyncOption.F_PARAM);
        for (ForwardingMethod m : new ForwardingMethod[] {ForwardingMethod.DIRECT_ROUTE, ForwardingMethod.MASQUERADE,
            ForwardingMethod.TUNNEL}) {
            assertEquals(m, SyncFlags.forwardingMethod(SyncFlags.of(m) | SyncFlags.INACTIVE));
        }
        assertEquals(-1, SyncFlags.of(ForwardingMethod.FULL_NAT));
        assertNull(SyncFlags.forwardingMethod(SyncFlags.LOCALNODE));
        assertNull(SyncFlags.forwardingMethod(SyncFlags.BYPASS));
        assertNull(SyncFlags.forwardingMethod(7));
    }

    @Test
    void shouldNumberTcpStatesAsTcpStateOrdinals() {
        int[] wire = {SyncStates.TCP_NONE, SyncStates.TCP_ESTABLISHED, SyncStates.TCP_SYN_SENT, SyncStates.TCP_SYN_RECV,
            SyncStates.TCP_FIN_WAIT, SyncStates.TCP_TIME_WAIT, SyncStates.TCP_CLOSE, SyncStates.TCP_CLOSE_WAIT,
            SyncStates.TCP_LAST_ACK, SyncStates.TCP_LISTEN, SyncStates.TCP_SYNACK};
        TcpState[] states = TcpState.values();
        assertEquals(SyncStates.TCP_STATE_COUNT, states.length);
        for (int i = 0; i < states.length; i++) {
            assertEquals(states[i].ordinal(), wire[i], states[i].name());
            assertEquals(states[i], SyncStates.tcpState(wire[i]));
            assertTrue(states[i].name().equals(states[i].ipvsName()));
        }
        assertThrows(IllegalArgumentException.class, () -> SyncStates.tcpState(11));
        assertEquals(1, SyncStates.stateCount(17));
        assertEquals(14, SyncStates.stateCount(132));
        assertEquals(1, SyncStates.stateCount(50));
        assertEquals(1, SyncStates.stateCount(51));
        assertEquals(-1, SyncStates.stateCount(1));
    }

    @Test
    void shouldDeriveMaxlenAsTheKernelDoes() {
        assertEquals(1472, SyncDefaults.masterMaxlen(false, 0));
        assertEquals(1452, SyncDefaults.masterMaxlen(true, 0));
        assertEquals(1, SyncDefaults.masterMaxlen(false, 1));
        assertEquals(65507, SyncDefaults.masterMaxlen(false, 65535));
        assertEquals(65487, SyncDefaults.masterMaxlen(true, 65535));
        assertEquals(1472, SyncDefaults.backupMaxlen(false, 1280, 0), "a backup assumes at least 1500");
        assertEquals(8972, SyncDefaults.backupMaxlen(false, 9000, 0));
        assertEquals(8952, SyncDefaults.backupMaxlen(true, 9000, 0));
        assertEquals(1024, SyncDefaults.backupMaxlen(false, 1500, 100));
        assertEquals(2000, SyncDefaults.backupMaxlen(false, 1500, 2000));
        assertEquals(8848, SyncDefaults.PORT);
        assertEquals("224.0.0.81", (SyncDefaults.GROUP_IPV4 >>> 24) + "." + ((SyncDefaults.GROUP_IPV4 >>> 16) & 0xFF)
                + "." + ((SyncDefaults.GROUP_IPV4 >>> 8) & 0xFF) + "." + (SyncDefaults.GROUP_IPV4 & 0xFF));
        assertEquals(SyncDefaults.GROUP_IPV4_TEXT, "224.0.0.81");
        assertEquals(1, SyncDefaults.TTL);
    }

    @Test
    void shouldCheckSyncThresholdAsTheSysctlHandlerDoes() {
        assertTrue(SyncSysctls.validThreshold(SyncSysctls.SYNC_THRESHOLD, SyncSysctls.SYNC_PERIOD));
        assertTrue(SyncSysctls.validThreshold(7, 0));
        assertTrue(SyncSysctls.validThreshold(0, 1));
        assertFalse(SyncSysctls.validThreshold(50, 50));
        assertFalse(SyncSysctls.validThreshold(-1, 50));
        assertFalse(SyncSysctls.validThreshold(3, -1));
        assertEquals(1024, SyncSysctls.syncQlenMax(32 * 1024));
        assertEquals(64, SyncSysctls.SYNC_PORTS_MAX);
        assertEquals(0, SyncSysctls.SYNC_REFRESH_PERIOD_SECONDS);
        assertEquals(0, SyncSysctls.SYNC_RETRIES);
    }

    private static long off(StructLayout layout, String name) {
        return layout.byteOffset(groupElement(name));
    }
}

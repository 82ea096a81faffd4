package io.lvs4j.core.conn;

import static io.lvs4j.core.packet.TcpHeader.ACK;
import static io.lvs4j.core.packet.TcpHeader.FIN;
import static io.lvs4j.core.packet.TcpHeader.RST;
import static io.lvs4j.core.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.status.IpvsadmFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

    static final long S = 1_000_000_000L;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int CLIENT = 0xC6120001;       // 198.18.0.1
    static final int VIP = 0xC6120064;          // 198.18.0.100
    static final int RS1 = 0xC6120107;          // 198.18.1.7
    static final int RS2 = 0xC6120108;

    final ManualClock clock = new ManualClock(1_000 * S);
    final DestinationRegistry registry = new DestinationRegistry(8);
    final ConnectionCounters rs1 = new ConnectionCounters();
    final ConnectionCounters rs2 = new ConnectionCounters();
    final FlowTuple flow = new FlowTuple();
    ConnectionTable table = newTable(64, false);

    ConnectionTable newTable(int capacity, boolean expireQuiescent) {
        registry.register(1, rs1, 1);
        registry.register(2, rs2, 1);
        return ConnectionTable.builder().capacity(capacity).clock(clock).registry(registry)
                .expireQuiescentTemplate(expireQuiescent).seed(1).build();
    }

    @AfterEach
    void close() {
        table.close();
    }

    void advance(long nanos) {
        clock.advance(nanos);
        table.expire();
    }

    int insert(int cport, ForwardingMethod method) {
        return table.insert(flow.ipv4(TCP, CLIENT, cport, VIP, 80).server(RS1, 8080), 1, method, ConnectionTable.MISS);
    }

    static void assertCounters(ConnectionCounters c, int active, int inactive) {
        assertEquals(active, c.activeConnections(), "ActiveConn");
        assertEquals(inactive, c.inactiveConnections(), "InActConn");
    }

    @Test
    void shouldFollowNormalOpenAndCloseInDirectRouting() {
        int e = insert(40000, ForwardingMethod.DIRECT_ROUTE);
        assertEquals(TcpState.NONE, table.state(e));
        assertEquals(clock.now + 3 * S, table.deadline(e));
        assertCounters(rs1, 0, 1);
        table.onTcpPacket(e, PacketDirection.INPUT, SYN);
        assertEquals(TcpState.SYN_RECV, table.state(e));
        assertCounters(rs1, 0, 1);
        table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.ESTABLISHED, table.state(e));
        assertCounters(rs1, 1, 0);
        table.onTcpPacket(e, PacketDirection.INPUT, ACK | 0x08);
        assertCounters(rs1, 1, 0);
        table.onTcpPacket(e, PacketDirection.INPUT, FIN | ACK);
        assertEquals(TcpState.FIN_WAIT, table.state(e));
        assertCounters(rs1, 0, 1);
        table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.FIN_WAIT, table.state(e));
        assertEquals(clock.now + 120 * S, table.deadline(e));
        advance(120 * S - 1);
        assertEquals(e, table.lookup(flow.ipv4(TCP, CLIENT, 40000, VIP, 80)));
        advance(1);
        assertEquals(ConnectionTable.MISS, table.lookup(flow.ipv4(TCP, CLIENT, 40000, VIP, 80)));
        assertCounters(rs1, 0, 0);
        assertEquals(0, table.size());
    }

    @Test
    void shouldFollowNormalOpenAndCloseInNatWithBothTables() {
        int e = insert(40000, ForwardingMethod.MASQUERADE);
        table.onTcpPacket(e, PacketDirection.INPUT, SYN);
        assertEquals(TcpState.SYN_RECV, table.state(e));
        table.onTcpPacket(e, PacketDirection.OUTPUT, SYN | ACK);
        assertEquals(TcpState.SYN_RECV, table.state(e));
        assertCounters(rs1, 0, 1);
        table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.ESTABLISHED, table.state(e));
        assertCounters(rs1, 1, 0);
        table.onTcpPacket(e, PacketDirection.INPUT, FIN | ACK);
        assertEquals(TcpState.CLOSE_WAIT, table.state(e));
        assertCounters(rs1, 0, 1);
        table.onTcpPacket(e, PacketDirection.OUTPUT, ACK);
        assertEquals(TcpState.CLOSE_WAIT, table.state(e));
        table.onTcpPacket(e, PacketDirection.OUTPUT, FIN | ACK);
        assertEquals(TcpState.TIME_WAIT, table.state(e));
        table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.TIME_WAIT, table.state(e));
        assertCounters(rs1, 0, 1);
        advance(120 * S);
        assertEquals(0, table.size());
        assertCounters(rs1, 0, 0);
    }

    @Test
    void shouldCloseFromServerSideInNat() {
        int e = establish(ForwardingMethod.MASQUERADE);
        table.onTcpPacket(e, PacketDirection.OUTPUT, FIN | ACK);
        assertEquals(TcpState.FIN_WAIT, table.state(e));
        table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.FIN_WAIT, table.state(e));
        table.onTcpPacket(e, PacketDirection.INPUT, FIN | ACK);
        assertEquals(TcpState.TIME_WAIT, table.state(e));
        assertCounters(rs1, 0, 1);
    }

    @Test
    void shouldHandleSimultaneousClose() {
        int nat = establish(ForwardingMethod.MASQUERADE);
        table.onTcpPacket(nat, PacketDirection.INPUT, FIN | ACK);
        table.onTcpPacket(nat, PacketDirection.OUTPUT, FIN | ACK);
        assertEquals(TcpState.TIME_WAIT, table.state(nat));
        table.onTcpPacket(nat, PacketDirection.OUTPUT, ACK);
        table.onTcpPacket(nat, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.TIME_WAIT, table.state(nat));

        int dr = table.insert(flow.ipv4(TCP, CLIENT, 40001, VIP, 80).server(RS2, 80), 2, ForwardingMethod.DIRECT_ROUTE,
                ConnectionTable.MISS);
        table.onTcpPacket(dr, PacketDirection.INPUT, SYN);
        table.onTcpPacket(dr, PacketDirection.INPUT, ACK);
        table.onTcpPacket(dr, PacketDirection.INPUT, FIN | ACK);
        table.onTcpPacket(dr, PacketDirection.INPUT, FIN | ACK);
        assertEquals(TcpState.FIN_WAIT, table.state(dr));
        assertCounters(rs2, 0, 1);
        assertCounters(rs1, 0, 1);
    }

    @Test
    void shouldMoveToCloseOnResetAndExpireAfterTenSeconds() {
        for (ForwardingMethod method : List.of(ForwardingMethod.DIRECT_ROUTE, ForwardingMethod.MASQUERADE)) {
            int e = establish(method);
            assertCounters(rs1, 1, 0);
            table.onTcpPacket(e, PacketDirection.INPUT, RST);
            assertEquals(TcpState.CLOSE, table.state(e));
            assertCounters(rs1, 0, 1);
            advance(10 * S - 1);
            assertEquals(1, table.size());
            advance(1);
            assertEquals(0, table.size());
            assertCounters(rs1, 0, 0);
        }
    }

    @Test
    void shouldKeepServerResetOfSynInSynRecvWhenOnlyInputIsSeen() {
        int e = insert(40000, ForwardingMethod.MASQUERADE);
        table.onTcpPacket(e, PacketDirection.INPUT, SYN);
        table.onTcpPacket(e, PacketDirection.INPUT, RST);
        assertEquals(TcpState.SYN_RECV, table.state(e));
        table.onTcpPacket(e, PacketDirection.OUTPUT, RST);
        assertEquals(TcpState.CLOSE, table.state(e));
    }

    @Test
    void shouldStayInSynRecvAndReArmOnRetransmittedSyn() {
        for (ForwardingMethod method : List.of(ForwardingMethod.DIRECT_ROUTE, ForwardingMethod.MASQUERADE)) {
            int e = table.insert(flow.ipv4(TCP, CLIENT, 50000 + method.ordinal(), VIP, 80).server(RS1, 80), 1, method,
                    ConnectionTable.MISS);
            table.onTcpPacket(e, PacketDirection.INPUT, SYN);
            long first = table.deadline(e);
            assertEquals(clock.now + 60 * S, first);
            advance(30 * S);
            table.onTcpPacket(e, PacketDirection.INPUT, SYN);
            assertEquals(TcpState.SYN_RECV, table.state(e));
            assertEquals(first + 30 * S, table.deadline(e));
            advance(59 * S);
            assertEquals(e, table.lookup(flow.ipv4(TCP, CLIENT, 50000 + method.ordinal(), VIP, 80)));
            advance(1 * S);
            assertEquals(ConnectionTable.MISS, table.lookup(flow.ipv4(TCP, CLIENT, 50000 + method.ordinal(), VIP, 80)));
        }
        assertCounters(rs1, 0, 0);
    }

    @Test
    void shouldSwitchDirectRouteEntryToOutputTableOnceAReplyIsSeen() {
        int e = establish(ForwardingMethod.DIRECT_ROUTE);
        assertTrue((table.flags(e) & ConnectionTable.FLAG_NO_OUTPUT) != 0);
        table.onTcpPacket(e, PacketDirection.INPUT, FIN | ACK);
        assertEquals(TcpState.FIN_WAIT, table.state(e));
        table.onTcpPacket(e, PacketDirection.OUTPUT, ACK);
        assertFalse((table.flags(e) & ConnectionTable.FLAG_NO_OUTPUT) != 0);
        table.onTcpPacket(e, PacketDirection.INPUT, FIN);
        assertEquals(TcpState.TIME_WAIT, table.state(e));
    }

    @Test
    void shouldMoveToCloseOnPacketWithoutFlags() {
        int e = establish(ForwardingMethod.DIRECT_ROUTE);
        table.onTcpPacket(e, PacketDirection.INPUT, 0);
        assertEquals(TcpState.CLOSE, table.state(e));
        assertCounters(rs1, 0, 1);
    }

    @Test
    void shouldCountUdpInInactiveAndExpireAfterUdpTimeout() {
        int e = table.insert(flow.ipv4(UDP, CLIENT, 5353, VIP, 53).server(RS1, 53), 1, ForwardingMethod.DIRECT_ROUTE,
                ConnectionTable.MISS);
        table.onPacket(e);
        assertCounters(rs1, 0, 1);
        advance(200 * S);
        table.onPacket(e);
        advance(299 * S);
        assertEquals(e, table.lookup(flow.ipv4(UDP, CLIENT, 5353, VIP, 53)));
        advance(1 * S);
        assertEquals(0, table.size());
        assertCounters(rs1, 0, 0);
    }

    @Test
    void shouldExpireEstablishedConnectionBeyondOneWheelTurnAtItsDeadline() {
        int e = establish(ForwardingMethod.DIRECT_ROUTE);
        long deadline = table.deadline(e);
        assertEquals(clock.now + 900 * S, deadline);
        for (int step = 0; step < 899; step++) {
            advance(S);
        }
        assertEquals(e, table.lookup(flow.ipv4(TCP, CLIENT, 40000, VIP, 80)));
        advance(S - 1);
        assertEquals(1, table.size());
        advance(1);
        assertEquals(0, table.size());
        assertCounters(rs1, 0, 0);
        assertEquals(1, table.expiredTotal());
    }

    @Test
    void shouldExpireEverythingDueAfterALongPause() {
        for (int i = 0; i < 20; i++) {
            int e = insert(30000 + i, ForwardingMethod.MASQUERADE);
            table.onTcpPacket(e, PacketDirection.INPUT, i % 2 == 0 ? SYN : RST);
        }
        int udp = table.insert(flow.ipv4(UDP, CLIENT, 5353, VIP, 53).server(RS1, 53), 1, ForwardingMethod.MASQUERADE,
                ConnectionTable.MISS);
        table.onPacket(udp);
        advance(250 * S);
        assertEquals(1, table.size());
        advance(5_000 * S);
        assertEquals(0, table.size());
        assertCounters(rs1, 0, 0);
    }

    @Test
    void shouldAllowTupleReuseByNewSynAsConnReuseModeSays() {
        int e = establish(ForwardingMethod.DIRECT_ROUTE);
        assertFalse(table.reusableByNewSyn(e, 1));
        table.onTcpPacket(e, PacketDirection.INPUT, FIN | ACK);
        assertEquals(TcpState.FIN_WAIT, table.state(e));
        assertFalse(table.reusableByNewSyn(e, 1));
        assertTrue(table.reusableByNewSyn(e, 3));
        table.onTcpPacket(e, PacketDirection.INPUT, RST);
        assertTrue(table.reusableByNewSyn(e, 1));
        assertFalse(table.reusableByNewSyn(e, 0));
        assertTrue(table.expireNow(e));
        assertCounters(rs1, 0, 0);
        int udp = table.insert(flow.ipv4(UDP, CLIENT, 5353, VIP, 53).server(RS1, 53), 1, ForwardingMethod.DIRECT_ROUTE,
                ConnectionTable.MISS);
        assertFalse(table.reusableByNewSyn(udp, 3));
    }

    @Test
    void shouldExpireConnectionThatNeverSawAPacketAfterThreeSeconds() {
        insert(40000, ForwardingMethod.DIRECT_ROUTE);
        advance(3 * S - 1);
        assertEquals(1, table.size());
        advance(1);
        assertEquals(0, table.size());
        assertCounters(rs1, 0, 0);
    }

    @Test
    void shouldApplyConfiguredTimeouts() {
        table.close();
        registry.register(1, rs1, 1);
        table = ConnectionTable.builder().capacity(8).clock(clock).registry(registry)
                .timeouts(ConnectionTimeouts.DEFAULTS.withTcp(TcpState.ESTABLISHED, Duration.ofSeconds(5)))
                .build();
        int e = establish(ForwardingMethod.DIRECT_ROUTE);
        assertEquals(clock.now + 5 * S, table.deadline(e));
        advance(5 * S);
        assertEquals(0, table.size());
        assertCounters(rs1, 0, 0);
    }

    @Test
    void shouldExpireEarlierWhenStateTimeoutShrinks() {
        int e = establish(ForwardingMethod.DIRECT_ROUTE);
        advance(100 * S);
        table.onTcpPacket(e, PacketDirection.INPUT, RST);
        advance(10 * S);
        assertEquals(0, table.size());
    }

    @Test
    void shouldRefuseNewFlowsWhenFullAndKeepExistingOnes() {
        table.close();
        table = newTable(4, false);
        int[] entries = new int[4];
        for (int i = 0; i < 4; i++) {
            entries[i] = insert(1000 + i, ForwardingMethod.DIRECT_ROUTE);
            table.onTcpPacket(entries[i], PacketDirection.INPUT, SYN);
        }
        assertEquals(ConnectionTable.MISS, insert(2000, ForwardingMethod.DIRECT_ROUTE));
        assertEquals(1, table.refusedInserts());
        assertCounters(rs1, 0, 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(entries[i], table.lookup(flow.ipv4(TCP, CLIENT, 1000 + i, VIP, 80)));
            assertEquals(TcpState.SYN_RECV, table.state(entries[i]));
        }
        advance(60 * S);
        assertEquals(0, table.size());
        assertNotEquals(ConnectionTable.MISS, insert(2000, ForwardingMethod.DIRECT_ROUTE));
    }

    @Test
    void shouldFindNatRepliesThroughReverseIndexOnly() {
        int nat = insert(40000, ForwardingMethod.MASQUERADE);
        int dr = insert(40001, ForwardingMethod.DIRECT_ROUTE);
        assertEquals(nat, table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(CLIENT, 40000)));
        assertEquals(ConnectionTable.MISS,
                table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(CLIENT, 40001)));
        assertEquals(ConnectionTable.MISS,
                table.lookupReply(flow.protocol(UDP).server(RS1, 8080).client(CLIENT, 40000)));
        assertEquals(RS1, table.destinationAddressIpv4(nat));
        assertEquals(8080, table.destinationPort(nat));
        assertEquals(VIP, table.virtualAddressIpv4(nat));
        assertEquals(80, table.virtualPort(nat));
        assertTrue(table.expireNow(nat));
        assertEquals(ConnectionTable.MISS,
                table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(CLIENT, 40000)));
        assertEquals(dr, table.lookup(flow.ipv4(TCP, CLIENT, 40001, VIP, 80)));
    }

    @Test
    void shouldListEntriesForControlPlaneThreadSafely() throws Exception {
        int e = establish(ForwardingMethod.MASQUERADE);
        CompletableFuture<List<ConnectionEntry>> listing = table.requestEntries();
        assertFalse(listing.isDone());
        table.expire();
        List<ConnectionEntry> entries = listing.get();
        assertEquals(1, entries.size());
        ConnectionEntry entry = entries.get(0);
        assertEquals(TcpState.ESTABLISHED, entry.state());
        assertEquals(table.destination(e), entry.destinationId());
        assertEquals("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination\n"
                + "TCP 15:00  ESTABLISHED 198.18.0.1:40000   198.18.0.100:80    198.18.1.7:8080\n",
                IpvsadmFormat.connections(entries));
    }

    int establish(ForwardingMethod method) {
        int e = insert(40000, method);
        table.onTcpPacket(e, PacketDirection.INPUT, SYN);
        if (method == ForwardingMethod.MASQUERADE) {
            table.onTcpPacket(e, PacketDirection.OUTPUT, SYN | ACK);
        }
        table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.ESTABLISHED, table.state(e));
        return e;
    }

    /** A clock the test moves by hand. */
    static final class ManualClock implements io.lvs4j.core.time.NanoClock {
        long now;

        ManualClock(long start) {
            this.now = start;
        }

        void advance(long nanos) {
            now += nanos;
        }

        @Override
        public long nanoTime() {
            return now;
        }
    }
}

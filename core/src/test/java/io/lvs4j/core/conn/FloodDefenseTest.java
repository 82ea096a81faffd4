package io.lvs4j.core.conn;

import static io.lvs4j.core.conn.ConnectionTableTest.S;
import static io.lvs4j.core.conn.ConnectionTableTest.assertCounters;
import static io.lvs4j.core.packet.TcpHeader.ACK;
import static io.lvs4j.core.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * IPVS's SYN-flood defences on the table: {@code secure_tcp}'s short timeouts for embryonic
 * entries and {@code drop_entry}'s random drops of them, each off, on, or on automatically past
 * a fill threshold; established connections are never dropped.
 */
class FloodDefenseTest {

    static final int TCP = 6;
    static final int FLOOD = 0xC6130000;     // 198.19.0.0/16: the flood's sources
    static final int CLIENT = 0xC6120001;    // 198.18.0.1: a legitimate client
    static final int VIP = 0xC6120064;
    static final int RS1 = 0xC6120107;

    final ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(1_000 * S);
    final DestinationRegistry registry = new DestinationRegistry(4);
    final ConnectionCounters rs1 = new ConnectionCounters();
    final FlowTuple flow = new FlowTuple();
    ConnectionTable table;

    ConnectionTable table(int capacity, FloodDefense defense) {
        registry.register(1, rs1, 1);
        table = ConnectionTable.builder().capacity(capacity).clock(clock).registry(registry).seed(3)
                .floodDefense(defense).build();
        return table;
    }

    @AfterEach
    void close() {
        if (table != null) {
            table.close();
        }
    }

    void tick(long nanos) {
        clock.advance(nanos);
        table.expire();
    }

    /** A flood SYN from a new source: an entry in SYN_RECV, or MISS if refused. */
    int syn(int source) {
        int e = table.insert(flow.ipv4(TCP, FLOOD + source, 1024 + (source & 0x7FFF), VIP, 80).server(RS1, 80), 1,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        if (e != ConnectionTable.MISS) {
            table.onTcpPacket(e, PacketDirection.INPUT, SYN);
        }
        return e;
    }

    int established(int port) {
        int e = table.insert(flow.ipv4(TCP, CLIENT, port, VIP, 80).server(RS1, 80), 1,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        table.onTcpPacket(e, PacketDirection.INPUT, SYN);
        table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        return e;
    }

    @Test
    void shouldShortenEmbryonicTimeoutsPastTheThresholdOnlyWhileFilled() {
        table(100, new FloodDefense(FloodDefense.Mode.OFF, FloodDefense.Mode.AUTO, 50, Duration.ofSeconds(5)));
        for (int i = 0; i < 49; i++) {
            syn(i);
        }
        tick(1);
        assertFalse(table.floodStats().secureTcpActive());
        assertEquals(60 * S, table.deadline(syn(1000)) - table.now(), "IPVS's SYN_RECV timeout below the threshold");
        tick(1);
        assertTrue(table.floodStats().secureTcpActive(), "50 of 100: on");
        assertEquals(1, table.floodStats().activations());
        assertEquals(5 * S, table.deadline(syn(1001)) - table.now(), "secure_tcp's timeout");
        int e = established(40000);
        assertEquals(900 * S, table.deadline(e) - table.now(), "established keeps its timeout");
        // the short-lived entries go, the table empties below 7/8 of the threshold: off again
        tick(6 * S);
        assertEquals(51, table.size(), "the 50 older flood entries (60 s) and the established one stay");
        for (int i = 0; i < 10; i++) {
            table.expireNow(table.lookup(flow.ipv4(TCP, FLOOD + i, 1024 + i, VIP, 80)));
        }
        tick(1);
        assertFalse(table.floodStats().secureTcpActive(), "40 of 100: off");
        assertEquals(60 * S, table.deadline(syn(2000)) - table.now());
    }

    @Test
    void shouldMakeRoomForNewFlowsByDroppingEmbryonicEntriesNeverEstablishedOnes() {
        table(64, new FloodDefense(FloodDefense.Mode.AUTO, FloodDefense.Mode.OFF, 90, Duration.ofSeconds(5)));
        List<Integer> kept = new ArrayList<>();
        for (int port = 40000; port < 40010; port++) {
            kept.add(established(port));
        }
        int source = 0;
        while (table.size() < 64) {
            syn(source++);
        }
        tick(1);
        assertTrue(table.floodStats().dropEntryActive());
        for (int i = 0; i < 1000; i++) {
            assertNotEquals(ConnectionTable.MISS, syn(source++), "a new flow gets in while the flood fills the table");
        }
        assertEquals(0, table.refusedInserts());
        assertEquals(64, table.size());
        // the first scan's drops made room for as many flows; each other flow dropped one entry
        assertEquals(1000, table.floodStats().embryonicDropped(), "one embryonic entry dropped per new flow");
        for (int port = 40000; port < 40010; port++) {
            int e = table.lookup(flow.ipv4(TCP, CLIENT, port, VIP, 80));
            assertEquals(kept.get(port - 40000), e, "established connection " + port + " is kept");
            assertEquals(TcpState.ESTABLISHED, table.state(e));
        }
        assertCounters(rs1, 10, 54);
    }

    @Test
    void shouldRefuseNewFlowsInAFullTableOfEstablishedConnections() {
        table(16, FloodDefense.AUTO);
        for (int port = 40000; port < 40016; port++) {
            established(port);
        }
        tick(1);
        assertTrue(table.floodStats().dropEntryActive());
        assertEquals(ConnectionTable.MISS, syn(1));
        assertEquals(1, table.refusedInserts());
        assertEquals(0, table.floodStats().embryonicDropped());
        assertEquals(16, table.size());
    }

    @Test
    void shouldSpareAHandshakeInProgressWhileDroppingOlderFloodEntries() {
        // IPVS's drop_entry may drop a client's entry between its SYN and its ACK (found by
        // SynFloodIT: one of 20 clients in a flood timed out); here the oldest go first.
        table(1024, new FloodDefense(FloodDefense.Mode.ON, FloodDefense.Mode.ON, 90, Duration.ofSeconds(5)));
        int source = 0;
        while (table.size() < 1024) {
            syn(source++);
            tick(2_500_000L); // the flood's entries span 2.56 s
        }
        int client = table.insert(flow.ipv4(TCP, CLIENT, 50000, VIP, 80).server(RS1, 80), 1,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        assertNotEquals(ConnectionTable.MISS, client, "room made for the client's SYN");
        table.onTcpPacket(client, PacketDirection.INPUT, SYN);
        long dropped = table.floodStats().embryonicDropped();
        // the flood goes on while the SYN-ACK and the ACK travel, 200 ms, as it would at 1,000
        // SYNs/s against a table of 1,024 (SynFloodIT: 67,000/s against 100,000)
        for (int i = 0; i < 200; i++) {
            assertNotEquals(ConnectionTable.MISS, syn(source++), "each flood SYN finds room");
            tick(1_000_000L);
        }
        assertTrue(table.floodStats().embryonicDropped() - dropped >= 200, "one older entry dropped per SYN");
        assertEquals(client, table.lookup(flow.ipv4(TCP, CLIENT, 50000, VIP, 80)),
                "the client's entry is still there 200 ms on");
        table.onTcpPacket(client, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.ESTABLISHED, table.state(client));
    }

    @Test
    void shouldScanForEmbryonicEntriesEveryHundredMillisecondsWhileOn() {
        table(320, new FloodDefense(FloodDefense.Mode.ON, FloodDefense.Mode.OFF, 90, Duration.ofSeconds(5)));
        for (int port = 40000; port < 40020; port++) {
            established(port);
        }
        for (int i = 0; i < 100; i++) {
            syn(i);
        }
        assertTrue(table.floodStats().dropEntryActive(), "ON from the start");
        tick(1);
        long first = table.floodStats().embryonicDropped();
        assertTrue(first <= 10, "one scan looks at 320/32 records: " + first);
        tick(50_000_000L);
        assertEquals(first, table.floodStats().embryonicDropped(), "no second scan within 100 ms");
        for (int i = 0; i < 200; i++) {
            tick(100_000_000L);
        }
        assertEquals(100, table.floodStats().embryonicDropped(), "20 s of scans (SYN_RECV lives 60 s)");
        assertEquals(20, table.size());
        assertCounters(rs1, 20, 0);
    }

    @Test
    void shouldDropNothingWhenOff() {
        table(8, FloodDefense.OFF);
        for (int i = 0; i < 8; i++) {
            syn(i);
        }
        tick(1);
        assertEquals(ConnectionTable.MISS, syn(100));
        assertEquals(1, table.refusedInserts());
        assertEquals(new FloodStats(false, false, 0, 0), table.floodStats());
    }

    @Test
    void shouldCheckTheDefenceSettings() {
        assertThrows(IllegalArgumentException.class, () -> new FloodDefense(FloodDefense.Mode.AUTO,
                FloodDefense.Mode.AUTO, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new FloodDefense(FloodDefense.Mode.AUTO,
                FloodDefense.Mode.AUTO, 90, Duration.ZERO));
    }
}

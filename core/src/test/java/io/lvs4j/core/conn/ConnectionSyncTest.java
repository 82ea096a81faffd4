package io.lvs4j.core.conn;

import static io.lvs4j.core.conn.ConnectionTableTest.S;
import static io.lvs4j.core.packet.TcpHeader.ACK;
import static io.lvs4j.core.packet.TcpHeader.FIN;
import static io.lvs4j.core.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.NetworkOrder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What connection sync and a restart need from the table: every live entry read back with
 * what a sync record carries, and inserted into another table with its state, flags and
 * remaining time, counted as the original was.
 */
class ConnectionSyncTest {

    static final int TCP = 6;
    static final int UDP = 17;
    static final int CLIENT = 0xC6120001;       // 198.18.0.1
    static final int VIP = 0xC6120064;          // 198.18.0.100
    static final int RS1 = 0xC6120107;          // 198.18.1.7
    static final int RS2 = 0xC6120108;          // 198.18.1.8
    static final int LADDR = 0xC61201FE;        // 198.18.1.254

    /** One side: a table with its clock, counters and the local ports it handed back. */
    static final class Director implements AutoCloseable {
        final ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(1_000 * S);
        final ConnectionCounters rs1 = new ConnectionCounters();
        final ConnectionCounters rs2 = new ConnectionCounters();
        final List<Integer> released = new ArrayList<>();
        final ConnectionTable table;

        Director(int capacity) {
            DestinationRegistry registry = new DestinationRegistry(4);
            registry.register(1, rs1, 1);
            registry.register(2, rs2, 1);
            table = ConnectionTable.builder().capacity(capacity).clock(clock).registry(registry).seed(5)
                    .fullNat((memory, address, port, id) -> {
                        assertEquals(LADDR, memory.get(NetworkOrder.U32, address));
                        released.add(port);
                    }).build();
        }

        void advance(long nanos) {
            clock.advance(nanos);
            table.expire();
        }

        @Override
        public void close() {
            table.close();
        }
    }

    /** What a sync record carries, read from a table. */
    record Entry(int protocol, int client, int clientPort, int virtual, int virtualPort, int server, int serverPort,
            int local, int localPort, int flags, TcpState state, int destination, long remaining, int template,
            int timeoutSeconds) {
    }

    final Director master = new Director(16);
    final FlowTuple flow = new FlowTuple();
    int template;
    int dr;
    int nat;
    int fullNat;
    int udp;

    @AfterEach
    void close() {
        master.close();
    }

    /** A template controlling an established DR connection, a NAT and a full-NAT connection, a UDP one. */
    void fill() {
        ConnectionTable t = master.table;
        template = t.insertTemplate(flow.ipv4(TCP, CLIENT | 0x5A, 0, VIP, 80).server(RS1, 8080), 24, 1, 250);
        dr = t.insert(flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080), 1, ForwardingMethod.DIRECT_ROUTE,
                template);
        t.onTcpPacket(dr, PacketDirection.INPUT, SYN);
        t.onTcpPacket(dr, PacketDirection.INPUT, ACK);
        nat = t.insert(flow.ipv4(TCP, CLIENT, 40001, VIP, 80).server(RS2, 8080), 2, ForwardingMethod.MASQUERADE,
                ConnectionTable.MISS);
        t.onTcpPacket(nat, PacketDirection.INPUT, SYN);
        fullNat = t.insertFullNat(flow.ipv4(TCP, CLIENT, 40002, VIP, 80).server(RS2, 8080).local(LADDR, 5000), 2,
                ConnectionTable.MISS);
        t.onTcpPacket(fullNat, PacketDirection.INPUT, SYN);
        t.onTcpPacket(fullNat, PacketDirection.OUTPUT, SYN | ACK);
        t.onTcpPacket(fullNat, PacketDirection.INPUT, ACK);
        udp = t.insert(flow.ipv4(UDP, CLIENT, 5353, VIP, 53).server(RS1, 53), 1, ForwardingMethod.DIRECT_ROUTE,
                ConnectionTable.MISS);
        t.onPacket(udp);
        master.advance(10 * S);
    }

    /** Reads every live entry, as a sync sender or a restart would. */
    static Map<Integer, Entry> walk(ConnectionTable table) {
        FlowTuple read = new FlowTuple();
        Map<Integer, Entry> out = new HashMap<>();
        for (int e = table.nextEntry(ConnectionTable.MISS); e != ConnectionTable.MISS; e = table.nextEntry(e)) {
            table.flow(e, read);
            out.put(e, new Entry(read.protocol(), read.clientAddressIpv4(), read.clientPort(),
                    read.virtualAddressIpv4(), read.virtualPort(), read.serverAddressIpv4(), read.serverPort(),
                    (table.flags(e) & ConnectionTable.FLAG_FULL_NAT) != 0 ? read.localAddressIpv4() : 0,
                    (table.flags(e) & ConnectionTable.FLAG_FULL_NAT) != 0 ? read.localPort() : 0, table.flags(e),
                    table.state(e), table.destination(e), table.deadline(e) - table.now(),
                    table.controllingTemplate(e), table.templateTimeoutSeconds(e)));
        }
        return out;
    }

    /** Inserts the entries into another table, templates first, and returns old entry to new. */
    static Map<Integer, Integer> restore(Map<Integer, Entry> entries, ConnectionTable into) {
        FlowTuple write = new FlowTuple();
        Map<Integer, Integer> moved = new HashMap<>();
        entries.forEach((e, x) -> {
            if ((x.flags() & ConnectionTable.FLAG_TEMPLATE) != 0) {
                write.ipv4(x.protocol(), x.client(), 0, x.virtual(), x.virtualPort())
                        .server(x.server(), x.serverPort());
                moved.put(e, into.restoreTemplate(write, x.destination(), x.timeoutSeconds(), x.remaining()));
            }
        });
        entries.forEach((e, x) -> {
            if ((x.flags() & ConnectionTable.FLAG_TEMPLATE) == 0) {
                write.ipv4(x.protocol(), x.client(), x.clientPort(), x.virtual(), x.virtualPort())
                        .server(x.server(), x.serverPort()).local(x.local(), x.localPort());
                int template = x.template() == ConnectionTable.MISS ? ConnectionTable.MISS : moved.get(x.template());
                moved.put(e, into.restore(write, x.destination(), x.flags(), x.state(), x.remaining(), template));
            }
        });
        return moved;
    }

    @Test
    void shouldWalkEveryLiveEntryWithWhatASyncRecordCarries() {
        fill();
        Map<Integer, Entry> entries = walk(master.table);
        assertEquals(5, entries.size());
        assertEquals(new Entry(TCP, CLIENT & 0xFFFFFF00, 0, VIP, 80, RS1, 8080, 0, 0, ConnectionTable.FLAG_TEMPLATE,
                TcpState.NONE, 1, 240 * S, ConnectionTable.MISS, 250), entries.get(template));
        assertEquals(new Entry(TCP, CLIENT, 40000, VIP, 80, RS1, 8080, 0, 0, ConnectionTable.FLAG_NO_OUTPUT,
                TcpState.ESTABLISHED, 1, 890 * S, template, 0), entries.get(dr));
        assertEquals(new Entry(TCP, CLIENT, 40001, VIP, 80, RS2, 8080, 0, 0,
                ConnectionTable.FLAG_NAT | ConnectionTable.FLAG_INACTIVE, TcpState.SYN_RECV, 2, 50 * S,
                ConnectionTable.MISS, 0), entries.get(nat));
        assertEquals(new Entry(TCP, CLIENT, 40002, VIP, 80, RS2, 8080, LADDR, 5000,
                ConnectionTable.FLAG_NAT | ConnectionTable.FLAG_FULL_NAT, TcpState.ESTABLISHED, 2, 890 * S,
                ConnectionTable.MISS, 0), entries.get(fullNat));
        assertEquals(new Entry(UDP, CLIENT, 5353, VIP, 53, RS1, 53, 0, 0,
                ConnectionTable.FLAG_NO_OUTPUT | ConnectionTable.FLAG_INACTIVE, TcpState.NONE, 1, 290 * S,
                ConnectionTable.MISS, 0), entries.get(udp));
        master.table.expireNow(nat);
        assertEquals(4, walk(master.table).size(), "an expired entry is not walked");
    }

    @Test
    void shouldRestoreEveryEntryWithItsStateTimeAndCounters() {
        fill();
        try (Director backup = new Director(16)) {
            Map<Integer, Integer> moved = restore(walk(master.table), backup.table);
            ConnectionTable b = backup.table;
            assertEquals(5, b.size());
            assertEquals(5, b.insertedTotal());
            assertCounts(master.rs1, 1, 1, 1);
            assertCounts(backup.rs1, 1, 1, 1);
            assertCounts(master.rs2, 1, 1, 0);
            assertCounts(backup.rs2, 1, 1, 0);
            assertEquals(walkWithout(master.table, moved), walk(b), "the same entries, with the same remaining time");

            int dr2 = b.lookup(flow.ipv4(TCP, CLIENT, 40000, VIP, 80));
            assertEquals(moved.get(dr), dr2);
            assertEquals(moved.get(template), b.controllingTemplate(dr2));
            assertEquals(1, b.controlledConnections(moved.get(template)));
            assertEquals(moved.get(template), b.lookupTemplate(flow.ipv4(TCP, CLIENT | 0x33, 1, VIP, 80), 24));
            assertEquals(moved.get(nat), b.lookupReply(flow.protocol(TCP).server(RS2, 8080).client(CLIENT, 40001)));
            assertEquals(moved.get(fullNat), b.lookupReply(flow.protocol(TCP).server(RS2, 8080).client(LADDR, 5000)));
            assertEquals(ConnectionTable.MISS,
                    b.lookupReply(flow.protocol(TCP).server(RS2, 8080).client(CLIENT, 40002)));
            assertEquals(moved.get(udp), b.lookup(flow.ipv4(UDP, CLIENT, 5353, VIP, 53)));

            // The restored connections go on as the originals would.
            b.onTcpPacket(moved.get(nat), PacketDirection.OUTPUT, SYN | ACK);
            b.onTcpPacket(moved.get(nat), PacketDirection.INPUT, ACK);
            assertCounts(backup.rs2, 2, 0, 0);
            backup.advance(50 * S);
            assertEquals(5, b.size(), "the NAT connection was re-armed by its packets");
            backup.advance(240 * S);
            assertEquals(4, b.size(), "the UDP connection ended at its remaining time; the template lives on");
            assertCounts(backup.rs1, 1, 0, 1);
            backup.advance(600 * S);
            assertEquals(List.of(5000), backup.released, "the full-NAT port comes back once");
            assertEquals(2, b.size(), "the template outlives the connection it controlled; NAT is re-armed");
            assertCounts(backup.rs1, 0, 0, 1);
            assertCounts(backup.rs2, 1, 0, 0);
            backup.advance(100 * S);
            assertEquals(1, b.size(), "re-armed for its timeout when it last fired, controlling a connection");
            backup.advance(150 * S);
            assertEquals(0, b.size());
            assertCounts(backup.rs1, 0, 0, 0);
            assertCounts(backup.rs2, 0, 0, 0);
        }
    }

    @Test
    void shouldCountARestoredConnectionAsItsFlagsSay() {
        try (Director backup = new Director(4)) {
            ConnectionTable b = backup.table;
            flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080);
            int active = b.restore(flow, 1, ConnectionTable.FLAG_NO_OUTPUT, TcpState.ESTABLISHED, 100 * S,
                    ConnectionTable.MISS);
            int inactive = b.restore(flow.client(CLIENT, 40001), 1, ConnectionTable.FLAG_INACTIVE,
                    TcpState.FIN_WAIT, 20 * S, ConnectionTable.MISS);
            assertCounts(backup.rs1, 1, 1, 0);
            assertEquals(TcpState.ESTABLISHED, b.state(active));
            assertEquals(TcpState.FIN_WAIT, b.state(inactive));
            assertEquals(backup.clock.now + 100 * S, b.deadline(active));
            assertEquals(ConnectionTable.FLAG_INACTIVE, b.flags(inactive), "a reply was seen: no NO_OUTPUT");
            backup.advance(20 * S);
            assertEquals(ConnectionTable.MISS, b.lookup(flow.ipv4(TCP, CLIENT, 40001, VIP, 80)));
            assertCounts(backup.rs1, 1, 0, 0);
            b.onTcpPacket(active, PacketDirection.INPUT, FIN | ACK);
            assertCounts(backup.rs1, 0, 1, 0);
        }
    }

    @Test
    void shouldUpdateAnEntryToAPeersStateAndTime() {
        fill();
        ConnectionTable t = master.table;
        t.update(nat, TcpState.ESTABLISHED, 900 * S);
        assertEquals(TcpState.ESTABLISHED, t.state(nat));
        assertEquals(0, t.flags(nat) & ConnectionTable.FLAG_INACTIVE);
        assertEquals(master.clock.now + 900 * S, t.deadline(nat));
        assertCounts(master.rs2, 2, 0, 0);
        t.update(nat, TcpState.FIN_WAIT, 5 * S);
        assertCounts(master.rs2, 1, 1, 0);
        t.update(udp, TcpState.ESTABLISHED, 7 * S);
        assertEquals(TcpState.NONE, t.state(udp), "a UDP connection has no TCP state");
        assertCounts(master.rs1, 1, 1, 1);
        t.update(template, TcpState.ESTABLISHED, 1000 * S);
        assertEquals(master.clock.now + 1000 * S, t.deadline(template));
        master.advance(5 * S);
        assertEquals(ConnectionTable.MISS, t.lookup(flow.ipv4(TCP, CLIENT, 40001, VIP, 80)),
                "an earlier deadline holds");
        assertCounts(master.rs2, 1, 0, 0);
        master.advance(2 * S);
        assertEquals(ConnectionTable.MISS, t.lookup(flow.ipv4(UDP, CLIENT, 5353, VIP, 53)));
        assertCounts(master.rs1, 1, 0, 1);
    }

    @Test
    void shouldRefuseARestoreWhenFullAndHandTheLocalPortBack() {
        try (Director backup = new Director(1)) {
            ConnectionTable b = backup.table;
            flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080).local(LADDR, 6000);
            assertNotEquals(ConnectionTable.MISS, b.restore(flow, 1, ConnectionTable.FLAG_NO_OUTPUT,
                    TcpState.ESTABLISHED, 100 * S, ConnectionTable.MISS));
            assertEquals(ConnectionTable.MISS, b.restore(flow.client(CLIENT, 40001).local(LADDR, 6001), 1,
                    ConnectionTable.FLAG_NAT | ConnectionTable.FLAG_FULL_NAT, TcpState.ESTABLISHED, 100 * S,
                    ConnectionTable.MISS));
            assertEquals(List.of(6001), backup.released);
            assertEquals(ConnectionTable.MISS, b.restoreTemplate(flow, 1, 60, 60 * S));
            assertEquals(2, b.refusedInserts());
            assertCounts(backup.rs1, 1, 0, 0);
        }
    }

    @Test
    void shouldRejectWhatIsNotAConnectionToRestore() {
        fill();
        ConnectionTable t = master.table;
        flow.ipv4(TCP, CLIENT, 41000, VIP, 80).server(RS1, 8080).local(LADDR, 7000);
        for (int flags : new int[] {ConnectionTable.FLAG_TEMPLATE, ConnectionTable.FLAG_INVALIDATED,
                ConnectionTable.FLAG_NAT | ConnectionTable.FLAG_NO_OUTPUT, ConnectionTable.FLAG_FULL_NAT, 0x4000}) {
            assertThrows(IllegalArgumentException.class,
                    () -> t.restore(flow, 1, flags, TcpState.ESTABLISHED, S, ConnectionTable.MISS));
        }
        assertThrows(IllegalArgumentException.class,
                () -> t.restore(flow, 1, ConnectionTable.FLAG_NAT, TcpState.ESTABLISHED, S, dr));
        assertThrows(IllegalArgumentException.class, () -> t.restore(new FlowTuple().ipVersion(6), 1,
                ConnectionTable.FLAG_NAT, TcpState.ESTABLISHED, S, ConnectionTable.MISS));
        DestinationRegistry registry = new DestinationRegistry(2);
        try (ConnectionTable plain = ConnectionTable.builder().capacity(2).registry(registry).build()) {
            assertThrows(IllegalStateException.class, () -> plain.restore(flow, 1,
                    ConnectionTable.FLAG_NAT | ConnectionTable.FLAG_FULL_NAT, TcpState.ESTABLISHED, S,
                    ConnectionTable.MISS));
        }
        assertEquals(5, t.size());
        assertEquals(List.of(), master.released);
    }

    @Test
    void shouldWalkAndRestoreIpv6Entries() throws Exception {
        DestinationRegistry registry = new DestinationRegistry(2);
        ConnectionCounters counters = new ConnectionCounters();
        registry.register(1, counters, 1);
        ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(0);
        MemorySegment a = MemorySegment.ofArray(new byte[64]);
        String[] names = {"2001:db8::1", "2001:db8::100", "2001:db8:1::7", "2001:db8:1::fe"};
        for (int i = 0; i < names.length; i++) {
            MemorySegment.copy(InetAddress.getByName(names[i]).getAddress(), 0, a, ValueLayout.JAVA_BYTE, 16L * i, 16);
        }
        try (ConnectionTable from = ConnectionTable.builder().ipv6().capacity(4).clock(clock).registry(registry)
                        .fullNat((m, at, port, id) -> { }).build();
                ConnectionTable to = ConnectionTable.builder().ipv6().capacity(4).clock(clock).registry(registry)
                        .fullNat((m, at, port, id) -> { }).build()) {
            FlowTuple six = new FlowTuple().ipVersion(6).protocol(TCP).client(a, 0, 40000).virtual(a, 16, 443)
                    .server(a, 32, 8443).local(a, 48, 9000);
            int e = from.insertFullNat(six, 1, ConnectionTable.MISS);
            FlowTuple read = from.flow(e, new FlowTuple());
            assertEquals(6, read.ipVersion());
            int copy = to.restore(read, 1, from.flags(e), from.state(e), from.deadline(e) - from.now(),
                    ConnectionTable.MISS);
            assertEquals(copy, to.lookup(six));
            assertEquals(copy, to.lookupReply(new FlowTuple().ipVersion(6).protocol(TCP).server(a, 32, 8443)
                    .client(a, 48, 9000)));
            for (int i = 0; i < names.length; i++) {
                long at = i == 0 ? to.clientAddressOffset(copy) : i == 1 ? to.virtualAddressOffset(copy)
                        : i == 2 ? to.destinationAddressOffset(copy) : to.localAddressOffset(copy);
                assertArrayEquals(InetAddress.getByName(names[i]).getAddress(),
                        to.memory().asSlice(at, 16).toArray(ValueLayout.JAVA_BYTE));
            }
            assertEquals(from.deadline(e), to.deadline(copy));
            assertEquals(2, counters.inactiveConnections());
        }
    }

    /** The walk of a table with its entry numbers replaced by those they were restored to. */
    static Map<Integer, Entry> walkWithout(ConnectionTable table, Map<Integer, Integer> moved) {
        Map<Integer, Entry> out = new HashMap<>();
        walk(table).forEach((e, x) -> out.put(moved.get(e), new Entry(x.protocol(), x.client(), x.clientPort(),
                x.virtual(), x.virtualPort(), x.server(), x.serverPort(), x.local(), x.localPort(), x.flags(),
                x.state(), x.destination(), x.remaining(),
                x.template() == ConnectionTable.MISS ? ConnectionTable.MISS : moved.get(x.template()),
                x.timeoutSeconds())));
        return out;
    }

    static void assertCounts(ConnectionCounters c, int active, int inactive, int persistent) {
        assertEquals(active, c.activeConnections(), "ActiveConn");
        assertEquals(inactive, c.inactiveConnections(), "InActConn");
        assertEquals(persistent, c.persistentConnections(), "PersistConn");
    }
}

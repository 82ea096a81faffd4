package io.lvs4j.core.conn;

import static io.lvs4j.core.conn.ConnectionTableTest.S;
import static io.lvs4j.core.conn.ConnectionTableTest.TCP;
import static io.lvs4j.core.packet.TcpHeader.ACK;
import static io.lvs4j.core.packet.TcpHeader.FIN;
import static io.lvs4j.core.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.NetworkOrder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FullNatConnectionTableTest {

    static final int CLIENT = 0xC6120001;       // 198.18.0.1
    static final int VIP = 0xC6120064;          // 198.18.0.100
    static final int RS1 = 0xC6120107;          // 198.18.1.7
    static final int RS2 = 0xC6120108;          // 198.18.1.8
    static final int LADDR = 0xC61201FE;        // 198.18.1.254
    static final int LADDR2 = 0xC61201FD;       // 198.18.1.253

    /** A local port handed back by the table. */
    record Released(int address, int port, int destinationId) {
    }

    final ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(1_000 * S);
    final DestinationRegistry registry = new DestinationRegistry(4);
    final ConnectionCounters rs1 = new ConnectionCounters();
    final ConnectionCounters rs2 = new ConnectionCounters();
    final List<Released> released = new ArrayList<>();
    final ConnectionTable table;
    final FlowTuple flow = new FlowTuple();

    FullNatConnectionTableTest() {
        registry.register(1, rs1, 1);
        registry.register(2, rs2, 1);
        table = ConnectionTable.builder().capacity(4).clock(clock).registry(registry).seed(3)
                .fullNat((memory, address, port, id) ->
                        released.add(new Released(memory.get(NetworkOrder.U32, address), port, id)))
                .build();
    }

    @AfterEach
    void close() {
        table.close();
    }

    private int insert(int clientPort, int server, int id, int local, int localPort) {
        return table.insertFullNat(flow.ipv4(TCP, CLIENT, clientPort, VIP, 80).server(server, 8080)
                .local(local, localPort), id, ConnectionTable.MISS);
    }

    @Test
    void shouldFindRepliesByServerAndLocalAddressAndPort() {
        int e = insert(40000, RS1, 1, LADDR, 5000);
        assertEquals(e, table.lookup(flow.ipv4(TCP, CLIENT, 40000, VIP, 80)));
        assertEquals(e, table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(LADDR, 5000)));
        assertEquals(ConnectionTable.MISS,
                table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(CLIENT, 40000)),
                "a full-NAT reply never goes to the client");
        assertEquals(ConnectionTable.MISS, table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(LADDR, 5001)));
        assertEquals(ConnectionTable.MISS,
                table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(LADDR2, 5000)));
        assertEquals(ConnectionTable.MISS, table.lookupReply(flow.protocol(TCP).server(RS2, 8080).client(LADDR, 5000)));
        assertEquals(ConnectionTable.MISS, table.lookupReply(flow.protocol(17).server(RS1, 8080).client(LADDR, 5000)));
        assertEquals(5000, table.localPort(e));
        assertEquals(LADDR, table.localAddressIpv4(e));
        assertEquals(CLIENT, table.clientAddressIpv4(e));
        assertEquals(40000, table.clientPort(e));
        assertEquals(VIP, table.virtualAddressIpv4(e));
        assertEquals(RS1, table.destinationAddressIpv4(e));
        assertEquals(CLIENT, table.memory().get(NetworkOrder.U32, table.clientAddressOffset(e)));
        int flags = table.flags(e);
        assertEquals(ConnectionTable.FLAG_FULL_NAT | ConnectionTable.FLAG_NAT,
                flags & (ConnectionTable.FLAG_FULL_NAT | ConnectionTable.FLAG_NAT | ConnectionTable.FLAG_NO_OUTPUT));
    }

    @Test
    void shouldKeepOneLocalPortApartForDifferentServers() {
        int a = insert(40000, RS1, 1, LADDR, 5000);
        int b = insert(40001, RS2, 2, LADDR, 5000);
        assertEquals(a, table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(LADDR, 5000)));
        assertEquals(b, table.lookupReply(flow.protocol(TCP).server(RS2, 8080).client(LADDR, 5000)));
        assertTrue(table.expireNow(a));
        assertEquals(ConnectionTable.MISS, table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(LADDR, 5000)));
        assertEquals(b, table.lookupReply(flow.protocol(TCP).server(RS2, 8080).client(LADDR, 5000)));
    }

    @Test
    void shouldHoldNatAndFullNatRepliesApartInOneTable() {
        int nat = table.insert(flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080), 1, ForwardingMethod.MASQUERADE,
                ConnectionTable.MISS);
        int full = insert(40001, RS1, 1, LADDR, 40000);
        assertEquals(nat, table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(CLIENT, 40000)));
        assertEquals(full, table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(LADDR, 40000)));
        assertEquals(0, table.flags(nat) & ConnectionTable.FLAG_FULL_NAT);
    }

    @Test
    void shouldHandTheLocalPortBackWhenTheConnectionExpires() {
        int e = insert(40000, RS1, 1, LADDR, 5000);
        table.onTcpPacket(e, PacketDirection.INPUT, SYN);
        table.onTcpPacket(e, PacketDirection.OUTPUT, SYN | ACK);
        table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        assertEquals(TcpState.ESTABLISHED, table.state(e));
        assertEquals(1, rs1.activeConnections());
        table.onTcpPacket(e, PacketDirection.INPUT, FIN | ACK);
        table.onTcpPacket(e, PacketDirection.OUTPUT, FIN | ACK);
        assertEquals(TcpState.TIME_WAIT, table.state(e));
        clock.advance(120 * S - 1);
        table.expire();
        assertTrue(released.isEmpty());
        clock.advance(1);
        assertEquals(1, table.expire());
        assertEquals(List.of(new Released(LADDR, 5000, 1)), released);
        assertEquals(ConnectionTable.MISS, table.lookupReply(flow.protocol(TCP).server(RS1, 8080).client(LADDR, 5000)));
        assertEquals(0, rs1.inactiveConnections() + rs1.activeConnections());
        assertEquals(0, table.size());
    }

    @Test
    void shouldHandTheLocalPortBackWhenExpiredNow() {
        int e = insert(40000, RS2, 2, LADDR2, 6000);
        assertTrue(table.expireNow(e));
        assertEquals(List.of(new Released(LADDR2, 6000, 2)), released);
        clock.advance(10 * S);
        table.expire();
        assertEquals(1, released.size(), "handed back once");
    }

    @Test
    void shouldHandTheLocalPortBackAtOnceWhenTheTableIsFull() {
        for (int i = 0; i < 4; i++) {
            insert(40000 + i, RS1, 1, LADDR, 5000 + i);
        }
        assertEquals(ConnectionTable.MISS, insert(40004, RS2, 2, LADDR, 7000));
        assertEquals(List.of(new Released(LADDR, 7000, 2)), released);
        assertEquals(1, table.refusedInserts());
        assertEquals(4, table.size());
        assertEquals(0, rs2.inactiveConnections());
    }

    @Test
    void shouldHandEveryLiveLocalPortBackOnClose() {
        insert(40000, RS1, 1, LADDR, 5000);
        int gone = insert(40001, RS2, 2, LADDR, 5001);
        insert(40002, RS2, 2, LADDR2, 5002);
        table.insert(flow.ipv4(TCP, CLIENT, 40003, VIP, 80).server(RS1, 8080), 1, ForwardingMethod.MASQUERADE,
                ConnectionTable.MISS);
        table.expireNow(gone);
        released.clear();
        table.close();
        assertEquals(List.of(new Released(LADDR, 5000, 1), new Released(LADDR2, 5002, 2)), released);
        table.close();
        assertEquals(2, released.size(), "a second close does nothing");
    }

    @Test
    void shouldNotHandBackTemplatesOrOtherConnections() {
        MemorySegment server = MemorySegment.ofArray(new byte[] {(byte) 198, 18, 1, 7});
        MemorySegment key = MemorySegment.ofArray(new byte[] {(byte) 198, 18, 0, 1, (byte) 198, 18, 0, 100});
        int template = table.insertTemplate(flow.protocol(TCP).client(key, 0, 0).virtual(key, 4, 80)
                .server(server, 0, 8080), 32, 1, 1);
        int e = table.insertFullNat(flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080).local(LADDR, 5000), 1,
                template);
        assertEquals(template, table.controllingTemplate(e));
        assertEquals(5000, table.localPort(e));
        table.insert(flow.ipv4(TCP, CLIENT, 40001, VIP, 80).server(RS1, 8080), 1, ForwardingMethod.DIRECT_ROUTE,
                ConnectionTable.MISS);
        clock.advance(5 * S);
        table.expire();
        assertEquals(1, table.size(), "the template outlives its connection by its timeout");
        clock.advance(5 * S);
        table.expire();
        assertEquals(0, table.size());
        assertEquals(List.of(new Released(LADDR, 5000, 1)), released);
    }

    @Test
    void shouldRefuseFullNatWhereTheTableCannotHoldIt() {
        assertThrows(IllegalArgumentException.class,
                () -> table.insert(flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080), 1,
                ForwardingMethod.FULL_NAT, ConnectionTable.MISS));
        try (ConnectionTable plain = ConnectionTable.builder().capacity(4).registry(registry).build()) {
            assertFalse(plain.fullNat());
            assertThrows(IllegalStateException.class,
                    () -> plain.insertFullNat(flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080)
                    .local(LADDR, 5000), 1, ConnectionTable.MISS));
            int e = plain.insert(flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS1, 8080), 1,
                    ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
            assertThrows(IllegalStateException.class, () -> plain.localAddressOffset(e));
        }
        assertTrue(table.fullNat());
    }

    @Test
    void shouldGrowRecordsOnlyInFullNatTables() {
        for (int capacity : new int[] {1, 3, 1000}) {
            try (ConnectionTable v4 = ConnectionTable.builder().capacity(capacity).registry(registry)
                    .fullNat((m, a, p, d) -> { }).build();
                    ConnectionTable v6 = ConnectionTable.builder().ipv6().capacity(capacity).registry(registry)
                            .fullNat((m, a, p, d) -> { }).build();
                    ConnectionTable plain = ConnectionTable.builder().capacity(capacity).registry(registry).build()) {
                assertEquals(64, v4.recordSize());
                assertEquals(104, v6.recordSize());
                assertEquals(48, plain.recordSize());
                assertEquals(80L * capacity, v4.memoryBytes());
                assertEquals(120L * capacity, v6.memoryBytes());
                assertEquals(64L * capacity, plain.memoryBytes());
            }
        }
    }

    @Test
    void shouldFindIpv6FullNatReplies() throws Exception {
        List<byte[]> back = new ArrayList<>();
        try (ConnectionTable v6 = ConnectionTable.builder().ipv6().capacity(8).clock(clock).registry(registry)
                .seed(5).fullNat((memory, address, port, id) -> {
                    back.add(memory.asSlice(address, 16).toArray(ValueLayout.JAVA_BYTE));
                    assertEquals(5000, port);
                    assertEquals(1, id);
                }).build()) {
            MemorySegment client = address("2001:db8::1");
            MemorySegment vip = address("2001:db8::100");
            MemorySegment server = address("2001:db8:1::7");
            MemorySegment local = address("2001:db8:1::fe");
            FlowTuple flow6 = new FlowTuple().ipVersion(6);
            MemorySegment keys = MemorySegment.ofArray(new byte[32]);
            MemorySegment.copy(client, 0, keys, 0, 16);
            MemorySegment.copy(vip, 0, keys, 16, 16);
            int e = v6.insertFullNat(flow6.protocol(TCP).client(keys, 0, 40000).virtual(keys, 16, 80)
                    .server(server, 0, 8080).local(local, 0, 5000), 1, ConnectionTable.MISS);
            assertEquals(e, v6.lookup(flow6.protocol(TCP).client(keys, 0, 40000).virtual(keys, 16, 80)));
            MemorySegment reply = MemorySegment.ofArray(new byte[48]);
            MemorySegment.copy(server, 0, reply, 0, 16);
            MemorySegment.copy(local, 0, reply, 16, 16);
            MemorySegment.copy(client, 0, reply, 32, 16);
            assertEquals(e, v6.lookupReply(flow6.protocol(TCP).server(reply, 0, 8080).client(reply, 16, 5000)));
            assertEquals(ConnectionTable.MISS,
                    v6.lookupReply(flow6.protocol(TCP).server(reply, 0, 8080).client(reply, 32, 40000)));
            assertEquals(ConnectionTable.MISS,
                    v6.lookupReply(flow6.protocol(TCP).server(reply, 0, 8080).client(reply, 16, 5001)));
            assertArrayEquals(local.toArray(ValueLayout.JAVA_BYTE),
                    v6.memory().asSlice(v6.localAddressOffset(e), 16).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(client.toArray(ValueLayout.JAVA_BYTE),
                    v6.memory().asSlice(v6.clientAddressOffset(e), 16).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(5000, v6.localPort(e));
            clock.advance(4 * S);
            assertEquals(1, v6.expire());
            assertEquals(1, back.size());
            assertArrayEquals(local.toArray(ValueLayout.JAVA_BYTE), back.get(0));
        }
    }

    private static MemorySegment address(String literal) throws Exception {
        return MemorySegment.ofArray(InetAddress.getByName(literal).getAddress());
    }
}

package io.lvs4j.core.conn;

import static io.lvs4j.core.conn.ConnectionTableTest.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.TcpHeader;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PersistenceTemplateTest {

    final ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(5 * S);
    final DestinationRegistry registry = new DestinationRegistry(4);
    final ConnectionCounters rs1 = new ConnectionCounters();
    final FlowTuple flow = new FlowTuple();
    /** client 198.18.0.1, client 198.18.0.77, VIP 198.18.0.100, RS 198.18.1.7. */
    final MemorySegment addresses = MemorySegment.ofArray(
            HexFormat.of().parseHex("c6120001" + "c612004d" + "c6120064" + "c6120107"));
    ConnectionTable table;

    ConnectionTable build(boolean expireQuiescent) {
        registry.register(1, rs1, 1);
        table = ConnectionTable.builder().capacity(16).clock(clock).registry(registry)
                .expireQuiescentTemplate(expireQuiescent).seed(3).build();
        return table;
    }

    @AfterEach
    void close() {
        table.close();
    }

    int template(long client) {
        return table.lookupTemplate(flow.protocol(6).client(addresses, client, 0).virtual(addresses, 8, 80), 24);
    }

    void advance(long nanos) {
        clock.advance(nanos);
        table.expire();
    }

    @Test
    void shouldMatchClientsOfSameNetmaskAndCountPersistConn() {
        build(false);
        assertEquals(ConnectionTable.MISS, template(0));
        int t = table.insertTemplate(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 24, 1, 60);
        assertEquals(1, rs1.persistentConnections());
        assertEquals(t, template(0));
        assertEquals(t, template(4));
        assertEquals(ConnectionTable.MISS,
                table.lookupTemplate(flow.protocol(6).client(addresses, 4, 0).virtual(addresses, 8, 80), 32));
        assertEquals(ConnectionTable.MISS,
                table.lookupTemplate(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 443), 24));
        assertEquals(ConnectionTable.MISS,
                table.lookupTemplate(flow.protocol(17).client(addresses, 0, 0).virtual(addresses, 8, 80), 24));
        assertEquals(ConnectionTable.MISS,
                table.lookup(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 80)));
        assertEquals(1, table.destination(t));
    }

    @Test
    void shouldOutliveTimeoutWhileControllingConnectionsThenExpire() {
        build(false);
        int t = table.insertTemplate(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 24, 1, 60);
        int c = table.insert(flow.protocol(6).client(addresses, 0, 40000).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 1, ForwardingMethod.DIRECT_ROUTE, t);
        table.onTcpPacket(c, PacketDirection.INPUT, TcpHeader.SYN);
        table.onTcpPacket(c, PacketDirection.INPUT, TcpHeader.ACK);
        assertEquals(t, table.controllingTemplate(c));
        assertEquals(1, table.controlledConnections(t));
        advance(60 * S);
        assertEquals(t, template(0), "re-armed while it controls a connection");
        advance(200 * S);
        assertEquals(t, template(4));
        table.onTcpPacket(c, PacketDirection.INPUT, TcpHeader.RST);
        advance(10 * S);
        assertEquals(0, table.controlledConnections(t));
        assertEquals(t, template(0));
        advance(60 * S);
        assertEquals(ConnectionTable.MISS, template(0));
        assertEquals(0, rs1.persistentConnections());
        assertEquals(0, rs1.activeConnections() + rs1.inactiveConnections());
        assertEquals(0, table.size());
    }

    @Test
    void shouldReArmTemplateWhenANewConnectionUsesIt() {
        build(false);
        int t = table.insertTemplate(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 24, 1, 60);
        advance(50 * S);
        int c = table.insert(flow.protocol(6).client(addresses, 4, 40000).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 1, ForwardingMethod.DIRECT_ROUTE, t);
        assertEquals(clock.now + 60 * S, table.deadline(t));
        assertTrue(table.expireNow(c));
        advance(59 * S);
        assertEquals(t, template(0));
        advance(1 * S);
        assertEquals(ConnectionTable.MISS, template(0));
    }

    @Test
    void shouldInvalidateTemplateOfQuiescedServerOnlyWhenExpireQuiescentTemplateIsOn() {
        build(false);
        int t = table.insertTemplate(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 24, 1, 60);
        registry.weight(1, 0);
        assertEquals(t, template(0));
        advance(60 * S);
        assertEquals(0, rs1.persistentConnections());
        table.close();

        build(true);
        registry.weight(1, 1);
        int t2 = table.insertTemplate(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 24, 1, 60);
        assertEquals(t2, template(0));
        registry.weight(1, 0);
        assertEquals(ConnectionTable.MISS, template(0));
        assertTrue((table.flags(t2) & ConnectionTable.FLAG_INVALIDATED) != 0);
        registry.weight(1, 1);
        assertEquals(ConnectionTable.MISS, template(0), "an invalidated template never matches again");
        int fresh = table.insertTemplate(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 24, 1, 60);
        assertNotEquals(t2, fresh);
        assertEquals(fresh, template(0));
        advance(60 * S);
        assertEquals(0, table.size());
        assertEquals(0, rs1.persistentConnections());
    }

    @Test
    void shouldInvalidateTemplateOfUnavailableServer() {
        build(false);
        table.insertTemplate(flow.protocol(6).client(addresses, 0, 0).virtual(addresses, 8, 80)
                .server(addresses, 12, 80), 24, 1, 60);
        registry.unavailable(1);
        assertEquals(ConnectionTable.MISS, template(0));
        assertEquals(1, rs1.persistentConnections(), "counted until it expires");
        advance(60 * S);
        assertEquals(0, rs1.persistentConnections());
    }
}

package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.NatRewriter;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** A NAT connection driven frame by frame, as a director's loop would: in, out, and closed. */
class NatFlowTest {

    private static final String CLIENT = "198.18.0.1";
    private static final String VIP = "198.18.0.100";
    private static final String SERVER = "198.18.1.7";

    private final FrameParser parser = new FrameParser();
    private final FlowTuple flow = new FlowTuple();
    private final DestinationRegistry registry = new DestinationRegistry(1);
    private final ConnectionCounters counters = new ConnectionCounters();
    private final ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(0);

    private int inbound(ConnectionTable table, byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        assertEquals(DropReason.NONE, parser.parse(s, 0, frame.length));
        int e = table.lookup(flow.fromClient(parser));
        if (e == ConnectionTable.MISS) {
            e = table.insert(flow.server(MemorySegment.ofArray(new byte[] {(byte) 198, 18, 1, 7}), 0, 8080), 0,
                    ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
        }
        table.onTcpPacket(e, PacketDirection.INPUT, parser.tcpFlags());
        NatRewriter.destinationIpv4(parser, table.destinationAddressIpv4(e), table.destinationPort(e));
        return e;
    }

    private int outbound(ConnectionTable table, byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        assertEquals(DropReason.NONE, parser.parse(s, 0, frame.length));
        int e = table.lookupReply(flow.fromServer(parser));
        table.onTcpPacket(e, PacketDirection.OUTPUT, parser.tcpFlags());
        NatRewriter.sourceIpv4(parser, table.virtualAddressIpv4(e), table.virtualPort(e));
        return e;
    }

    private static byte[] tcp(String from, String to, int sport, int dport, int flags) {
        return new PacketBuilder().ipv4(from, to).tcp(sport, dport, flags).sequence(7, 9).build();
    }

    @Test
    void shouldRewriteBothDirectionsAndCountTheConnection() {
        registry.register(0, counters, 1);
        try (ConnectionTable table = ConnectionTable.builder().capacity(16).clock(clock)
                .registry(registry).build()) {
            byte[] syn = tcp(CLIENT, VIP, 40000, 80, TcpHeader.SYN);
            int e = inbound(table, syn);
            assertArrayEquals(tcp(CLIENT, SERVER, 40000, 8080, TcpHeader.SYN), syn);

            byte[] synAck = tcp(SERVER, CLIENT, 8080, 40000, TcpHeader.SYN | TcpHeader.ACK);
            assertEquals(e, outbound(table, synAck));
            assertArrayEquals(tcp(VIP, CLIENT, 80, 40000, TcpHeader.SYN | TcpHeader.ACK), synAck);

            assertEquals(e, inbound(table, tcp(CLIENT, VIP, 40000, 80, TcpHeader.ACK)));
            assertEquals(TcpState.ESTABLISHED, table.state(e));
            assertEquals(1, counters.activeConnections());

            inbound(table, tcp(CLIENT, VIP, 40000, 80, TcpHeader.FIN | TcpHeader.ACK));
            outbound(table, tcp(SERVER, CLIENT, 8080, 40000, TcpHeader.FIN | TcpHeader.ACK));
            inbound(table, tcp(CLIENT, VIP, 40000, 80, TcpHeader.ACK));
            assertEquals(TcpState.TIME_WAIT, table.state(e));
            assertEquals(0, counters.activeConnections());
            assertEquals(1, counters.inactiveConnections());

            clock.advance(120_000_000_000L);
            table.expire();
            assertEquals(0, table.size());
            assertEquals(0, counters.inactiveConnections());
        }
    }
}

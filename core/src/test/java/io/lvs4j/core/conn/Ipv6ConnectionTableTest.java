package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class Ipv6ConnectionTableTest {

    @Test
    void shouldKeyIpv6ConnectionsAndFindNatReplies() throws Exception {
        DestinationRegistry registry = new DestinationRegistry(2);
        ConnectionCounters counters = new ConnectionCounters();
        registry.register(0, counters, 1);
        ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(0);
        try (ConnectionTable table = ConnectionTable.builder().ipv6().capacity(8).clock(clock)
                .registry(registry).seed(9).build()) {
            assertEquals(88, table.recordSize());
            FlowTuple flow = new FlowTuple();
            byte[] syn = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100")
                    .tcp(40000, 80, TcpHeader.SYN).build();
            FrameParser in = new FrameParser();
            MemorySegment frame = MemorySegment.ofArray(syn);
            assertEquals(DropReason.NONE, in.parse(frame, 0, syn.length));
            MemorySegment server = MemorySegment.ofArray(InetAddress.getByName("2001:db8:1::7").getAddress());
            assertEquals(ConnectionTable.MISS, table.lookup(flow.fromClient(in)));
            int e = table.insert(flow.fromClient(in).server(server, 0, 8080), 0, ForwardingMethod.MASQUERADE,
                    ConnectionTable.MISS);
            table.onTcpPacket(e, PacketDirection.INPUT, in.tcpFlags());
            assertEquals(e, table.lookup(flow.fromClient(in)));
            assertEquals(ConnectionTable.MISS,
                    table.lookup(flow.fromClient(in).client(frame, in.sourceAddressOffset(), 40001)));

            byte[] otherClient = new PacketBuilder().ipv6("2001:db8::2", "2001:db8::100")
                    .tcp(40000, 80, TcpHeader.SYN).build();
            FrameParser other = new FrameParser();
            MemorySegment otherFrame = MemorySegment.ofArray(otherClient);
            other.parse(otherFrame, 0, otherClient.length);
            assertEquals(ConnectionTable.MISS, table.lookup(flow.fromClient(other)));

            byte[] reply = new PacketBuilder().ipv6("2001:db8:1::7", "2001:db8::1")
                    .tcp(8080, 40000, TcpHeader.SYN | TcpHeader.ACK).build();
            FrameParser out = new FrameParser();
            MemorySegment replyFrame = MemorySegment.ofArray(reply);
            out.parse(replyFrame, 0, reply.length);
            assertEquals(e, table.lookupReply(flow.fromServer(out)));
            assertArrayEquals(InetAddress.getByName("2001:db8:1::7").getAddress(),
                    table.memory().asSlice(table.destinationAddressOffset(e), 16).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(InetAddress.getByName("2001:db8::1"), table.entries().get(0).client());
            assertEquals(1, counters.inactiveConnections());

            int t = table.insertTemplate(flow.fromClient(in).server(server, 0, 8080), 64, 0, 300);
            assertEquals(t, table.lookupTemplate(flow.fromClient(other), 64));
            assertEquals(ConnectionTable.MISS, table.lookupTemplate(flow.fromClient(other), 128));
        }
    }
}

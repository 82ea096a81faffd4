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
            byte[] syn = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100")
                    .tcp(40000, 80, TcpHeader.SYN).build();
            FrameParser in = new FrameParser();
            MemorySegment frame = MemorySegment.ofArray(syn);
            assertEquals(DropReason.NONE, in.parse(frame, 0, syn.length));
            MemorySegment server = MemorySegment.ofArray(InetAddress.getByName("2001:db8:1::7").getAddress());
            assertEquals(ConnectionTable.MISS, table.lookup(6, frame, in.sourceAddressOffset(), 40000,
                    in.destinationAddressOffset(), 80));
            int e = table.insert(6, frame, in.sourceAddressOffset(), 40000, in.destinationAddressOffset(),
                    80, server, 0, 8080, 0, ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
            table.onTcpPacket(e, PacketDirection.INPUT, in.tcpFlags());
            assertEquals(e, table.lookup(6, frame, in.sourceAddressOffset(), 40000,
                    in.destinationAddressOffset(), 80));
            assertEquals(ConnectionTable.MISS, table.lookup(6, frame, in.sourceAddressOffset(), 40001,
                    in.destinationAddressOffset(), 80));

            byte[] otherClient = new PacketBuilder().ipv6("2001:db8::2", "2001:db8::100")
                    .tcp(40000, 80, TcpHeader.SYN).build();
            FrameParser other = new FrameParser();
            MemorySegment otherFrame = MemorySegment.ofArray(otherClient);
            other.parse(otherFrame, 0, otherClient.length);
            assertEquals(ConnectionTable.MISS, table.lookup(6, otherFrame, other.sourceAddressOffset(),
                    40000, other.destinationAddressOffset(), 80));

            byte[] reply = new PacketBuilder().ipv6("2001:db8:1::7", "2001:db8::1")
                    .tcp(8080, 40000, TcpHeader.SYN | TcpHeader.ACK).build();
            FrameParser out = new FrameParser();
            MemorySegment replyFrame = MemorySegment.ofArray(reply);
            out.parse(replyFrame, 0, reply.length);
            assertEquals(e, table.lookupReply(6, replyFrame, out.sourceAddressOffset(), 8080,
                    out.destinationAddressOffset(), 40000));
            assertArrayEquals(InetAddress.getByName("2001:db8:1::7").getAddress(),
                    table.memory().asSlice(table.destinationAddressOffset(e), 16).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(InetAddress.getByName("2001:db8::1"), table.entries().get(0).client());
            assertEquals(1, counters.inactiveConnections());

            int t = table.insertTemplate(6, frame, in.sourceAddressOffset(), 64,
                    in.destinationAddressOffset(), 80, server, 0, 8080, 0, 300);
            assertEquals(t, table.lookupTemplate(6, otherFrame, other.sourceAddressOffset(), 64,
                    other.destinationAddressOffset(), 80));
            assertEquals(ConnectionTable.MISS, table.lookupTemplate(6, otherFrame,
                    other.sourceAddressOffset(), 128, other.destinationAddressOffset(), 80));
        }
    }
}

package io.lvs4j.transport.epoll;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The marked sockets' options: a fanout group of their own, steering a client's frames where the
 * main group's program puts its replies (by the IPv4 source for a client-address program, which
 * folds the client's address the same way), or by the flow hash as the main group does; no ring.
 */
class MarkedOptionsTest {

    @Test
    void shouldSteerByTheIpv4SourceInAGroupOfTheirOwnWithoutARing() throws Exception {
        PacketSocketOptions main = PacketSocketOptions.forInterface("eth0").withFanoutGroupId(0x9001)
                .withClientFanout(List.of(InetAddress.getByName("198.18.0.200")))
                .withReceiveRing(PacketSocketOptions.ReceiveRing.DEFAULTS);
        PacketSocketOptions marked = DataSockets.markedOptions(main);
        assertEquals(PacketSocketOptions.Fanout.IPV4_SOURCE, marked.fanout());
        assertEquals(0x1001, marked.fanoutGroupId(), "0x9001 + 0x8000, in 16 bits");
        assertNull(marked.receiveRing(), "tpacket3_hdr carries no mark: recvmmsg");
        assertEquals(main.batchSize(), marked.batchSize());
        assertEquals(main.vnetHeader(), marked.vnetHeader());

        assertEquals(PacketSocketOptions.Fanout.FLOW_HASH,
                DataSockets.markedOptions(main.withFanout(PacketSocketOptions.Fanout.FLOW_HASH)).fanout());
        assertEquals(PacketSocketOptions.Fanout.IPV4_SOURCE,
                DataSockets.markedOptions(main.withFanout(PacketSocketOptions.Fanout.IPV4_SOURCE)).fanout());
    }
}

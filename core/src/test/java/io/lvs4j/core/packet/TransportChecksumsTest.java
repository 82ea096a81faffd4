package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class TransportChecksumsTest {

    private final FrameParser parser = new FrameParser();

    private void completeAfterSpoiling(byte[] frame, int checksumAt) {
        byte[] expected = frame.clone();
        frame[checksumAt] = 0x55;
        frame[checksumAt + 1] = 0x66;
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(frame), 0, frame.length));
        assertTrue(TransportChecksums.complete(parser));
        assertArrayEquals(expected, frame);
    }

    @Test
    void shouldCompleteTcpOverIpv4AndIpv6() {
        completeAfterSpoiling(new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").tcp(1, 80, TcpHeader.ACK)
                .payload(new byte[] {1, 2, 3}).build(), 34 + 16);
        completeAfterSpoiling(new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100").tcp(1, 80, TcpHeader.ACK)
                .payload(new byte[] {1, 2, 3}).build(), 54 + 16);
    }

    @Test
    void shouldCompleteUdpOverIpv4AndIpv6() {
        completeAfterSpoiling(new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").udp(1, 53)
                .payload(new byte[] {9}).build(), 34 + 6);
        completeAfterSpoiling(new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100").udp(1, 53)
                .payload(new byte[] {9}).build(), 54 + 6);
    }

    @Test
    void shouldLeaveOtherProtocolsAlone() {
        byte[] icmp = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").icmp(8, 0, 1).build();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(icmp), 0, icmp.length));
        assertFalse(TransportChecksums.complete(parser));
    }
}

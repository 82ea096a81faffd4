package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcpSegmenterTest {

    private static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
    private static final int FLAGS = TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN | TcpSegmenter.CWR;

    private final TcpSegmenter segmenter = new TcpSegmenter();

    private static byte[] data(int length) {
        byte[] bytes = new byte[length];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static PacketBuilder packet4(int flags, int sequence, int id, byte[] payload) {
        return new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").dontFragment().identification(id)
                .tcp(40000, 80, flags).sequence(sequence, 77).tcpOptions(TIMESTAMPS).payload(payload);
    }

    private static PacketBuilder packet6(int flags, int sequence, byte[] payload) {
        return new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100")
                .tcp(40000, 80, flags).sequence(sequence, 77).tcpOptions(TIMESTAMPS).payload(payload);
    }

    /** A super-frame as a local sender hands it over: checksum field partial (here, garbage). */
    private static byte[] partial(byte[] ip, int tcpOffset) {
        ip[tcpOffset + TcpHeader.CHECKSUM_OFFSET] = 0x12;
        ip[tcpOffset + TcpHeader.CHECKSUM_OFFSET + 1] = 0x34;
        return ip;
    }

    private static int expectedFlags(int index, int count) {
        int flags = FLAGS;
        if (index != count - 1) {
            flags &= ~(TcpHeader.FIN | TcpHeader.PSH);
        }
        if (index != 0) {
            flags &= ~TcpSegmenter.CWR;
        }
        return flags;
    }

    @Test
    void shouldSplitAnIpv4SuperFrameIntoSegmentsAsBuiltOneByOne() {
        byte[] payload = data(3000);
        byte[] superFrame = partial(packet4(FLAGS, -1000, 65534, payload).buildIpPacket(), 20);
        assertEquals(3, segmenter.wrap(MemorySegment.ofArray(superFrame), 0, superFrame.length, 1448));
        byte[] out = new byte[2000];
        for (int i = 0; i < 3; i++) {
            int length = segmenter.write(i, MemorySegment.ofArray(out), 10);
            byte[] slice = Arrays.copyOfRange(payload, i * 1448, Math.min(3000, (i + 1) * 1448));
            byte[] expected = packet4(expectedFlags(i, 3), -1000 + i * 1448, (65534 + i) & 0xFFFF, slice)
                    .buildIpPacket();
            assertEquals(expected.length, length);
            assertEquals(expected.length, segmenter.segmentLength(i));
            assertArrayEquals(expected, Arrays.copyOfRange(out, 10, 10 + length), "segment " + i);
        }
        assertEquals(20 + 32 + 1448, segmenter.maxSegmentLength());
    }

    @Test
    void shouldSplitAnIpv6SuperFrameIntoSegmentsAsBuiltOneByOne() {
        byte[] payload = data(1428 * 4);
        byte[] superFrame = partial(packet6(FLAGS, 5, payload).buildIpPacket(), 40);
        assertEquals(4, segmenter.wrap(MemorySegment.ofArray(superFrame), 0, superFrame.length, 1428));
        byte[] out = new byte[1500];
        for (int i = 0; i < 4; i++) {
            int length = segmenter.write(i, MemorySegment.ofArray(out), 0);
            byte[] slice = Arrays.copyOfRange(payload, i * 1428, (i + 1) * 1428);
            byte[] expected = packet6(expectedFlags(i, 4), 5 + i * 1428, slice).buildIpPacket();
            assertArrayEquals(expected, Arrays.copyOf(out, length), "segment " + i);
        }
    }

    @Test
    void shouldWriteSegmentsTheParserAccepts() {
        byte[] frame = packet4(TcpHeader.ACK, 1, 1, data(4000)).build();
        partial(frame, 34);
        MemorySegment s = MemorySegment.ofArray(frame);
        int n = segmenter.wrap(s, 14, frame.length - 14, 1000);
        assertEquals(4, n);
        byte[] out = new byte[1100];
        System.arraycopy(frame, 0, out, 0, 14);
        FrameParser parser = new FrameParser();
        for (int i = 0; i < n; i++) {
            int length = segmenter.write(i, MemorySegment.ofArray(out), 14);
            assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(out), 0, 14 + length));
            assertEquals(1000, parser.l4Length() - 32);
            assertEquals(parser.tcp().checksum(), Checksums.transportIpv4(parser.segment(), 14, 34,
                    parser.l4Length(), TcpHeader.CHECKSUM_OFFSET));
            assertEquals(1 + i * 1000, parser.tcp().sequence());
        }
    }

    @Test
    void shouldRefuseWhatIsNotAnUnfragmentedTcpPacket() {
        byte[] udp = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").udp(1, 2).payload(data(3000))
                .buildIpPacket();
        assertEquals(0, segmenter.wrap(MemorySegment.ofArray(udp), 0, udp.length, 1000));
        byte[] fragment = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").fragment(0, true)
                .tcp(1, 2, 0).payload(data(3000)).buildIpPacket();
        assertEquals(0, segmenter.wrap(MemorySegment.ofArray(fragment), 0, fragment.length, 1000));
        byte[] tcp = packet4(TcpHeader.ACK, 1, 1, data(3000)).buildIpPacket();
        assertEquals(0, segmenter.wrap(MemorySegment.ofArray(tcp), 0, tcp.length, 0));
        assertEquals(0, segmenter.wrap(MemorySegment.ofArray(tcp), 0, tcp.length - 1, 1000));
        assertEquals(0, segmenter.write(0, MemorySegment.ofArray(new byte[2000]), 0));
        assertEquals(3, segmenter.wrap(MemorySegment.ofArray(tcp), 0, tcp.length, 1000));
        assertEquals(0, segmenter.write(3, MemorySegment.ofArray(new byte[2000]), 0));
        assertEquals(0, segmenter.write(0, MemorySegment.ofArray(new byte[1051]), 0));
    }
}

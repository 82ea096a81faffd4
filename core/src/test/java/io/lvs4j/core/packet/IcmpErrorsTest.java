package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IcmpErrorsTest {

    private static final long CLIENT_MAC = 0x02_00_00_00_00_0AL;
    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0BL;

    private final FrameParser parser = new FrameParser();
    private final byte[] out = new byte[IcmpErrors.MAX_FRAME];

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static PacketBuilder clientPacket4(int payload) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.1", "198.18.0.100")
                .dontFragment().tcp(40000, 80, TcpHeader.ACK).payload(payload(payload));
    }

    private static PacketBuilder clientPacket6(int payload) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6("2001:db8::1", "2001:db8::100")
                .tcp(40000, 80, TcpHeader.ACK).payload(payload(payload));
    }

    private int parse(byte[] frame) {
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(frame), 0, frame.length));
        return frame.length;
    }

    /** The expected reply, built independently; TOS 0xC0 as Linux sends errors. */
    private static byte[] expectedFragmentationNeeded(byte[] ipPacket, int quote, int mtu, int id) {
        byte[] frame = new PacketBuilder().ethernet(DIRECTOR_MAC, CLIENT_MAC).ipv4("198.18.0.100", "198.18.0.1")
                .identification(id).icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE,
                        IcmpHeader.CODE_FRAGMENTATION_NEEDED, mtu)
                .payload(Arrays.copyOf(ipPacket, quote)).build();
        new Ipv4Header().wrap(MemorySegment.ofArray(frame), 14).tos(0xC0).updateChecksum();
        return frame;
    }

    @Test
    void shouldQuote548BytesOfAFullSizedPacketInFragmentationNeeded() {
        byte[] frame = clientPacket4(1460).build();
        parse(frame);
        int length = new IcmpErrors(5).fragmentationNeeded(parser, 1480, MemorySegment.ofArray(out), 0);
        assertEquals(14 + 576, length);
        byte[] ip = Arrays.copyOfRange(frame, 14, frame.length);
        assertArrayEquals(expectedFragmentationNeeded(ip, 548, 1480, 5), Arrays.copyOf(out, length));
    }

    @Test
    void shouldQuoteAShortPacketWhole() {
        byte[] frame = clientPacket4(30).build();
        parse(frame);
        int length = new IcmpErrors().fragmentationNeeded(parser, 1480, MemorySegment.ofArray(out), 0);
        byte[] ip = Arrays.copyOfRange(frame, 14, frame.length);
        assertArrayEquals(expectedFragmentationNeeded(ip, ip.length, 1480, 0), Arrays.copyOf(out, length));
    }

    @Test
    void shouldParseBackAsAnErrorAboutTheClientsConnection() {
        parse(clientPacket4(1460).build());
        int length = new IcmpErrors().fragmentationNeeded(parser, 1480, MemorySegment.ofArray(out), 0);
        FrameParser reply = new FrameParser();
        assertEquals(DropReason.NONE, reply.parse(MemorySegment.ofArray(out), 0, length));
        assertEquals(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, reply.icmp().type());
        assertEquals(IcmpHeader.CODE_FRAGMENTATION_NEEDED, reply.icmp().code());
        assertEquals(1480, reply.icmp().mtu());
        assertEquals(0, Checksums.finish(Checksums.add(reply.segment(), reply.l4Offset(), reply.l4Length(), 0)));
        assertEquals(40000, reply.quotedSourcePort());
        assertEquals(80, reply.quotedDestinationPort());
        assertEquals(0xC6120001, reply.ipv4().destination());
        assertEquals(0xC6120064, reply.ipv4().source());
        assertEquals(DIRECTOR_MAC, reply.ethernet().source());
        assertEquals(CLIENT_MAC, reply.ethernet().destination());
    }

    @Test
    void shouldKeepTheVlanTagOfTheOffendingFrame() {
        parse(clientPacket4(100).vlan(7).build());
        int length = new IcmpErrors().fragmentationNeeded(parser, 1480, MemorySegment.ofArray(out), 0);
        FrameParser reply = new FrameParser();
        assertEquals(DropReason.NONE, reply.parse(MemorySegment.ofArray(out), 0, length));
        assertEquals(7, reply.ethernet().vlanId());
        assertEquals(Ipv4Header.PROTOCOL_ICMP, reply.protocol());
    }

    @Test
    void shouldQuote1232BytesInPacketTooBig() {
        byte[] frame = clientPacket6(1440).build();
        parse(frame);
        int length = new IcmpErrors().packetTooBig(parser, 1280, MemorySegment.ofArray(out), 0);
        assertEquals(14 + 1280, length);
        byte[] ip = Arrays.copyOfRange(frame, 14, frame.length);
        byte[] expected = new PacketBuilder().ethernet(DIRECTOR_MAC, CLIENT_MAC).ipv6("2001:db8::100", "2001:db8::1")
                .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280).payload(Arrays.copyOf(ip, 1232)).build();
        assertArrayEquals(expected, Arrays.copyOf(out, length));
        FrameParser reply = new FrameParser();
        assertEquals(DropReason.NONE, reply.parse(MemorySegment.ofArray(out), 0, length));
        assertEquals(1280, reply.icmpv6().mtu());
        assertEquals(40000, reply.quotedSourcePort());
    }

    @Test
    void shouldNotAnswerAnIcmpErrorOrAFragmentOrAFrameTooBigForTheBuffer() {
        IcmpErrors errors = new IcmpErrors();
        byte[] inner = new PacketBuilder().ipv4("198.18.0.100", "198.18.0.1").tcp(80, 40000, TcpHeader.ACK)
                .buildIpPacket();
        parse(new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").dontFragment()
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0).payload(inner).build());
        assertEquals(0, errors.fragmentationNeeded(parser, 1480, MemorySegment.ofArray(out), 0));
        parse(new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").fragment(1480, false)
                .rawTransport(Ipv4Header.PROTOCOL_TCP).payload(new byte[100]).build());
        assertEquals(0, errors.fragmentationNeeded(parser, 1480, MemorySegment.ofArray(out), 0));
        parse(clientPacket4(1460).build());
        assertEquals(0, errors.fragmentationNeeded(parser, 1480, MemorySegment.ofArray(new byte[589]), 0));
        assertEquals(0, errors.packetTooBig(parser, 1480, MemorySegment.ofArray(out), 0));
        parse(new PacketBuilder().ipv4("0.0.0.0", "198.18.0.100").dontFragment().tcp(1, 80, 0).build());
        assertEquals(0, errors.fragmentationNeeded(parser, 1480, MemorySegment.ofArray(out), 0));
    }
}

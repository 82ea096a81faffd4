package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NatRewriterTest {

    private final FrameParser parser = new FrameParser();

    @Test
    void shouldProduceSameFrameAsBuildingTheRewrittenOneIpv4Tcp() {
        byte[] in = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100")
                .tcp(40000, 80, TcpHeader.ACK).sequence(5, 6).payload(new byte[] {1, 2, 3}).build();
        byte[] expected = new PacketBuilder().ipv4("198.18.0.1", "198.18.1.7")
                .tcp(40000, 8080, TcpHeader.ACK).sequence(5, 6).payload(new byte[] {1, 2, 3}).build();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.destinationIpv4(parser, 0xC6120107, 8080);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldRewriteReplySourceIpv4Udp() {
        byte[] in = new PacketBuilder().ipv4("198.18.1.7", "198.18.0.1").udp(5353, 40000)
                .payload(new byte[] {9, 8, 7}).build();
        byte[] expected = new PacketBuilder().ipv4("198.18.0.100", "198.18.0.1").udp(53, 40000)
                .payload(new byte[] {9, 8, 7}).build();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.sourceIpv4(parser, 0xC6120064, 53);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldProduceSameFrameAsBuildingTheRewrittenOneIpv6() {
        byte[] in = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100")
                .tcp(40000, 80, TcpHeader.SYN).build();
        byte[] expected = new PacketBuilder().ipv6("2001:db8::1", "2001:db8:1::7")
                .tcp(40000, 8080, TcpHeader.SYN).build();
        byte[] address = HexFormat.of().parseHex("20010db8000100000000000000000007");
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.destinationIpv6(parser, MemorySegment.ofArray(address), 0, 8080);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldLeaveAbsentUdpChecksumAbsent() {
        byte[] in = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").udp(40000, 53)
                .noUdpChecksum().payload(new byte[] {1}).build();
        byte[] expected = new PacketBuilder().ipv4("198.18.0.1", "198.18.1.7").udp(40000, 5353)
                .noUdpChecksum().payload(new byte[] {1}).build();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.destinationIpv4(parser, 0xC6120107, 5353);
        assertArrayEquals(expected, in);
        assertEquals(0, parser.udp().checksum());
    }

    @Test
    void shouldRewriteFragmentationNeededFromClientSideTowardsServer() {
        // The client's router cannot forward a reply the director rewrote to come from the VIP.
        byte[] reply = new PacketBuilder().ipv4("198.18.0.100", "198.18.0.1").dontFragment()
                .tcp(80, 40000, TcpHeader.ACK).payload(new byte[40]).buildIpPacket();
        byte[] replyAtServer = new PacketBuilder().ipv4("198.18.1.7", "198.18.0.1").dontFragment()
                .tcp(8080, 40000, TcpHeader.ACK).payload(new byte[40]).buildIpPacket();
        byte[] in = new PacketBuilder().ipv4("198.18.9.1", "198.18.0.100")
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1400)
                .payload(java.util.Arrays.copyOf(reply, 28)).build();
        byte[] expected = new PacketBuilder().ipv4("198.18.9.1", "198.18.1.7")
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1400)
                .payload(java.util.Arrays.copyOf(quoteWithTcpChecksum(replyAtServer, reply), 28)).build();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.icmpToServerIpv4(parser, 0xC6120107, 8080);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldRewriteErrorFromServerSideTowardsClient() {
        byte[] request = new PacketBuilder().ipv4("198.18.0.1", "198.18.1.7")
                .udp(40000, 5353).payload(new byte[20]).buildIpPacket();
        byte[] original = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100")
                .udp(40000, 53).payload(new byte[20]).buildIpPacket();
        byte[] in = new PacketBuilder().ipv4("198.18.1.7", "198.18.0.1")
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0)
                .payload(java.util.Arrays.copyOf(request, 28)).build();
        byte[] expected = new PacketBuilder().ipv4("198.18.0.100", "198.18.0.1")
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0)
                .payload(java.util.Arrays.copyOf(quoteWithUdpChecksum(original, request), 28)).build();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.icmpToClientIpv4(parser, 0xC6120064, 53);
        assertArrayEquals(expected, in);
    }

    /** The quote keeps the transport checksum it was sent with (IPVS does not update it). */
    private static byte[] quoteWithTcpChecksum(byte[] rewritten, byte[] sent) {
        byte[] copy = rewritten.clone();
        System.arraycopy(sent, 20 + TcpHeader.CHECKSUM_OFFSET, copy, 20 + TcpHeader.CHECKSUM_OFFSET, 2);
        return copy;
    }

    private static byte[] quoteWithUdpChecksum(byte[] rewritten, byte[] sent) {
        byte[] copy = rewritten.clone();
        System.arraycopy(sent, 20 + UdpHeader.CHECKSUM_OFFSET, copy, 20 + UdpHeader.CHECKSUM_OFFSET, 2);
        return copy;
    }
}

package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
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

    @Test
    void shouldAddAddressDeltaToPartialChecksumAndLeavePortsToTheDeviceIpv4Tcp() {
        byte[] payload = seeded(1).bytes(1400);
        byte[] in = partial(new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100")
                .tcp(40000, 80, TcpHeader.ACK | TcpHeader.PSH).sequence(5, 6).payload(payload).build());
        byte[] expected = new PacketBuilder().ipv4("198.18.0.1", "198.18.1.7")
                .tcp(40000, 8080, TcpHeader.ACK | TcpHeader.PSH).sequence(5, 6).payload(payload).build();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.destinationIpv4(parser, 0xC6120107, 8080, true);
        assertEquals(pseudoHeaderSum(in), checksumField(in), "the field still holds the pseudo-header sum");
        completeAsDevice(in);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldRewritePartialChecksumOfReplySourceIpv4Udp() {
        byte[] payload = seeded(2).bytes(333);
        byte[] in = partial(new PacketBuilder().ipv4("198.18.1.7", "198.18.0.1").udp(5353, 40000)
                .payload(payload).build());
        byte[] expected = new PacketBuilder().ipv4("198.18.0.100", "198.18.0.1").udp(53, 40000)
                .payload(payload).build();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.sourceIpv4(parser, 0xC6120064, 53, true);
        assertEquals(pseudoHeaderSum(in), checksumField(in));
        completeAsDevice(in);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldRewritePartialChecksumOfGsoSuperFrameIpv6Tcp() {
        byte[] payload = seeded(3).bytes(60_000);
        byte[] in = partial(new PacketBuilder().ipv6("2001:db8:1::7", "2001:db8::1")
                .tcp(8080, 40000, TcpHeader.ACK).sequence(77, 88).payload(payload).build());
        byte[] expected = new PacketBuilder().ipv6("2001:db8::100", "2001:db8::1")
                .tcp(80, 40000, TcpHeader.ACK).sequence(77, 88).payload(payload).build();
        byte[] vip = HexFormat.of().parseHex("20010db8000000000000000000000100");
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.sourceIpv6(parser, MemorySegment.ofArray(vip), 0, 80, true);
        assertEquals(pseudoHeaderSum(in), checksumField(in));
        completeAsDevice(in);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldRewritePartialChecksumOfDestinationIpv6Udp() {
        byte[] payload = seeded(4).bytes(41);
        byte[] in = partial(new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100").udp(40000, 53)
                .payload(payload).build());
        byte[] expected = new PacketBuilder().ipv6("2001:db8::1", "2001:db8:1::7").udp(40000, 5353)
                .payload(payload).build();
        byte[] server = HexFormat.of().parseHex("20010db8000100000000000000000007");
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.destinationIpv6(parser, MemorySegment.ofArray(server), 0, 5353, true);
        assertEquals(pseudoHeaderSum(in), checksumField(in));
        completeAsDevice(in);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldKeepEveryChecksumValidOverManyRandomRewritesInBothForms() {
        Random random = new Random(20261125L);
        for (int i = 0; i < 500; i++) {
            boolean v6 = random.nextBoolean();
            boolean tcp = random.nextBoolean();
            boolean partial = random.nextBoolean();
            boolean destination = random.nextBoolean();
            byte[] payload = new byte[random.nextInt(1500)];
            random.nextBytes(payload);
            PacketBuilder builder = v6
                    ? new PacketBuilder().ipv6(v6Text(random), v6Text(random))
                    : new PacketBuilder().ipv4(v4Text(random), v4Text(random)).identification(random.nextInt(0x10000));
            if (tcp) {
                builder.tcp(random.nextInt(0x10000), random.nextInt(0x10000), TcpHeader.ACK)
                        .sequence(random.nextInt(), random.nextInt());
            } else {
                builder.udp(random.nextInt(0x10000), random.nextInt(0x10000));
            }
            byte[] in = builder.payload(payload).build();
            if (partial) {
                partial(in);
            }
            int port = random.nextInt(0x10000);
            assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
            if (v6) {
                byte[] address = new byte[16];
                random.nextBytes(address);
                MemorySegment a = MemorySegment.ofArray(address);
                if (destination) {
                    NatRewriter.destinationIpv6(parser, a, 0, port, partial);
                } else {
                    NatRewriter.sourceIpv6(parser, a, 0, port, partial);
                }
            } else if (destination) {
                NatRewriter.destinationIpv4(parser, random.nextInt(), port, partial);
            } else {
                NatRewriter.sourceIpv4(parser, random.nextInt(), port, partial);
            }
            String what = "case " + i + (v6 ? " v6" : " v4") + (tcp ? " tcp" : " udp")
                    + (partial ? " partial" : " full") + (destination ? " destination" : " source");
            assertEquals(port, NetworkOrder.u16(MemorySegment.ofArray(in), l4(in) + (destination ? 2 : 0)), what);
            if (!v6) {
                assertTrue(Checksums.ipv4HeaderValid(MemorySegment.ofArray(in), 14, 20), what);
            }
            if (partial) {
                assertEquals(pseudoHeaderSum(in), checksumField(in), what);
                completeAsDevice(in);
            }
            assertEquals(fullChecksum(in), checksumField(in), what);
        }
    }

    @Test
    void shouldRewritePacketTooBigFromClientSideTowardsServerIpv6() {
        byte[] reply = new PacketBuilder().ipv6("2001:db8::100", "2001:db8::1")
                .tcp(80, 40000, TcpHeader.ACK).payload(new byte[1300]).buildIpPacket();
        byte[] replyAtServer = new PacketBuilder().ipv6("2001:db8:1::7", "2001:db8::1")
                .tcp(8080, 40000, TcpHeader.ACK).payload(new byte[1300]).buildIpPacket();
        byte[] in = new PacketBuilder().ipv6("2001:db8:9::1", "2001:db8::100")
                .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
                .payload(Arrays.copyOf(reply, 1232)).build();
        byte[] expected = new PacketBuilder().ipv6("2001:db8:9::1", "2001:db8:1::7")
                .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
                .payload(Arrays.copyOf(keepChecksum(replyAtServer, reply, 40 + TcpHeader.CHECKSUM_OFFSET), 1232))
                .build();
        byte[] server = HexFormat.of().parseHex("20010db8000100000000000000000007");
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        assertEquals(6, parser.quotedVersion());
        NatRewriter.icmpToServerIpv6(parser, MemorySegment.ofArray(server), 0, 8080);
        assertArrayEquals(expected, in);
    }

    @Test
    void shouldRewritePortUnreachableFromServerSideTowardsClientIpv6() {
        byte[] request = new PacketBuilder().ipv6("2001:db8::1", "2001:db8:1::7")
                .udp(40000, 5353).payload(new byte[20]).buildIpPacket();
        byte[] original = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100")
                .udp(40000, 53).payload(new byte[20]).buildIpPacket();
        byte[] in = new PacketBuilder().ipv6("2001:db8:1::7", "2001:db8::1")
                .icmpv6(Icmpv6Header.TYPE_DESTINATION_UNREACHABLE, 4, 0)
                .payload(request).build();
        byte[] expected = new PacketBuilder().ipv6("2001:db8::100", "2001:db8::1")
                .icmpv6(Icmpv6Header.TYPE_DESTINATION_UNREACHABLE, 4, 0)
                .payload(keepChecksum(original, request, 40 + UdpHeader.CHECKSUM_OFFSET)).build();
        byte[] vip = HexFormat.of().parseHex("20010db8000000000000000000000100");
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.icmpToClientIpv6(parser, MemorySegment.ofArray(vip), 0, 53);
        assertArrayEquals(expected, in);
        assertEquals(53, parser.quotedDestinationPort());
    }

    @Test
    void shouldRewriteTimeExceededAboutTcpRequestTowardsClientIpv6() {
        byte[] request = new PacketBuilder().ipv6("2001:db8::1", "2001:db8:1::7")
                .tcp(40000, 8080, TcpHeader.SYN).buildIpPacket();
        byte[] in = new PacketBuilder().ipv6("2001:db8:1::fe", "2001:db8::1")
                .icmpv6(Icmpv6Header.TYPE_TIME_EXCEEDED, 0, 0).payload(Arrays.copyOf(request, 48)).build();
        byte[] vip = HexFormat.of().parseHex("20010db8000000000000000000000100");
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(in), 0, in.length));
        NatRewriter.icmpToClientIpv6(parser, MemorySegment.ofArray(vip), 0, 80);
        MemorySegment s = MemorySegment.ofArray(in);
        assertEquals(80, parser.quotedDestinationPort());
        assertEquals(40000, parser.quotedSourcePort());
        assertArrayEquals(vip, Arrays.copyOfRange(in, 14 + Ipv6Header.SOURCE_OFFSET, 14 + Ipv6Header.SOURCE_OFFSET + 16));
        assertArrayEquals(vip, Arrays.copyOfRange(in, 14 + 48 + Ipv6Header.DESTINATION_OFFSET,
                14 + 48 + Ipv6Header.DESTINATION_OFFSET + 16), "quoted destination");
        assertEquals(Checksums.transportIpv6(s, 14, 54, in.length - 54, Ipv6Header.NEXT_ICMPV6,
                Icmpv6Header.CHECKSUM_OFFSET), parser.icmpv6().checksum(), "ICMPv6 checksum over the pseudo-header");
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

    private static byte[] keepChecksum(byte[] rewritten, byte[] sent, int at) {
        byte[] copy = rewritten.clone();
        System.arraycopy(sent, at, copy, at, 2);
        return copy;
    }

    private static SeededBytes seeded(long seed) {
        return new SeededBytes(new Random(seed));
    }

    private record SeededBytes(Random random) {
        byte[] bytes(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }
    }

    private static String v4Text(Random random) {
        return "198.18." + random.nextInt(256) + "." + random.nextInt(256);
    }

    private static String v6Text(Random random) {
        return String.format("2001:db8:%x:%x::%x:%x", random.nextInt(0x10000), random.nextInt(0x10000),
                random.nextInt(0x10000), random.nextInt(0x10000));
    }

    /** Where the L4 header and its checksum field are, for an untagged IPv4 or IPv6 frame without options. */
    private static int l4(byte[] frame) {
        return 14 + ((frame[12] & 0xFF) == 0x86 ? Ipv6Header.HEADER_LENGTH : (frame[14] & 0x0F) * 4);
    }

    private static boolean v6(byte[] frame) {
        return (frame[12] & 0xFF) == 0x86;
    }

    private static int protocol(byte[] frame) {
        return v6(frame) ? frame[14 + Ipv6Header.NEXT_HEADER_OFFSET] & 0xFF : frame[14 + Ipv4Header.PROTOCOL_OFFSET] & 0xFF;
    }

    private static int checksumAt(byte[] frame) {
        return l4(frame) + (protocol(frame) == Ipv4Header.PROTOCOL_TCP ? TcpHeader.CHECKSUM_OFFSET
                : UdpHeader.CHECKSUM_OFFSET);
    }

    private static int checksumField(byte[] frame) {
        return NetworkOrder.u16(MemorySegment.ofArray(frame), checksumAt(frame));
    }

    /** The pseudo-header's sum, folded and not complemented: what a NEEDS_CSUM frame carries. */
    private static int pseudoHeaderSum(byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int length = frame.length - l4(frame);
        long sum = v6(frame) ? Checksums.add(s, 14 + Ipv6Header.SOURCE_OFFSET, 32, 0)
                : Checksums.add(s, 14 + Ipv4Header.SOURCE_OFFSET, 8, 0);
        sum += protocol(frame) + (length >>> 16) + (length & 0xFFFF);
        return ~Checksums.finish(sum) & 0xFFFF;
    }

    /** Turns a built frame into what a local sender hands the device: the pseudo-header sum in the field. */
    private static byte[] partial(byte[] frame) {
        NetworkOrder.u16(MemorySegment.ofArray(frame), checksumAt(frame), pseudoHeaderSum(frame));
        return frame;
    }

    /** Completes a partial checksum as the device does: sum from the L4 header to the end, field included. */
    private static void completeAsDevice(byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int l4 = l4(frame);
        int sum = Checksums.finish(Checksums.add(s, l4, frame.length - l4, 0));
        boolean udp = protocol(frame) == Ipv4Header.PROTOCOL_UDP;
        NetworkOrder.u16(s, checksumAt(frame), udp && sum == 0 ? 0xFFFF : sum);
    }

    private static int fullChecksum(byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int l4 = l4(frame);
        int at = checksumAt(frame) - l4;
        int sum = v6(frame) ? Checksums.transportIpv6(s, 14, l4, frame.length - l4, protocol(frame), at)
                : Checksums.transportIpv4(s, 14, l4, frame.length - l4, at);
        return protocol(frame) == Ipv4Header.PROTOCOL_UDP && sum == 0 ? 0xFFFF : sum;
    }
}

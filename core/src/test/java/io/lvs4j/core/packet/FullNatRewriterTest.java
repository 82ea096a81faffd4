package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FullNatRewriterTest {

    private final FrameParser parser = new FrameParser();

    private void rewrite(byte[] frame, String source, int sourcePort, String destination, int destinationPort,
            boolean partial) {
        MemorySegment s = MemorySegment.ofArray(frame);
        assertEquals(DropReason.NONE, parser.parse(s, 0, frame.length));
        FullNatRewriter.rewriteIpv4(parser, ip(source), sourcePort, ip(destination), destinationPort, partial);
    }

    private static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
                | Integer.parseInt(p[3]);
    }

    @Test
    void shouldRewriteClientFrameToLocalAddressAndServerWithValidChecksums() {
        byte[] frame = new PacketBuilder().ipv4("198.18.0.11", "198.18.0.200").tcp(40000, 80, TcpHeader.SYN)
                .sequence(1000, 0).payload(new byte[] {1, 2, 3}).build();
        rewrite(frame, "198.18.1.254", 5001, "198.18.1.7", 8080, false);
        byte[] expected = new PacketBuilder().ipv4("198.18.1.254", "198.18.1.7").tcp(5001, 8080, TcpHeader.SYN)
                .sequence(1000, 0).payload(new byte[] {1, 2, 3}).build();
        assertArrayEquals(expected, frame);
    }

    @Test
    void shouldRewriteUdpAndKeepAnAbsentUdpChecksumAbsent() {
        byte[] frame = new PacketBuilder().ipv4("198.18.1.7", "198.18.1.254").udp(53, 5001)
                .payload(new byte[] {9, 8, 7, 6, 5}).build();
        rewrite(frame, "198.18.0.200", 53, "198.18.0.11", 40000, false);
        assertArrayEquals(new PacketBuilder().ipv4("198.18.0.200", "198.18.0.11").udp(53, 40000)
                .payload(new byte[] {9, 8, 7, 6, 5}).build(), frame);

        byte[] none = new PacketBuilder().ipv4("198.18.1.7", "198.18.1.254").udp(53, 5001).noUdpChecksum()
                .payload(new byte[] {1}).build();
        rewrite(none, "198.18.0.200", 53, "198.18.0.11", 40000, false);
        assertArrayEquals(new PacketBuilder().ipv4("198.18.0.200", "198.18.0.11").udp(53, 40000).noUdpChecksum()
                .payload(new byte[] {1}).build(), none);
    }

    @Test
    void shouldRewriteOnlyAddressesOfAFrameWithoutPorts() {
        byte[] frame = new PacketBuilder().ipv4("198.18.1.7", "198.18.1.254").icmp(0, 0, 0x01020304).build();
        rewrite(frame, "198.18.0.200", 1, "198.18.0.11", 2, false);
        assertArrayEquals(new PacketBuilder().ipv4("198.18.0.200", "198.18.0.11").icmp(0, 0, 0x01020304).build(),
                frame);
    }

    @Test
    void shouldTranslateAnIcmpErrorWithBothEndsOfItsQuote() {
        byte[] sent = new PacketBuilder().ipv4("198.18.1.254", "198.18.1.7").udp(5001, 53).payload(new byte[4])
                .buildIpPacket();
        byte[] error = new PacketBuilder().ipv4("198.18.1.7", "198.18.1.254").icmp(3, 3, 0)
                .payload(java.util.Arrays.copyOf(sent, 28)).build();
        MemorySegment s = MemorySegment.ofArray(error);
        assertEquals(DropReason.NONE, parser.parse(s, 0, error.length));
        FullNatRewriter.icmpIpv4(parser, ip("198.18.0.200"), ip("198.18.0.11"), ip("198.18.0.11"), 40000,
                ip("198.18.0.200"), 53);
        byte[] original = new PacketBuilder().ipv4("198.18.0.11", "198.18.0.200").udp(40000, 53).payload(new byte[4])
                .buildIpPacket();
        byte[] expected = new PacketBuilder().ipv4("198.18.0.200", "198.18.0.11").icmp(3, 3, 0)
                .payload(java.util.Arrays.copyOf(original, 28)).build();
        // The quoted UDP checksum is the one sent to the server, left alone.
        System.arraycopy(sent, 26, expected, 14 + 20 + 8 + 26, 2);
        FrameParser check = new FrameParser();
        check.parse(MemorySegment.ofArray(expected), 0, expected.length);
        check.icmp().updateChecksum(check.l4Length());
        assertArrayEquals(expected, error);
    }

    /**
     * Random tuples and payloads, TCP and UDP, full and partial checksums: the rewritten frame
     * equals the one built with the new tuple, once a partial checksum is completed as the
     * kernel would complete it.
     */
    @Test
    void shouldAgreeWithAFreshlyBuiltFrameForRandomTuplesFullAndPartial() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            String[] a = {address(random), address(random), address(random), address(random)};
            int[] ports = {1 + random.nextInt(65535), 1 + random.nextInt(65535), 1 + random.nextInt(65535),
                1 + random.nextInt(65535)};
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            boolean tcp = random.nextBoolean();
            boolean partial = random.nextBoolean();
            int sequence = random.nextInt();
            byte[] frame = build(tcp, a[0], ports[0], a[1], ports[1], payload, sequence);
            byte[] expected = build(tcp, a[2], ports[2], a[3], ports[3], payload, sequence);
            if (partial) {
                makePartial(frame, tcp);
            }
            rewrite(frame, a[2], ports[2], a[3], ports[3], partial);
            if (partial) {
                complete(frame, tcp);
            }
            assertArrayEquals(expected, frame, "case " + i);
        }
    }

    /** The same for IPv6 frames, whose only checksum is the transport's. */
    @Test
    void shouldAgreeWithAFreshlyBuiltIpv6FrameForRandomTuplesFullAndPartial() throws Exception {
        Random random = new Random(43);
        for (int i = 0; i < 300; i++) {
            String[] a = new String[4];
            for (int k = 0; k < 4; k++) {
                a[k] = "2001:db8:" + Integer.toHexString(random.nextInt(65536)) + "::" + Integer.toHexString(1 + random.nextInt(65535));
            }
            int[] ports = {1 + random.nextInt(65535), 1 + random.nextInt(65535), 1 + random.nextInt(65535),
                1 + random.nextInt(65535)};
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            boolean tcp = random.nextBoolean();
            boolean partial = random.nextBoolean();
            byte[] frame = build6(tcp, a[0], ports[0], a[1], ports[1], payload);
            byte[] expected = build6(tcp, a[2], ports[2], a[3], ports[3], payload);
            int l4 = 14 + 40;
            MemorySegment s = MemorySegment.ofArray(frame);
            if (partial) {
                long sum = Checksums.add(s, 14 + 8, 32, 0) + (tcp ? 6 : 17) + (frame.length - l4);
                NetworkOrder.u16(s, l4 + checksumOffset(tcp), ~Checksums.finish(sum) & 0xFFFF);
            }
            assertEquals(DropReason.NONE, parser.parse(s, 0, frame.length));
            MemorySegment addresses = MemorySegment.ofArray(new byte[32]);
            MemorySegment.copy(MemorySegment.ofArray(java.net.InetAddress.getByName(a[2]).getAddress()), 0,
                    addresses, 0, 16);
            MemorySegment.copy(MemorySegment.ofArray(java.net.InetAddress.getByName(a[3]).getAddress()), 0,
                    addresses, 16, 16);
            FullNatRewriter.rewriteIpv6(parser, addresses, 0, ports[2], addresses, 16, ports[3], partial);
            if (partial) {
                int c = Checksums.finish(Checksums.add(s, l4, frame.length - l4, 0));
                NetworkOrder.u16(s, l4 + checksumOffset(tcp), !tcp && c == 0 ? 0xFFFF : c);
            }
            assertArrayEquals(expected, frame, "case " + i);
        }
    }

    private static byte[] build6(boolean tcp, String source, int sourcePort, String destination, int destinationPort,
            byte[] payload) {
        PacketBuilder b = new PacketBuilder().ipv6(source, destination);
        if (tcp) {
            b.tcp(sourcePort, destinationPort, TcpHeader.ACK).sequence(11, 7);
        } else {
            b.udp(sourcePort, destinationPort);
        }
        return b.payload(payload).build();
    }

    private static byte[] build(boolean tcp, String source, int sourcePort, String destination, int destinationPort,
            byte[] payload, int sequence) {
        PacketBuilder b = new PacketBuilder().ipv4(source, destination);
        if (tcp) {
            b.tcp(sourcePort, destinationPort, TcpHeader.ACK).sequence(sequence, 7);
        } else {
            b.udp(sourcePort, destinationPort);
        }
        return b.payload(payload).build();
    }

    private static String address(Random random) {
        return "198." + (18 + random.nextInt(2)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    /** Replaces the transport checksum by the pseudo-header sum, as a CHECKSUM_PARTIAL frame holds it. */
    private static void makePartial(byte[] frame, boolean tcp) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int l4 = 14 + 20;
        int length = frame.length - l4;
        long sum = Checksums.add(s, 14 + Ipv4Header.SOURCE_OFFSET, 8, 0) + (tcp ? 6 : 17) + length;
        NetworkOrder.u16(s, l4 + checksumOffset(tcp), ~Checksums.finish(sum) & 0xFFFF);
    }

    /** Completes a partial checksum: the sum over the segment from its header, field included. */
    private static void complete(byte[] frame, boolean tcp) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int l4 = 14 + 20;
        int c = Checksums.finish(Checksums.add(s, l4, frame.length - l4, 0));
        NetworkOrder.u16(s, l4 + checksumOffset(tcp), !tcp && c == 0 ? 0xFFFF : c);
    }

    private static int checksumOffset(boolean tcp) {
        return tcp ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET;
    }
}

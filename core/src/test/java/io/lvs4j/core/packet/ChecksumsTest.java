package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

    /** A textbook IPv4 header (UDP, 192.168.0.1 to 192.168.0.199) whose checksum is 0xB861. */
    private static final byte[] IPV4_HEADER =
            HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");

    @Test
    void shouldComputeKnownIpv4HeaderChecksum() {
        MemorySegment s = MemorySegment.ofArray(IPV4_HEADER.clone());
        assertEquals(0xB861, Checksums.ipv4Header(s, 0, 20));
        new Ipv4Header().wrap(s, 0).updateChecksum();
        assertEquals(0xB8, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 10) & 0xFF);
        assertTrue(Checksums.ipv4HeaderValid(s, 0, 20));
    }

    @Test
    void shouldFollowRfc1624Example() {
        // RFC 1624 section 4: HC = 0xDD2F, m = 0x5555 becomes m' = 0x3285, HC' = 0x0000.
        assertEquals(0x0000, Checksums.update16(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void shouldMatchReferenceSumOverOddLengths() {
        Random random = new Random(7);
        for (int length = 0; length < 70; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            long reference = 0;
            for (int i = 0; i < length; i += 2) {
                int hi = data[i] & 0xFF;
                int lo = i + 1 < length ? data[i + 1] & 0xFF : 0;
                reference += (hi << 8) | lo;
            }
            assertEquals(Checksums.finish(reference),
                    Checksums.finish(Checksums.add(MemorySegment.ofArray(data), 0, length, 0)));
            assertEquals(Checksums.finish(reference), Checksums.finish(Checksums.add(data, 0)),
                    "the array form agrees, length " + length);
        }
    }

    @Test
    void shouldMatchReferenceSumOverTheLargestPackets() {
        Random random = new Random(11);
        for (byte[] data : new byte[][] {filled(65535, (byte) 0xFF), filled(65536, (byte) 0xFF), random(65535, random),
                random(1500, random)}) {
            long reference = 0;
            for (int i = 0; i < data.length; i += 2) {
                reference += ((data[i] & 0xFF) << 8) | (i + 1 < data.length ? data[i + 1] & 0xFF : 0);
            }
            for (int start = 0; start < 3; start++) {
                long shifted = 0;
                for (int i = start; i < data.length; i += 2) {
                    shifted += ((data[i] & 0xFF) << 8) | (i + 1 < data.length ? data[i + 1] & 0xFF : 0);
                }
                assertEquals(Checksums.finish(shifted), Checksums.finish(
                        Checksums.add(MemorySegment.ofArray(data), start, data.length - start, 0)));
            }
            assertEquals(Checksums.finish(reference),
                    Checksums.finish(Checksums.add(MemorySegment.ofArray(data), 0, data.length, 0)));
        }
    }

    private static byte[] filled(int length, byte value) {
        byte[] data = new byte[length];
        java.util.Arrays.fill(data, value);
        return data;
    }

    private static byte[] random(int length, Random random) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        return data;
    }

    @Test
    void shouldVerifyTcpAndUdpChecksumsOfBuiltPackets() {
        byte[] tcp4 = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.2")
                .tcp(1234, 80, TcpHeader.SYN).payload(new byte[] {1, 2, 3}).buildIpPacket();
        assertEquals(0, sumWithPseudoHeaderV4(tcp4, 6));
        byte[] udp4 = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.2")
                .udp(53, 5353).payload(new byte[] {9}).buildIpPacket();
        assertEquals(0, sumWithPseudoHeaderV4(udp4, 17));
        byte[] tcp6 = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2")
                .tcp(1234, 443, TcpHeader.ACK).payload(new byte[] {7, 7, 7, 7, 7}).buildIpPacket();
        assertEquals(0, sumWithPseudoHeaderV6(tcp6, 6));
    }

    @Test
    void shouldAgreeIncrementalWithFullRecomputation() {
        Random random = new Random(42);
        TcpHeader tcp = new TcpHeader();
        Ipv4Header ip = new Ipv4Header();
        for (int i = 0; i < 500; i++) {
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            byte[] packet = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.2")
                    .tcp(random.nextInt(65536), random.nextInt(65536), TcpHeader.ACK)
                    .sequence(random.nextInt(), random.nextInt()).payload(payload).buildIpPacket();
            MemorySegment s = MemorySegment.ofArray(packet);
            ip.wrap(s, 0);
            tcp.wrap(s, 20);
            int oldAddress = ip.destination();
            int newAddress = random.nextInt();
            ip.rewriteDestination(newAddress);
            tcp.pseudoHeaderAddressChanged(oldAddress, newAddress);
            tcp.rewriteDestinationPort(random.nextInt(65536));
            int incrementalIp = ip.checksum();
            int incrementalTcp = tcp.checksum();
            assertEquals(Checksums.ipv4Header(s, 0, 20), incrementalIp);
            int full = Checksums.transportIpv4(s, 0, 20, packet.length - 20, TcpHeader.CHECKSUM_OFFSET);
            // 0x0000 and 0xFFFF are the same one's-complement value.
            assertEquals(full == 0xFFFF ? 0 : full, incrementalTcp == 0xFFFF ? 0 : incrementalTcp);
        }
    }

    @Test
    void shouldUpdateIpv6AddressIncrementally() {
        byte[] packet = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2")
                .udp(1000, 2000).payload(new byte[] {1, 2, 3}).buildIpPacket();
        MemorySegment s = MemorySegment.ofArray(packet);
        byte[] newAddress = HexFormat.of().parseHex("20010db8000000000000000000000099");
        UdpHeader udp = new UdpHeader().wrap(s, 40);
        int updated = Checksums.update128(udp.checksum(), s, Ipv6Header.DESTINATION_OFFSET,
                MemorySegment.ofArray(newAddress), 0);
        new Ipv6Header().wrap(s, 0).destination(MemorySegment.ofArray(newAddress), 0);
        udp.checksum(updated);
        assertEquals(0, sumWithPseudoHeaderV6(packet, 17));
    }

    private static int sumWithPseudoHeaderV4(byte[] packet, int protocol) {
        MemorySegment s = MemorySegment.ofArray(packet);
        int l4 = packet.length - 20;
        long sum = Checksums.add(s, 12, 8, 0) + protocol + l4;
        return Checksums.finish(Checksums.add(s, 20, l4, sum));
    }

    private static int sumWithPseudoHeaderV6(byte[] packet, int protocol) {
        MemorySegment s = MemorySegment.ofArray(packet);
        int l4 = packet.length - 40;
        long sum = Checksums.add(s, 8, 32, 0) + protocol + l4;
        return Checksums.finish(Checksums.add(s, 40, l4, sum));
    }
}

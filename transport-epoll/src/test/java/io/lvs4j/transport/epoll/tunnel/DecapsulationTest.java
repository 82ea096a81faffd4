package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks of {@link Decapsulation} on hand-built IPIP, IPv6-in-IPv6 and GUE packets. */
class DecapsulationTest {

    private static final String CLIENT = "198.18.0.11";
    private static final String VIP = "198.18.0.203";
    private static final String DIRECTOR = "198.18.0.12";
    private static final String SERVER = "198.18.0.13";
    private static final String CLIENT6 = "2001:2:0:1::11";
    private static final String VIP6 = "2001:2:0:1::203";

    private final Decapsulation decap = new Decapsulation();

    private static byte[] inner4() {
        return new PacketBuilder().ipv4(CLIENT, VIP).udp(40000, 7).payload(new byte[] {1, 2, 3, 4, 5}).buildIpPacket();
    }

    private static byte[] inner6() {
        return new PacketBuilder().ipv6(CLIENT6, VIP6).udp(40000, 7).payload(new byte[] {9, 8, 7}).buildIpPacket();
    }

    private static byte[] ipip(byte[] inner) {
        return new PacketBuilder().ipv4(DIRECTOR, SERVER).rawTransport(4).payload(inner).buildIpPacket();
    }

    /** Copies the packet at an offset, so that offsets are exercised too. */
    private static MemorySegment at(int offset, byte[] packet) {
        byte[] b = new byte[offset + packet.length + 16];
        System.arraycopy(packet, 0, b, offset, packet.length);
        return MemorySegment.ofArray(b);
    }

    private byte[] inner(MemorySegment s) {
        return s.asSlice(decap.innerOffset(), decap.innerLength()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Test
    void shouldFindTheInnerIpv4PacketOfAnIpipPacket() {
        byte[] outer = ipip(inner4());
        MemorySegment s = at(100, outer);
        assertEquals(DecapCounter.DECAPSULATED, decap.ipip(s, 100, outer.length));
        assertEquals(120, decap.innerOffset());
        assertArrayEquals(inner4(), inner(s));
    }

    @Test
    void shouldSkipOuterIpv4OptionsAndIgnoreBytesAfterTheInnerPacket() {
        byte[] inner = inner4();
        byte[] padded = Arrays.copyOf(inner, inner.length + 6);
        byte[] outer = new PacketBuilder().ipv4(DIRECTOR, SERVER).ipv4Options(new byte[] {1, 1, 1, 1})
                .rawTransport(4).payload(padded).buildIpPacket();
        MemorySegment s = at(0, outer);
        assertEquals(DecapCounter.DECAPSULATED, decap.ipip(s, 0, outer.length));
        assertEquals(24, decap.innerOffset());
        assertArrayEquals(inner, inner(s));
    }

    @Test
    void shouldRefuseTruncatedOrMalformedOuterHeaders() {
        byte[] outer = ipip(inner4());
        assertEquals(DecapCounter.DROP_MALFORMED_OUTER, decap.ipip(at(0, outer), 0, 19));
        assertEquals(DecapCounter.DROP_MALFORMED_OUTER, decap.ipip(at(0, outer), 0, outer.length - 1),
                "total length beyond the bytes received");
        byte[] shortHeader = outer.clone();
        shortHeader[0] = 0x44;
        assertEquals(DecapCounter.DROP_MALFORMED_OUTER, decap.ipip(at(0, shortHeader), 0, outer.length));
        byte[] v6 = outer.clone();
        v6[0] = 0x65;
        assertEquals(DecapCounter.DROP_MALFORMED_OUTER, decap.ipip(at(0, v6), 0, outer.length));
        byte[] udp = new PacketBuilder().ipv4(DIRECTOR, SERVER).rawTransport(17).payload(inner4()).buildIpPacket();
        assertEquals(DecapCounter.DROP_MALFORMED_OUTER, decap.ipip(at(0, udp), 0, udp.length));
    }

    @Test
    void shouldRefuseAnIpv6PacketInsideIpip() {
        byte[] outer = ipip(inner6());
        assertEquals(DecapCounter.DROP_WRONG_INNER_VERSION, decap.ipip(at(0, outer), 0, outer.length));
    }

    @Test
    void shouldRefuseAnInnerPacketLongerThanItsTunnelOrWithABadChecksum() {
        byte[] inner = inner4();
        byte[] cut = Arrays.copyOf(inner, inner.length - 1);
        byte[] outer = ipip(cut);
        assertEquals(DecapCounter.DROP_MALFORMED_INNER, decap.ipip(at(0, outer), 0, outer.length));
        byte[] corrupt = inner.clone();
        corrupt[8]--; // the TTL, under the header checksum
        byte[] outer2 = ipip(corrupt);
        assertEquals(DecapCounter.DROP_MALFORMED_INNER, decap.ipip(at(0, outer2), 0, outer2.length));
        byte[] tiny = ipip(Arrays.copyOf(inner, 12));
        assertEquals(DecapCounter.DROP_MALFORMED_INNER, decap.ipip(at(0, tiny), 0, tiny.length));
        byte[] empty = ipip(new byte[0]);
        assertEquals(DecapCounter.DROP_MALFORMED_INNER, decap.ipip(at(0, empty), 0, empty.length));
    }

    /** A TCP segment as GRO leaves it: 3000 bytes of data, only the pseudo-header sum in its checksum. */
    private static byte[] tcp4() {
        byte[] data = new byte[3000];
        new java.util.Random(8).nextBytes(data);
        return new PacketBuilder().ipv4(CLIENT, VIP).dontFragment().tcp(40000, 80, TcpHeader.ACK).sequence(1, 1)
                .payload(data).buildIpPacket();
    }

    @Test
    void shouldCompleteTheTcpChecksumOfASegmentThatGroMergedInIpip() {
        byte[] segment = tcp4();
        byte[] partial = GuePackets.merged(segment, 20, 12, 8);
        byte[] outer = ipip(partial);
        MemorySegment s = at(0, outer);
        assertEquals(DecapCounter.DECAPSULATED, decap.ipip(s, 0, outer.length));
        assertTrue(decap.checksumCompleted());
        assertArrayEquals(segment, inner(s));
    }

    @Test
    void shouldCompleteTheTcpChecksumOfASegmentThatGroMergedInIpv6InIpv6() {
        byte[] data = new byte[2000];
        new java.util.Random(6).nextBytes(data);
        byte[] segment = new PacketBuilder().ipv6(CLIENT6, VIP6).tcp(40000, 80, TcpHeader.ACK).sequence(7, 9)
                .payload(data).buildIpPacket();
        byte[] partial = GuePackets.merged(segment, 40, 8, 32);
        MemorySegment s = at(0, partial);
        assertEquals(DecapCounter.DECAPSULATED, decap.ip6ip6(s, 0, partial.length));
        assertTrue(decap.checksumCompleted());
        assertArrayEquals(segment, inner(s));
    }

    @Test
    void shouldLeaveVerifiedAndCorruptTcpSegmentsAsTheyAre() {
        byte[] segment = tcp4();
        byte[] outer = ipip(segment);
        MemorySegment s = at(0, outer);
        assertEquals(DecapCounter.DECAPSULATED, decap.ipip(s, 0, outer.length));
        assertFalse(decap.checksumCompleted());
        assertArrayEquals(segment, inner(s));
        byte[] corrupt = segment.clone();
        corrupt[1000] ^= 0x5A;
        byte[] outer2 = ipip(corrupt);
        MemorySegment s2 = at(0, outer2);
        assertEquals(DecapCounter.DECAPSULATED, decap.ipip(s2, 0, outer2.length));
        assertFalse(decap.checksumCompleted(), "left for the kernel to drop and count");
        assertArrayEquals(corrupt, inner(s2));
    }

    @Test
    void shouldFindTheInnerPacketOfIpv6InIpv6() {
        byte[] inner = inner6();
        MemorySegment s = at(8, inner);
        assertEquals(DecapCounter.DECAPSULATED, decap.ip6ip6(s, 8, inner.length));
        assertArrayEquals(inner, inner(s));
        assertEquals(DecapCounter.DROP_MALFORMED_INNER, decap.ip6ip6(at(0, inner), 0, inner.length - 1));
        assertEquals(DecapCounter.DROP_MALFORMED_INNER, decap.ip6ip6(at(0, inner), 0, 39));
        assertEquals(DecapCounter.DROP_WRONG_INNER_VERSION, decap.ip6ip6(at(0, inner4()), 0, inner4().length));
    }

    @Test
    void shouldFindIpv4AndIpv6InTheGueHeaderOfIpvs() {
        byte[] four = GuePackets.version0(4, inner4());
        MemorySegment s = at(28, four);
        assertEquals(DecapCounter.DECAPSULATED, decap.gue(s, 28, four.length));
        assertEquals(32, decap.innerOffset());
        assertArrayEquals(inner4(), inner(s));
        byte[] six = GuePackets.version0(41, inner6());
        MemorySegment s6 = at(0, six);
        assertEquals(DecapCounter.DECAPSULATED, decap.gue(s6, 0, six.length));
        assertArrayEquals(inner6(), inner(s6));
    }

    @Test
    void shouldTakeGueVariantOneAsTheInnerPacketItself() {
        byte[] four = inner4();
        MemorySegment s = at(0, four);
        assertEquals(DecapCounter.DECAPSULATED, decap.gue(s, 0, four.length));
        assertEquals(0, decap.innerOffset());
        assertArrayEquals(four, inner(s));
        byte[] six = inner6();
        MemorySegment s6 = at(0, six);
        assertEquals(DecapCounter.DECAPSULATED, decap.gue(s6, 0, six.length));
        assertArrayEquals(six, inner(s6));
        byte[] five = four.clone();
        five[0] = 0x55;
        assertEquals(DecapCounter.DROP_WRONG_INNER_VERSION, decap.gue(at(0, five), 0, five.length));
    }

    @Test
    void shouldRefuseGueControlMessagesOptionsFlagsAndOtherVersions() {
        byte[] control = GuePackets.version0(4, inner4());
        control[0] = 0x20; // C bit
        assertEquals(DecapCounter.DROP_GUE_UNSUPPORTED, decap.gue(at(0, control), 0, control.length));
        byte[] options = GuePackets.version0(4, inner4());
        options[0] = 0x02; // Hlen 2 without the PRIV flag
        assertEquals(DecapCounter.DROP_GUE_UNSUPPORTED, decap.gue(at(0, options), 0, options.length));
        byte[] flags = GuePackets.version0(4, inner4());
        flags[3] = 0x01;
        assertEquals(DecapCounter.DROP_GUE_UNSUPPORTED, decap.gue(at(0, flags), 0, flags.length));
        byte[] v2 = GuePackets.version0(4, inner4());
        v2[0] = (byte) 0x80;
        assertEquals(DecapCounter.DROP_GUE_VERSION, decap.gue(at(0, v2), 0, v2.length));
        assertEquals(DecapCounter.DROP_GUE_VERSION, decap.gue(at(0, v2), 0, 0));
        assertEquals(DecapCounter.DROP_GUE_VERSION, decap.gue(at(0, GuePackets.version0(4, inner4())), 0, 3));
    }

    @Test
    void shouldCompleteTheInnerChecksumLeftToTheRealServerByRemoteChecksumOffload() {
        byte[] inner = inner4();
        byte[] gue = GuePackets.remoteChecksum(inner, 20, 26);
        assertFalse(Arrays.equals(inner, Arrays.copyOfRange(gue, 12, gue.length)), "the checksum is partial");
        MemorySegment s = at(4, gue);
        assertEquals(DecapCounter.DECAPSULATED, decap.gue(s, 4, gue.length));
        assertTrue(decap.checksumCompleted());
        assertEquals(16, decap.innerOffset());
        assertArrayEquals(inner, inner(s));
    }

    @Test
    void shouldRefuseRemoteChecksumOffloadOutsideThePacketOrWithOtherPrivateFlags() {
        byte[] inner = inner4();
        byte[] beyond = GuePackets.remoteChecksum(inner, 20, inner.length - 1);
        assertEquals(DecapCounter.DROP_GUE_BAD_OPTION, decap.gue(at(0, beyond), 0, beyond.length));
        byte[] backwards = GuePackets.remoteChecksum(inner, 28, 26);
        assertEquals(DecapCounter.DROP_GUE_BAD_OPTION, decap.gue(at(0, backwards), 0, backwards.length));
        byte[] cut = GuePackets.remoteChecksum(inner, 20, 26);
        assertEquals(DecapCounter.DROP_GUE_BAD_OPTION, decap.gue(at(0, cut), 0, 10));
        byte[] other = GuePackets.remoteChecksum(inner, 20, 26);
        other[7] = 1;
        assertEquals(DecapCounter.DROP_GUE_UNSUPPORTED, decap.gue(at(0, other), 0, other.length));
    }

    @Test
    void shouldRefuseRemoteChecksumOffloadThatWouldWriteIntoTheVerifiedInnerIpHeader() {
        // Found by DecapsulationFuzzTest: a range from byte 4 let the checksum overwrite the
        // inner destination address after the inner header had been verified.
        byte[] inner = inner4();
        byte[] intoHeader = GuePackets.remoteChecksum(inner, 4, 16);
        byte[] before = intoHeader.clone();
        MemorySegment s = at(0, intoHeader);
        assertEquals(DecapCounter.DROP_GUE_BAD_OPTION, decap.gue(s, 0, intoHeader.length));
        assertArrayEquals(before, s.asSlice(0, before.length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                "nothing written");
        byte[] fromOptions = GuePackets.remoteChecksum(inner, 19, 26);
        assertEquals(DecapCounter.DROP_GUE_BAD_OPTION, decap.gue(at(0, fromOptions), 0, fromOptions.length));
    }

    @Test
    void shouldRefuseGueProtocolsOtherThanIpAndMismatchedInnerVersions() {
        byte[] gre = GuePackets.version0(47, inner4());
        assertEquals(DecapCounter.DROP_GUE_PROTOCOL, decap.gue(at(0, gre), 0, gre.length));
        byte[] mismatch = GuePackets.version0(41, inner4());
        assertEquals(DecapCounter.DROP_WRONG_INNER_VERSION, decap.gue(at(0, mismatch), 0, mismatch.length));
        byte[] empty = GuePackets.version0(4, new byte[0]);
        assertEquals(DecapCounter.DROP_MALFORMED_INNER, decap.gue(at(0, empty), 0, empty.length));
    }
}

package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EncapsulationTest {

    private static final int DIRECTOR = 0xC6120002; // 198.18.0.2
    private static final int SERVER = 0xC6120107; // 198.18.1.7
    private static final byte[] DIRECTOR6 = HexFormat.of().parseHex("20010db8000000000000000000000002");
    private static final byte[] SERVER6 = HexFormat.of().parseHex("20010db8000100000000000000000007");

    private static byte[] innerTcp(boolean dontFragment) {
        PacketBuilder b = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").ttl(61).identification(9);
        if (dontFragment) {
            b.dontFragment();
        }
        return b.tcp(40000, 80, TcpHeader.ACK).sequence(5, 6).payload(new byte[] {1, 2, 3, 4, 5}).buildIpPacket();
    }

    private static byte[] innerTcp6() {
        return new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100").ttl(33)
                .tcp(40000, 80, TcpHeader.ACK).payload(new byte[] {7, 7}).buildIpPacket();
    }

    /** Puts the inner packet behind room for the outer headers and runs the encapsulation. */
    private static byte[] encapsulate(byte[] inner, int outerVersion, int guePort, Encapsulation e) {
        int overhead = Encapsulation.overhead(outerVersion, guePort > 0);
        byte[] out = new byte[overhead + inner.length];
        System.arraycopy(inner, 0, out, overhead, inner.length);
        MemorySegment s = MemorySegment.ofArray(out);
        int written = outerVersion == 4
                ? e.ipv4(s, 0, inner.length, DIRECTOR, SERVER, guePort)
                : e.ipv6(s, 0, inner.length, addresses(), 0, addresses(), 16, guePort);
        assertEquals(overhead, written);
        return out;
    }

    private static MemorySegment addresses() {
        byte[] both = new byte[32];
        System.arraycopy(DIRECTOR6, 0, both, 0, 16);
        System.arraycopy(SERVER6, 0, both, 16, 16);
        return MemorySegment.ofArray(both);
    }

    private static byte[] gue(int proto, byte[] inner) {
        byte[] payload = new byte[4 + inner.length];
        payload[1] = (byte) proto;
        System.arraycopy(inner, 0, payload, 4, inner.length);
        return payload;
    }

    @Test
    void shouldWriteIpipHeaderWithTtlAndDfOfTheInnerPacket() {
        byte[] inner = innerTcp(true);
        byte[] expected = new PacketBuilder().ipv4("198.18.0.2", "198.18.1.7").ttl(61).identification(7)
                .dontFragment().rawTransport(Ipv4Header.PROTOCOL_IPIP).payload(inner).buildIpPacket();
        assertArrayEquals(expected, encapsulate(inner, 4, 0, new Encapsulation(7)));
    }

    @Test
    void shouldLeaveDfClearWhenTheInnerPacketMayBeFragmented() {
        byte[] inner = innerTcp(false);
        byte[] expected = new PacketBuilder().ipv4("198.18.0.2", "198.18.1.7").ttl(61)
                .rawTransport(Ipv4Header.PROTOCOL_IPIP).payload(inner).buildIpPacket();
        assertArrayEquals(expected, encapsulate(inner, 4, 0, new Encapsulation()));
    }

    @Test
    void shouldIncrementTheOuterIdentificationPerPacket() {
        Encapsulation e = new Encapsulation(0xFFFF);
        byte[] first = encapsulate(innerTcp(true), 4, 0, e);
        byte[] second = encapsulate(innerTcp(true), 4, 0, e);
        Ipv4Header ip = new Ipv4Header();
        assertEquals(0xFFFF, ip.wrap(MemorySegment.ofArray(first), 0).identification());
        assertEquals(0, ip.wrap(MemorySegment.ofArray(second), 0).identification());
    }

    @Test
    void shouldCarryIpv6OverIpv4AsProtocol41WithoutDf() {
        byte[] inner = innerTcp6();
        byte[] expected = new PacketBuilder().ipv4("198.18.0.2", "198.18.1.7").ttl(33)
                .rawTransport(Encapsulation.PROTOCOL_IPV6).payload(inner).buildIpPacket();
        assertArrayEquals(expected, encapsulate(inner, 4, 0, new Encapsulation()));
    }

    @Test
    void shouldCopyDscpAndTurnCongestionExperiencedIntoEct0() {
        byte[] inner = innerTcp(true);
        MemorySegment s = MemorySegment.ofArray(inner);
        new Ipv4Header().wrap(s, 0).tos(0xB8 | 0x03).updateChecksum();
        byte[] out = encapsulate(inner, 4, 0, new Encapsulation());
        Ipv4Header outer = new Ipv4Header().wrap(MemorySegment.ofArray(out), 0);
        assertEquals(0xB8 | 0x02, outer.tos());
        assertTrue(Checksums.ipv4HeaderValid(outer.segment(), 0, 20));
        assertEquals(0xB8 | 0x01, Encapsulation.encapsulateEcn(0xB8 | 0x01));
    }

    @Test
    void shouldWriteGueOverIpv4WithZeroUdpChecksumAndAFlowPort() {
        byte[] inner = innerTcp(true);
        byte[] out = encapsulate(inner, 4, 6080, new Encapsulation(3));
        int sourcePort = NetworkOrder.u16(MemorySegment.ofArray(out), 20);
        byte[] expected = new PacketBuilder().ipv4("198.18.0.2", "198.18.1.7").ttl(61).identification(3)
                .dontFragment().udp(sourcePort, 6080).noUdpChecksum().payload(gue(4, inner)).buildIpPacket();
        assertArrayEquals(expected, out);
        assertTrue(sourcePort >= Encapsulation.SOURCE_PORT_MIN && sourcePort < Encapsulation.SOURCE_PORT_MAX);
    }

    @Test
    void shouldWriteGueOverIpv6WithAComputedUdpChecksum() {
        byte[] inner = innerTcp(true);
        byte[] out = encapsulate(inner, 6, 6080, new Encapsulation());
        int sourcePort = NetworkOrder.u16(MemorySegment.ofArray(out), 40);
        byte[] expected = new PacketBuilder().ipv6("2001:db8::2", "2001:db8:1::7").ttl(61)
                .udp(sourcePort, 6080).payload(gue(4, inner)).buildIpPacket();
        assertArrayEquals(expected, out);
        assertNotEquals(0, NetworkOrder.u16(MemorySegment.ofArray(out), 46));
    }

    @Test
    void shouldWriteIpv6InIpv6WithTheInnerHopLimit() {
        byte[] inner = innerTcp6();
        byte[] expected = new PacketBuilder().ipv6("2001:db8::2", "2001:db8:1::7").ttl(33)
                .rawTransport(Encapsulation.PROTOCOL_IPV6).payload(inner).buildIpPacket();
        assertArrayEquals(expected, encapsulate(inner, 6, 0, new Encapsulation()));
    }

    @Test
    void shouldWriteIpv4InIpv6AsNextHeader4() {
        byte[] inner = innerTcp(true);
        byte[] expected = new PacketBuilder().ipv6("2001:db8::2", "2001:db8:1::7").ttl(61)
                .rawTransport(Ipv4Header.PROTOCOL_IPIP).payload(inner).buildIpPacket();
        assertArrayEquals(expected, encapsulate(inner, 6, 0, new Encapsulation()));
    }

    @Test
    void shouldParseBackAsAnIpipFrameWithAValidHeader() {
        byte[] inner = innerTcp(true);
        byte[] frame = new byte[14 + 20 + inner.length];
        System.arraycopy(inner, 0, frame, 34, inner.length);
        MemorySegment s = MemorySegment.ofArray(frame);
        new EthernetHeader().wrap(s, 0).etherType(EthernetHeader.TYPE_IPV4);
        assertEquals(20, new Encapsulation().ipv4(s, 14, inner.length, DIRECTOR, SERVER, 0));
        FrameParser parser = new FrameParser();
        assertEquals(DropReason.NONE, parser.parse(s, 0, frame.length));
        assertEquals(Ipv4Header.PROTOCOL_IPIP, parser.protocol());
        assertEquals(SERVER, parser.ipv4().destination());
        assertEquals(inner.length, parser.l4Length());
        assertEquals(34, parser.l4Offset());
    }

    @Test
    void shouldGiveOneFlowOnePortAndSpreadFlowsOverManyPorts() {
        Set<Integer> ports = new HashSet<>();
        for (int client = 0; client < 1000; client++) {
            byte[] inner = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100")
                    .tcp(20000 + client, 80, TcpHeader.SYN).buildIpPacket();
            byte[] a = encapsulate(inner, 4, 6080, new Encapsulation());
            byte[] b = encapsulate(inner, 4, 6080, new Encapsulation());
            int port = NetworkOrder.u16(MemorySegment.ofArray(a), 20);
            assertEquals(port, NetworkOrder.u16(MemorySegment.ofArray(b), 20));
            ports.add(port);
        }
        assertTrue(ports.size() > 950, "distinct ports: " + ports.size());
    }

    @Test
    void shouldRefuseWhatCannotBeEncapsulated() {
        Encapsulation e = new Encapsulation();
        byte[] notIp = new byte[20 + 40];
        assertEquals(-1, e.ipv4(MemorySegment.ofArray(notIp), 0, 40, DIRECTOR, SERVER, 0));
        byte[] inner = innerTcp(true);
        byte[] tooShort = new byte[20 + inner.length - 1];
        assertEquals(-1, e.ipv4(MemorySegment.ofArray(tooShort), 0, inner.length, DIRECTOR, SERVER, 0));
        byte[] huge = new byte[70000];
        huge[20] = 0x45;
        huge[52] = 0x45;
        assertEquals(-1, e.ipv4(MemorySegment.ofArray(huge), 0, 65535 - 19, DIRECTOR, SERVER, 0));
        assertEquals(-1, e.ipv6(MemorySegment.ofArray(huge), 0, 65535 - 11, addresses(), 0, addresses(), 16, 6080));
    }
}

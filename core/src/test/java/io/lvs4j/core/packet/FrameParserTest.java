package io.lvs4j.core.packet;

import io.lvs4j.core.status.LoopCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameParserTest {

    private final FrameParser parser = new FrameParser();

    private DropReason parse(byte[] frame) {
        return parser.parse(MemorySegment.ofArray(frame), 0, frame.length);
    }

    @Test
    void shouldLayOutTcpOverIpv4ByteByByte() {
        byte[] frame = new PacketBuilder().ethernet(0x0A0B0C0D0E0FL, 0x010203040506L)
                .ipv4("198.18.0.1", "198.18.0.100").ttl(63).dontFragment()
                .tcp(0x1234, 80, TcpHeader.SYN).sequence(0x01020304, 0).build();
        String hex = HexFormat.of().formatHex(frame);
        assertEquals("010203040506" + "0a0b0c0d0e0f" + "0800", hex.substring(0, 28));
        // IPv4: version 4 IHL 5, total length 40, DF, TTL 63, protocol 6, addresses.
        assertEquals("4500" + "0028" + "0000" + "4000" + "3f06", hex.substring(28, 48));
        assertEquals("c6120001" + "c6120064", hex.substring(52, 68));
        // TCP: ports, sequence, data offset 5, SYN.
        assertEquals("1234" + "0050" + "01020304" + "00000000" + "5002", hex.substring(68, 96));
        assertEquals(DropReason.NONE, parse(frame));
        assertEquals(4, parser.ipVersion());
        assertEquals(6, parser.protocol());
        assertEquals(0x1234, parser.sourcePort());
        assertEquals(80, parser.destinationPort());
        assertEquals(TcpHeader.SYN, parser.tcpFlags());
        assertTrue(parser.ipv4().dontFragment());
        assertEquals(0x010203040506L, parser.ethernet().destination());
    }

    @Test
    void shouldParseVlanTaggedUdpWithIpv4Options() {
        byte[] frame = new PacketBuilder().vlan(42).ipv4("198.18.0.1", "198.18.0.2")
                .ipv4Options(new byte[] {1, 1, 1, 0}).udp(5000, 53).payload(new byte[10]).build();
        assertEquals(DropReason.NONE, parse(frame));
        assertEquals(42, parser.ethernet().vlanId());
        assertEquals(18, parser.l3Offset());
        assertEquals(24, parser.ipv4().headerLength());
        assertEquals(18 + 24, parser.l4Offset());
        assertEquals(53, parser.destinationPort());
    }

    @Test
    void shouldLayOutArpAndIpv6ByteByByte() {
        byte[] arp = new PacketBuilder().ethernet(0x020000000001L, 0xFFFFFFFFFFFFL)
                .arp(ArpPacket.OP_REPLY, 0x020000000001L, "198.18.0.100", 0x020000000002L, "198.18.0.1")
                .build();
        assertEquals("ffffffffffff" + "020000000001" + "0806"
                + "0001" + "0800" + "06" + "04" + "0002"
                + "020000000001" + "c6120064" + "020000000002" + "c6120001", HexFormat.of().formatHex(arp));

        byte[] v6 = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2").ttl(9).udp(1, 2).build();
        String hex = HexFormat.of().formatHex(v6);
        // Version 6, class 0, flow 0; payload 8; next header 17; hop limit 9; addresses.
        assertEquals("86dd" + "60000000" + "0008" + "11" + "09"
                + "20010db8000000000000000000000001" + "20010db8000000000000000000000002"
                + "0001" + "0002" + "0008", hex.substring(24, 24 + 4 + 80 + 12));
    }

    @Test
    void shouldParseArp() {
        byte[] frame = new PacketBuilder().arp(ArpPacket.OP_REQUEST, 0x020000000001L, "198.18.0.1",
                0, "198.18.0.100").build();
        assertEquals(DropReason.NONE, parse(frame));
        assertEquals(EthernetHeader.TYPE_ARP, parser.etherType());
        assertEquals(0xC6120064, parser.arp().targetIp());
        assertEquals(ArpPacket.OP_REQUEST, parser.arp().operation());
    }

    @Test
    void shouldWalkIpv6ExtensionHeadersToTcp() {
        byte[] frame = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2")
                .ipv6Extension(Ipv6Header.NEXT_HOP_BY_HOP, new byte[4])
                .ipv6Extension(Ipv6Header.NEXT_DESTINATION_OPTIONS, new byte[12])
                .tcp(40000, 443, TcpHeader.SYN).build();
        assertEquals(DropReason.NONE, parse(frame));
        assertEquals(6, parser.ipVersion());
        assertEquals(6, parser.protocol());
        assertEquals(14 + 40 + 8 + 16, parser.l4Offset());
        assertEquals(443, parser.destinationPort());
    }

    @Test
    void shouldReportIpv6NonFirstFragmentWithoutTransport() {
        byte[] frame = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2")
                .ipv6Fragment(1280, false, 7).udp(1, 2).payload(new byte[8]).build();
        assertEquals(DropReason.NONE, parse(frame));
        assertTrue(parser.fragment());
        assertEquals(-1, parser.l4Offset());
        assertFalse(parser.hasPorts());
    }

    @Test
    void shouldReportIpv4FirstFragmentWithPortsAndLaterOneWithout() {
        byte[] first = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.2").fragment(0, true)
                .udp(7, 9).payload(new byte[16]).build();
        assertEquals(DropReason.NONE, parse(first));
        assertTrue(parser.fragment());
        assertEquals(9, parser.destinationPort());
        byte[] later = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.2").fragment(24, false)
                .rawTransport(17).payload(new byte[16]).build();
        assertEquals(DropReason.NONE, parse(later));
        assertEquals(-1, parser.l4Offset());
    }

    @Test
    void shouldLocateQuotedConnectionOfFragmentationNeeded() {
        byte[] original = new PacketBuilder().ipv4("198.18.0.100", "198.18.0.1")
                .tcp(80, 40000, TcpHeader.ACK).payload(new byte[100]).buildIpPacket();
        byte[] frame = new PacketBuilder().ipv4("198.18.1.1", "198.18.0.100")
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1400)
                .payload(Arrays.copyOf(original, 28)).build();
        assertEquals(DropReason.NONE, parse(frame));
        assertEquals(1400, parser.icmp().mtu());
        assertEquals(6, parser.quotedProtocol());
        assertEquals(14 + 20 + 8 + 20, parser.quotedL4Offset());
        assertEquals(80, parser.quotedSourcePort());
        assertEquals(40000, parser.quotedDestinationPort());
        assertEquals(0xC6120064, parser.segment().get(NetworkOrder.U32, parser.quotedSourceAddressOffset()));
        assertEquals(0xC6120001, parser.segment().get(NetworkOrder.U32, parser.quotedDestinationAddressOffset()));
        byte[] shortQuote = new PacketBuilder().ipv4("198.18.1.1", "198.18.0.100")
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 4, 1400)
                .payload(Arrays.copyOf(original, 24)).build();
        assertEquals(DropReason.ICMP_BAD_QUOTE, parse(shortQuote));
    }

    @Test
    void shouldLocateQuotedConnectionOfPacketTooBig() {
        byte[] original = new PacketBuilder().ipv6("2001:db8::100", "2001:db8::1")
                .udp(53, 5353).payload(new byte[50]).buildIpPacket();
        byte[] frame = new PacketBuilder().ipv6("2001:db8::ff", "2001:db8::100")
                .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
                .payload(Arrays.copyOf(original, 48)).build();
        assertEquals(DropReason.NONE, parse(frame));
        assertEquals(1280, parser.icmpv6().mtu());
        assertEquals(17, parser.quotedProtocol());
        assertEquals(6, parser.quotedVersion());
        assertEquals(53, parser.quotedSourcePort());
        assertEquals(14 + 40 + 8 + 8, parser.quotedSourceAddressOffset());
    }

    @Test
    void shouldCountEveryMalformation() {
        byte[] good = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.2").tcp(1, 2, TcpHeader.ACK).build();
        assertEquals(DropReason.ETHERNET_TRUNCATED, parse(Arrays.copyOf(good, 10)));
        assertEquals(DropReason.IPV4_TRUNCATED, parse(Arrays.copyOf(good, 30)));
        assertEquals(DropReason.IPV4_TRUNCATED, parse(Arrays.copyOf(good, good.length - 1)));

        byte[] badVersion = good.clone();
        badVersion[14] = 0x55;
        assertEquals(DropReason.IPV4_BAD_VERSION, parse(badVersion));
        byte[] badIhl = good.clone();
        badIhl[14] = 0x44;
        assertEquals(DropReason.IPV4_BAD_HEADER_LENGTH, parse(badIhl));
        byte[] badChecksum = good.clone();
        badChecksum[14 + 8] ^= 1;
        assertEquals(DropReason.IPV4_BAD_CHECKSUM, parse(badChecksum));
        assertEquals(DropReason.NONE, new FrameParser(false).parse(MemorySegment.ofArray(badChecksum), 0, badChecksum.length));

        byte[] badOffset = good.clone();
        badOffset[14 + 20 + 12] = 0x40;
        assertEquals(DropReason.TCP_BAD_DATA_OFFSET, parse(badOffset));
        badOffset[14 + 20 + 12] = (byte) 0xF0;
        assertEquals(DropReason.TCP_BAD_DATA_OFFSET, parse(badOffset));

        byte[] udp = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.2").udp(1, 2).build();
        MemorySegment.ofArray(udp).set(NetworkOrder.U16, 14 + 20 + 4, (short) 9);
        assertEquals(DropReason.UDP_BAD_LENGTH, parse(udp));

        byte[] stacked = new PacketBuilder().vlan(1).ipv4("198.18.0.1", "198.18.0.2").udp(1, 2).build();
        MemorySegment.ofArray(stacked).set(NetworkOrder.U16, 16, (short) 0x8100);
        assertEquals(DropReason.ETHERNET_STACKED_VLAN, parse(stacked));

        byte[] other = good.clone();
        MemorySegment.ofArray(other).set(NetworkOrder.U16, 12, (short) 0x88CC);
        assertEquals(DropReason.UNSUPPORTED_ETHER_TYPE, parse(other));

        byte[] arp = new PacketBuilder().arp(1, 1, "198.18.0.1", 0, "198.18.0.2").build();
        arp[14 + 4] = 8;
        assertEquals(DropReason.ARP_UNSUPPORTED, parse(arp));
        assertEquals(DropReason.ARP_TRUNCATED, parse(Arrays.copyOf(arp, 30)));
    }

    @Test
    void shouldRejectMalformedIpv6() {
        byte[] good = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2").udp(1, 2).build();
        byte[] badVersion = good.clone();
        badVersion[14] = 0x40;
        assertEquals(DropReason.IPV6_BAD_VERSION, parse(badVersion));
        assertEquals(DropReason.IPV6_TRUNCATED, parse(Arrays.copyOf(good, good.length - 2)));

        PacketBuilder many = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2");
        for (int i = 0; i < 9; i++) {
            many.ipv6Extension(Ipv6Header.NEXT_DESTINATION_OPTIONS, new byte[6]);
        }
        assertEquals(DropReason.IPV6_TOO_MANY_EXTENSION_HEADERS, parse(many.udp(1, 2).build()));

        byte[] overlong = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2")
                .ipv6Extension(Ipv6Header.NEXT_ROUTING, new byte[6]).udp(1, 2).build();
        overlong[14 + 40 + 1] = 10;
        assertEquals(DropReason.IPV6_BAD_EXTENSION_HEADER, parse(overlong));
    }

    @Test
    void shouldRewriteDestinationMacInPlace() {
        byte[] frame = new PacketBuilder().ipv4("198.18.0.1", "198.18.0.2").tcp(1, 2, 0).build();
        MemorySegment s = MemorySegment.ofArray(frame);
        new EthernetHeader().wrap(s, 0).destination(0xAABBCCDDEEFFL).source(0x112233445566L);
        assertEquals((byte) 0xAA, s.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals((byte) 0x66, s.get(ValueLayout.JAVA_BYTE, 11));
    }

    @Test
    void shouldCountDropsPerReasonAndSumOverLoops() {
        LoopCounters<DropReason> a = new LoopCounters<>(DropReason.class);
        LoopCounters<DropReason> b = new LoopCounters<>(DropReason.class);
        a.increment(DropReason.TCP_TRUNCATED);
        a.increment(DropReason.TCP_TRUNCATED);
        b.increment(DropReason.TCP_TRUNCATED);
        b.increment(DropReason.NONE);
        assertEquals(3, LoopCounters.sum(java.util.List.of(a, b), DropReason.TCP_TRUNCATED));
        assertEquals(1, b.total() - b.get(DropReason.NONE));
    }
}

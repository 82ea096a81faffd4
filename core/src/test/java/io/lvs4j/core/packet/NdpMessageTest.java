package io.lvs4j.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Neighbor Discovery frames byte by byte: the writer against frames the Linux kernel sent
 * (captured in namespaces between 02:00:00:00:00:0a = 2001:db8::a and 02:00:00:00:00:0b =
 * 2001:db8::b), and the receive checks of RFC 4861 through {@link FrameParser}.
 */
class NdpMessageTest {

    /** The kernel of 2001:db8::a resolving 2001:db8::b. */
    static final String KERNEL_SOLICITATION = "3333ff00000b" + "02000000000a" + "86dd"
            + "60000000" + "0020" + "3a" + "ff"
            + "20010db800000000000000000000000a" + "ff0200000000000000000001ff00000b"
            + "87" + "00" + "1c03" + "00000000" + "20010db800000000000000000000000b"
            + "01" + "01" + "02000000000a";
    /** The kernel of 2001:db8::b answering it. */
    static final String KERNEL_ADVERTISEMENT = "02000000000a" + "02000000000b" + "86dd"
            + "60000000" + "0020" + "3a" + "ff"
            + "20010db800000000000000000000000b" + "20010db800000000000000000000000a"
            + "88" + "00" + "8a4d" + "60000000" + "20010db800000000000000000000000b"
            + "02" + "01" + "02000000000b";
    /** The kernel of 02:00:00:00:00:0b probing its link-local address (DAD, with a nonce option). */
    static final String KERNEL_DAD_PROBE = "3333ff00000b" + "02000000000b" + "86dd"
            + "60000000" + "0020" + "3a" + "ff"
            + "00000000000000000000000000000000" + "ff0200000000000000000001ff00000b"
            + "87" + "00" + "385c" + "00000000" + "fe80000000000000000000fffe00000b"
            + "0e" + "01" + "28ea3f6bce56";

    private static final long MAC_A = 0x02_00_00_00_00_0AL;
    private static final long MAC_B = 0x02_00_00_00_00_0BL;

    private final FrameParser parser = new FrameParser();
    private final NdpMessage ndp = new NdpMessage();
    private final NdpFrames frames = new NdpFrames();

    private static MemorySegment address(String text) throws Exception {
        return MemorySegment.ofArray(InetAddress.getByName(text).getAddress());
    }

    private DropReason check(byte[] frame, boolean verifyChecksum) {
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(frame), 0, frame.length));
        assertEquals(Ipv6Header.NEXT_ICMPV6, parser.protocol());
        return ndp.wrap(parser.segment(), parser.l4Offset()).validate(parser.ipv6(), parser.l4Length(),
                verifyChecksum);
    }

    private DropReason check(byte[] frame) {
        return check(frame, true);
    }

    @Test
    void shouldWriteTheSolicitationTheLinuxKernelSends() throws Exception {
        MemorySegment out = MemorySegment.ofArray(new byte[NdpFrames.FRAME_LENGTH + 4]);
        int length = frames.solicitation(out, 4, MAC_A, address("2001:db8::a"), 0, address("2001:db8::b"), 0);
        assertEquals(86, length);
        assertEquals(KERNEL_SOLICITATION, HexFormat.of().formatHex(out.asSlice(4).toArray(ValueLayout.JAVA_BYTE)));
    }

    @Test
    void shouldWriteTheSolicitedAdvertisementTheLinuxKernelSends() throws Exception {
        byte[] out = new byte[NdpFrames.FRAME_LENGTH];
        frames.solicitedAdvertisement(MemorySegment.ofArray(out), 0, MAC_B, MAC_A, address("2001:db8::a"), 0,
                address("2001:db8::b"), 0);
        assertEquals(KERNEL_ADVERTISEMENT, HexFormat.of().formatHex(out));
    }

    @Test
    void shouldWriteAnUnsolicitedAdvertisementToAllNodesWithOnlyTheOverrideFlag() throws Exception {
        byte[] out = new byte[NdpFrames.FRAME_LENGTH];
        frames.unsolicitedAdvertisement(MemorySegment.ofArray(out), 0, MAC_A, address("2001:db8::100"), 0);
        // Checksum 0xf723 computed independently over the pseudo-header and the message.
        assertEquals("333300000001" + "02000000000a" + "86dd" + "60000000" + "0020" + "3a" + "ff"
                + "20010db8000000000000000000000100" + "ff020000000000000000000000000001"
                + "88" + "00" + "f723" + "20000000" + "20010db8000000000000000000000100"
                + "02" + "01" + "02000000000a", HexFormat.of().formatHex(out));
        assertEquals(DropReason.NONE, check(out));
        assertTrue(ndp.override());
        assertFalse(ndp.solicited());
        assertFalse(ndp.router());
    }

    @Test
    void shouldSolicitAtTheSolicitedNodeGroupOfTheTarget() throws Exception {
        byte[] out = new byte[NdpFrames.FRAME_LENGTH];
        frames.solicitation(MemorySegment.ofArray(out), 0, MAC_A, address("2001:db8::a"), 0,
                address("2001:db8::12:1234:5678"), 0);
        String hex = HexFormat.of().formatHex(out);
        assertEquals("3333ff345678", hex.substring(0, 12));
        assertEquals("ff0200000000000000000001ff345678", hex.substring(76, 108));
        assertEquals("5cae", hex.substring(112, 116), "checksum computed independently");
        assertEquals(0x3333_FF34_5678L, NdpFrames.solicitedNodeMac(address("2001:db8::12:1234:5678"), 0));
    }

    @Test
    void shouldParseTheKernelsSolicitationWithItsSourceLinkLayerAddress() {
        assertEquals(DropReason.NONE, check(HexFormat.of().parseHex(KERNEL_SOLICITATION)));
        assertTrue(ndp.isSolicitation());
        assertEquals(MAC_A, ndp.sourceLinkLayer());
        assertEquals(NdpMessage.NO_ADDRESS, ndp.targetLinkLayer());
        assertEquals(0x1c03, ndp.checksum());
        assertEquals(0x20010db800000000L, parser.segment().get(NetworkOrder.U64, ndp.targetOffset()));
        assertEquals(0xbL, parser.segment().get(NetworkOrder.U64, ndp.targetOffset() + 8));
    }

    @Test
    void shouldParseTheKernelsAdvertisementWithFlagsAndTargetLinkLayerAddress() {
        assertEquals(DropReason.NONE, check(HexFormat.of().parseHex(KERNEL_ADVERTISEMENT)));
        assertTrue(ndp.isAdvertisement());
        assertTrue(ndp.solicited());
        assertTrue(ndp.override());
        assertFalse(ndp.router());
        assertEquals(MAC_B, ndp.targetLinkLayer());
        assertEquals(NdpMessage.NO_ADDRESS, ndp.sourceLinkLayer());
    }

    @Test
    void shouldAcceptTheKernelsDuplicateAddressProbeAndSkipItsNonceOption() {
        assertEquals(DropReason.NONE, check(HexFormat.of().parseHex(KERNEL_DAD_PROBE)));
        assertTrue(NdpMessage.isUnspecified(parser.segment(), parser.ipv6().sourceOffset()));
        assertTrue(NdpMessage.isSolicitedNode(parser.segment(), parser.ipv6().destinationOffset()));
        assertEquals(NdpMessage.NO_ADDRESS, ndp.sourceLinkLayer());
    }

    @Test
    void shouldDropAMessageNotSentWithHopLimit255() {
        byte[] frame = message(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0, "2001:db8::a",
                "ff02::1:ff00:b", "2001:db8::b", 254, new byte[] {1, 1, 2, 0, 0, 0, 0, 10});
        assertEquals(DropReason.NDP_BAD_HOP_LIMIT, check(frame));
    }

    @Test
    void shouldDropABadChecksumUnlessTheFrameCarriesAnOffloadedOne() {
        byte[] frame = HexFormat.of().parseHex(KERNEL_SOLICITATION);
        frame[EthernetHeader.HEADER_LENGTH + Ipv6Header.HEADER_LENGTH + 3] ^= 1;
        assertEquals(DropReason.NDP_BAD_CHECKSUM, check(frame));
        assertEquals(DropReason.NONE, check(frame, false));
    }

    @Test
    void shouldDropANonZeroCodeAShortMessageAndBadOptionLengths() {
        assertEquals(DropReason.NDP_MALFORMED, check(message(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 1, 0,
                "2001:db8::a", "ff02::1:ff00:b", "2001:db8::b", 255, new byte[0])));
        byte[] shortOne = new PacketBuilder().ipv6("2001:db8::a", "ff02::1:ff00:b").ttl(255)
                .icmpv6(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0).payload(new byte[15]).build();
        assertEquals(DropReason.NDP_MALFORMED, check(shortOne));
        assertEquals(DropReason.NDP_MALFORMED, check(message(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0,
                "2001:db8::a", "ff02::1:ff00:b", "2001:db8::b", 255, new byte[] {1, 0, 2, 0, 0, 0, 0, 10})));
        assertEquals(DropReason.NDP_MALFORMED, check(message(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0,
                "2001:db8::a", "ff02::1:ff00:b", "2001:db8::b", 255, new byte[] {1, 2, 2, 0, 0, 0, 0, 10})));
        assertEquals(DropReason.NDP_MALFORMED, check(message(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0,
                "2001:db8::a", "ff02::1:ff00:b", "2001:db8::b", 255, new byte[] {1})));
    }

    @Test
    void shouldDropAMulticastTarget() {
        assertEquals(DropReason.NDP_INVALID, check(message(Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT, 0,
                NdpMessage.FLAG_OVERRIDE, "2001:db8::b", "ff02::1", "ff02::1", 255, new byte[0])));
    }

    @Test
    void shouldDropDuplicateAddressProbesToAnotherGroupOrWithASourceLinkLayerAddress() {
        assertEquals(DropReason.NDP_INVALID, check(message(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0,
                "::", "ff02::1", "2001:db8::b", 255, new byte[0])));
        assertEquals(DropReason.NDP_INVALID, check(message(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0,
                "::", "ff02::1:ff00:b", "2001:db8::b", 255, new byte[] {1, 1, 2, 0, 0, 0, 0, 10})));
        assertEquals(DropReason.NONE, check(message(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0,
                "::", "ff02::1:ff00:b", "2001:db8::b", 255, new byte[0])));
    }

    @Test
    void shouldDropASolicitedAdvertisementSentToMulticast() {
        assertEquals(DropReason.NDP_INVALID, check(message(Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT, 0,
                NdpMessage.FLAG_SOLICITED, "2001:db8::b", "ff02::1", "2001:db8::b", 255, new byte[0])));
        assertEquals(DropReason.NONE, check(message(Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT, 0,
                NdpMessage.FLAG_SOLICITED, "2001:db8::b", "2001:db8::a", "2001:db8::b", 255, new byte[0])));
    }

    @Test
    void shouldNotTakeAnOtherTypeForNeighborDiscovery() {
        assertEquals(DropReason.NDP_MALFORMED, check(message(Icmpv6Header.TYPE_ECHO_REQUEST, 0, 0,
                "2001:db8::a", "2001:db8::b", "2001:db8::b", 255, new byte[0])));
    }

    private static byte[] message(int type, int code, int flags, String source, String destination, String target,
            int hopLimit, byte[] options) {
        byte[] payload = new byte[16 + options.length];
        try {
            System.arraycopy(InetAddress.getByName(target).getAddress(), 0, payload, 0, 16);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
        System.arraycopy(options, 0, payload, 16, options.length);
        return new PacketBuilder().ipv6(source, destination).ttl(hopLimit).icmpv6(type, code, flags).payload(payload)
                .build();
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.NdpFrames;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.transport.epoll.internal.AddressOwner;
import io.lvs4j.transport.epoll.internal.FrameSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Neighbor Discovery of one director loop, fed with frames byte by byte; no socket, no root. */
class NeighbourDiscoveryTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0CL;
    private static final long RS_MAC = 0x02_00_00_00_00_0BL;
    private static final String DIRECTOR = "2001:db8::a";
    private static final String RS = "2001:db8::b";
    private static final String CLIENT = "2001:db8::c";
    private static final String VIP = "2001:db8::100";
    private static final long NOW = 5_000_000_000L;

    private final Arena arena = Arena.ofConfined();
    private final List<byte[]> sent = new ArrayList<>();
    private final DestinationTable neighbours = new DestinationTable(8, 1_000_000_000L);
    private final LoopCounters<DirectorCounter> counters = new LoopCounters<>(DirectorCounter.class);
    private final LoopCounters<DropReason> drops = new LoopCounters<>(DropReason.class);
    private final FrameParser parser = new FrameParser();
    private final FrameSender sender =
            (frame, offset, length) -> sent.add(frame.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
    private final AddressOwner owner = new AddressOwner(DIRECTOR_MAC, sender, counters, arena);
    private final NeighbourDiscovery ndp = new NeighbourDiscovery(neighbours, owner, counters, drops, sender, arena,
            bytes(DIRECTOR));

    {
        owner.own(new int[0], List.of(bytes(VIP)));
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    private static byte[] bytes(String address) {
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private boolean feed(byte[] frame, boolean active) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        assertEquals(DropReason.NONE, parser.parse(segment, 0, frame.length));
        return ndp.onIcmpv6(parser, true, DIRECTOR_MAC, (memory, offset) -> active, NOW);
    }

    private static byte[] frame(long fromMac, long toMac, String from, String to, int type, int flags, String target,
            int hopLimit, int option, long optionMac) {
        byte[] payload = new byte[option == 0 ? 16 : 24];
        System.arraycopy(bytes(target), 0, payload, 0, 16);
        if (option != 0) {
            payload[16] = (byte) option;
            payload[17] = 1;
            for (int i = 0; i < 6; i++) {
                payload[18 + i] = (byte) (optionMac >>> (40 - 8 * i));
            }
        }
        return new PacketBuilder().ethernet(fromMac, toMac).ipv6(from, to).ttl(hopLimit).icmpv6(type, 0, flags)
                .payload(payload).build();
    }

    private long count(DirectorCounter counter) {
        return counters.get(counter);
    }

    @Test
    void shouldAnswerASolicitationForAVipWithASolicitedAdvertisementWhileActive() {
        byte[] ns = frame(CLIENT_MAC, 0x3333_FF00_0100L, CLIENT, "ff02::1:ff00:100",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP, 255, NdpMessage.OPTION_SOURCE_LINK_LAYER, CLIENT_MAC);
        assertTrue(feed(ns, true));
        assertEquals(1, sent.size());
        // VIP -> client, S and O, target link-layer address = the director's MAC.
        assertEquals("02000000000c" + "02000000000a" + "86dd" + "60000000" + "0020" + "3a" + "ff"
                + "20010db8000000000000000000000100" + "20010db800000000000000000000000c"
                + "88" + "00", HexFormat.of().formatHex(sent.get(0)).substring(0, 112));
        assertEquals("60000000" + "20010db8000000000000000000000100" + "02" + "01" + "02000000000a",
                HexFormat.of().formatHex(sent.get(0)).substring(116));
        byte[] expected = new byte[NdpFrames.FRAME_LENGTH];
        new NdpFrames().solicitedAdvertisement(MemorySegment.ofArray(expected), 0, DIRECTOR_MAC, CLIENT_MAC,
                MemorySegment.ofArray(bytes(CLIENT)), 0, MemorySegment.ofArray(bytes(VIP)), 0);
        assertArrayEquals(expected, sent.get(0));
        assertEquals(1, count(DirectorCounter.NEIGHBOUR_ADVERTISEMENTS));
        // The answer passes the receive checks of the client.
        MemorySegment answer = MemorySegment.ofArray(sent.get(0));
        assertEquals(DropReason.NONE, parser.parse(answer, 0, answer.byteSize()));
        assertEquals(DropReason.NONE, new NdpMessage().wrap(answer, parser.l4Offset())
                .validate(parser.ipv6(), parser.l4Length(), true));
    }

    @Test
    void shouldStaySilentWhileInactiveOrForAnAddressItDoesNotOwn() {
        byte[] ns = frame(CLIENT_MAC, 0x3333_FF00_0100L, CLIENT, "ff02::1:ff00:100",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP, 255, NdpMessage.OPTION_SOURCE_LINK_LAYER, CLIENT_MAC);
        assertTrue(feed(ns, false));
        byte[] other = frame(CLIENT_MAC, 0x3333_FF00_0101L, CLIENT, "ff02::1:ff00:101",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, "2001:db8::101", 255, NdpMessage.OPTION_SOURCE_LINK_LAYER,
                CLIENT_MAC);
        assertTrue(feed(other, true));
        byte[] elsewhere = frame(CLIENT_MAC, 0x02_00_00_00_00_99L, CLIENT, VIP,
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP, 255, NdpMessage.OPTION_SOURCE_LINK_LAYER, CLIENT_MAC);
        assertTrue(feed(elsewhere, true));
        assertEquals(List.of(), sent);
        assertEquals(3, count(DirectorCounter.IGNORED));
    }

    @Test
    void shouldDefendAVipAgainstADuplicateAddressProbe() {
        byte[] probe = frame(CLIENT_MAC, 0x3333_FF00_0100L, "::", "ff02::1:ff00:100",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP, 255, 0, 0);
        assertTrue(feed(probe, true));
        assertEquals(1, sent.size());
        byte[] expected = new byte[NdpFrames.FRAME_LENGTH];
        new NdpFrames().unsolicitedAdvertisement(MemorySegment.ofArray(expected), 0, DIRECTOR_MAC,
                MemorySegment.ofArray(bytes(VIP)), 0);
        assertArrayEquals(expected, sent.get(0));
    }

    @Test
    void shouldSolicitARealServerFromItsOwnAddressAsTheKernelDoes() throws Exception {
        int id = neighbours.add(InetAddress.getByName(RS), 0, null);
        assertTrue(ndp.solicit(id, DIRECTOR_MAC));
        // Byte for byte what the Linux kernel of 2001:db8::a (02:00:00:00:00:0a) sends for 2001:db8::b.
        assertEquals("3333ff00000b" + "02000000000a" + "86dd" + "60000000" + "0020" + "3a" + "ff"
                + "20010db800000000000000000000000a" + "ff0200000000000000000001ff00000b"
                + "87" + "00" + "1c03" + "00000000" + "20010db800000000000000000000000b"
                + "01" + "01" + "02000000000a", HexFormat.of().formatHex(sent.get(0)));
        assertEquals(1, count(DirectorCounter.NEIGHBOUR_SOLICITATIONS));
    }

    @Test
    void shouldNotSolicitWithoutAnOwnAddress() throws Exception {
        NeighbourDiscovery anonymous = new NeighbourDiscovery(neighbours, owner, counters, drops,
                (frame, offset, length) -> sent.add(new byte[0]), arena, null);
        int id = neighbours.add(InetAddress.getByName(RS), 0, null);
        assertFalse(anonymous.solicit(id, DIRECTOR_MAC));
        assertEquals(List.of(), sent);
    }

    @Test
    void shouldLearnARealServerFromItsAdvertisementAndFromItsSolicitation() throws Exception {
        int v4 = neighbours.add(InetAddress.getByName("0.0.0.0"), 0, null);
        int id = neighbours.add(InetAddress.getByName(RS), 0, null);
        byte[] na = frame(RS_MAC, DIRECTOR_MAC, RS, DIRECTOR, Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                NdpMessage.FLAG_SOLICITED | NdpMessage.FLAG_OVERRIDE, RS, 255, NdpMessage.OPTION_TARGET_LINK_LAYER,
                RS_MAC);
        assertTrue(feed(na, true));
        assertEquals(RS_MAC, neighbours.mac(id, NOW));
        assertEquals(0, neighbours.mac(v4, NOW), "an IPv4 destination learns nothing from NDP");
        assertEquals(0, neighbours.mac(id, NOW + 2_000_000_000L), "stale after the refresh time");

        long moved = 0x02_00_00_00_00_BBL;
        byte[] ns = frame(moved, 0x3333_FF00_000AL, RS, "ff02::1:ff00:a", Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0,
                DIRECTOR, 255, NdpMessage.OPTION_SOURCE_LINK_LAYER, moved);
        assertTrue(feed(ns, true));
        assertEquals(moved, neighbours.mac(id, NOW));
        assertEquals(List.of(), sent, "a solicitation for the director's own address is the kernel's to answer");
    }

    @Test
    void shouldCountAndIgnoreAnAdvertisementClaimingAVipFromAnotherMac() {
        byte[] claim = frame(RS_MAC, 0x3333_0000_0001L, VIP, "ff02::1", Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                NdpMessage.FLAG_OVERRIDE, VIP, 255, NdpMessage.OPTION_TARGET_LINK_LAYER, RS_MAC);
        assertTrue(feed(claim, true));
        assertEquals(1, count(DirectorCounter.DROP_NDP_SPOOF));
        byte[] fromVip = frame(RS_MAC, 0x3333_FF00_000BL, VIP, "ff02::1:ff00:b",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, RS, 255, NdpMessage.OPTION_SOURCE_LINK_LAYER, RS_MAC);
        assertTrue(feed(fromVip, true));
        assertEquals(2, count(DirectorCounter.DROP_NDP_SPOOF));
        assertEquals(List.of(), sent);
    }

    @Test
    void shouldCountAnAdvertisementOfAVipFromItsOwnMacAsIgnored() {
        byte[] own = frame(DIRECTOR_MAC, 0x3333_0000_0001L, VIP, "ff02::1", Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                NdpMessage.FLAG_OVERRIDE, VIP, 255, NdpMessage.OPTION_TARGET_LINK_LAYER, DIRECTOR_MAC);
        assertTrue(feed(own, true));
        assertEquals(1, count(DirectorCounter.IGNORED));
        assertEquals(0, count(DirectorCounter.DROP_NDP_SPOOF));
        assertEquals(List.of(), sent);
    }

    @Test
    void shouldDropAndCountMessagesThatBreakTheReceiveRules() {
        byte[] offLink = frame(CLIENT_MAC, 0x3333_FF00_0100L, CLIENT, "ff02::1:ff00:100",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP, 64, NdpMessage.OPTION_SOURCE_LINK_LAYER, CLIENT_MAC);
        assertTrue(feed(offLink, true));
        byte[] corrupt = frame(CLIENT_MAC, 0x3333_FF00_0100L, CLIENT, "ff02::1:ff00:100",
                Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP, 255, NdpMessage.OPTION_SOURCE_LINK_LAYER, CLIENT_MAC);
        corrupt[corrupt.length - 1] ^= 0x55;
        assertTrue(feed(corrupt, true));
        assertEquals(1, drops.get(DropReason.NDP_BAD_HOP_LIMIT));
        assertEquals(1, drops.get(DropReason.NDP_BAD_CHECKSUM));
        assertEquals(List.of(), sent);
    }

    @Test
    void shouldLeaveOtherIcmpv6MessagesToTheDataPath() {
        byte[] echo = new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(CLIENT, VIP)
                .icmpv6(Icmpv6Header.TYPE_ECHO_REQUEST, 0, 0x00010001).build();
        assertFalse(feed(echo, true));
        assertEquals(List.of(), sent);
    }

    @Test
    void shouldAnnounceEveryOwnedAddressToAllNodes() {
        owner.announce();
        assertEquals(1, sent.size());
        assertEquals("333300000001", HexFormat.of().formatHex(sent.get(0)).substring(0, 12));
        assertEquals(1, count(DirectorCounter.UNSOLICITED_ADVERTISEMENTS));
    }

    @Test
    void shouldKeepTheFamiliesOfDestinationsApart() throws Exception {
        int v4 = neighbours.add(InetAddress.getByName("198.18.0.13"), 0, null);
        int v6 = neighbours.add(InetAddress.getByName(RS), 0, null);
        assertFalse(neighbours.ipv6(v4));
        assertTrue(neighbours.ipv6(v6));
        assertTrue(neighbours.is(v6, InetAddress.getByName(RS)));
        assertFalse(neighbours.is(v4, InetAddress.getByName(RS)));
        assertTrue(neighbours.is(v4, InetAddress.getByName("198.18.0.13")));
        neighbours.learn(0, RS_MAC, NOW);
        assertEquals(0, neighbours.mac(v6, NOW), "an ARP probe from 0.0.0.0 resolves no IPv6 destination");
        neighbours.learn(0xC612000D, RS_MAC, NOW);
        assertEquals(RS_MAC, neighbours.mac(v4, NOW));
        MemorySegment address = arena.allocate(16);
        neighbours.address6(v6, address, 0);
        assertArrayEquals(bytes(RS), address.toArray(ValueLayout.JAVA_BYTE));
    }
}

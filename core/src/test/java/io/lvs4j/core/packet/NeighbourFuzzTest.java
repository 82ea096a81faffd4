package io.lvs4j.core.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.core.FuzzInputs;
import io.lvs4j.core.status.LoopCounters;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of what a director reads from ARP and Neighbor Discovery
 * frames: the frame parser, {@link ArpPacket} and {@link NdpMessage#validate} with its options,
 * on any frame, in memory that ends where it does. Each frame is accepted or counted under one
 * reason; an accepted ARP packet is Ethernet/IPv4; an accepted NDP message keeps RFC 4861's
 * rules (hop limit 255, no multicast target, its options inside the message).
 *
 * <p>In a normal build this replays the committed corpus ({@code NeighbourFuzzTestInputs});
 * {@code JAZZER_FUZZ=1} fuzzes (see {@code benchmarks/fuzz}).
 */
class NeighbourFuzzTest {

    private final FrameParser parser = new FrameParser();
    private final NdpMessage ndp = new NdpMessage();

    @FuzzTest(maxDuration = "10m")
    void acceptsOrCountsEveryFrame(byte[] frame) {
        LoopCounters<DropReason> drops = new LoopCounters<>(DropReason.class);
        MemorySegment exact = MemorySegment.ofArray(frame);
        DropReason reason = parser.parse(exact, 0, frame.length);
        if (reason == DropReason.NONE && parser.etherType() == EthernetHeader.TYPE_ARP) {
            ArpPacket arp = parser.arp();
            assertEquals(DropReason.NONE, arp.validate(frame.length - parser.l3Offset()), "the parser validated it");
            assertEquals(ArpPacket.HARDWARE_ETHERNET, arp.hardwareType());
            assertTrue(parser.l3Offset() + ArpPacket.LENGTH <= frame.length, "inside the frame");
            arp.operation();
            arp.senderMac();
            arp.senderIp();
            arp.targetMac();
            arp.targetIp();
        } else if (reason == DropReason.NONE && parser.ipVersion() == 6
                && parser.protocol() == Ipv6Header.NEXT_ICMPV6 && parser.l4Offset() >= 0) {
            for (boolean verify : new boolean[] {true, false}) {
                reason = ndp.wrap(exact, parser.l4Offset()).validate(parser.ipv6(), parser.l4Length(), verify);
                if (reason == DropReason.NONE) {
                    assertEquals(NdpMessage.HOP_LIMIT, parser.ipv6().hopLimit());
                    assertTrue(ndp.isSolicitation() || ndp.isAdvertisement());
                    assertTrue(!NdpMessage.isMulticast(exact, ndp.targetOffset()));
                    assertTrue(parser.l4Length() >= NdpMessage.MIN_LENGTH);
                    assertTrue(parser.l4Offset() + parser.l4Length() <= frame.length, "inside the frame");
                    ndp.sourceLinkLayer();
                    ndp.targetLinkLayer();
                }
            }
        }
        drops.increment(reason);
        assertEquals(1, drops.total(), "one verdict");
    }

    @Test
    void shouldAcceptOrCountEverySeedAndKeepThemCommitted() {
        HexFormat hex = HexFormat.of();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("seed-ns", hex.parseHex(NdpMessageTest.KERNEL_SOLICITATION));
        seeds.put("seed-na", hex.parseHex(NdpMessageTest.KERNEL_ADVERTISEMENT));
        seeds.put("seed-dad", hex.parseHex(NdpMessageTest.KERNEL_DAD_PROBE));
        seeds.put("seed-arp-request", new PacketBuilder().ethernet(0x020000000009L, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, 0x020000000009L, "198.18.0.9", 0, "198.18.0.100").build());
        seeds.put("seed-arp-reply-vlan", new PacketBuilder().ethernet(0x020000000001L, 0x02000000000AL).vlan(7)
                .arp(ArpPacket.OP_REPLY, 0x020000000001L, "198.18.0.13", 0x02000000000AL, "198.18.0.12").build());
        for (byte[] seed : seeds.values()) {
            acceptsOrCountsEveryFrame(seed);
        }
        FuzzInputs.committed(getClass(), "acceptsOrCountsEveryFrame", seeds);
    }
}

package io.lvs4j.core.packet;

import io.lvs4j.core.status.LoopCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Feeds 300,000 mutated Neighbor Discovery frames (seeded, so reproducible) through the parser
 * and {@link NdpMessage#validate}, as a director's loop does: no exception may escape, every
 * frame is accepted or counted by one reason, and the accepted ones keep the RFC 4861 rules.
 */
class NdpFuzzTest {

    private static final int FRAMES = 300_000;
    private static final int MAX_FRAME = 160;

    @Test
    void shouldAcceptOrCountEveryMutatedFrameWithoutThrowing() {
        List<byte[]> corpus = List.of(HexFormat.of().parseHex(NdpMessageTest.KERNEL_SOLICITATION),
                HexFormat.of().parseHex(NdpMessageTest.KERNEL_ADVERTISEMENT),
                HexFormat.of().parseHex(NdpMessageTest.KERNEL_DAD_PROBE));
        SplittableRandom random = new SplittableRandom(4861);
        FrameParser parser = new FrameParser();
        NdpMessage ndp = new NdpMessage();
        LoopCounters<DropReason> drops = new LoopCounters<>(DropReason.class);
        byte[] buffer = new byte[MAX_FRAME];
        MemorySegment frame = MemorySegment.ofArray(buffer);
        long accepted = 0;
        for (int i = 0; i < FRAMES; i++) {
            byte[] seed = corpus.get(random.nextInt(corpus.size()));
            int length = mutate(seed, buffer, random);
            DropReason reason = parser.parse(frame, 0, length);
            if (reason == DropReason.NONE && parser.protocol() == Ipv6Header.NEXT_ICMPV6 && parser.l4Offset() >= 0) {
                reason = ndp.wrap(frame, parser.l4Offset()).validate(parser.ipv6(), parser.l4Length(),
                        random.nextInt(4) != 0);
                if (reason == DropReason.NONE) {
                    accepted++;
                    assertEquals(NdpMessage.HOP_LIMIT, parser.ipv6().hopLimit(), "frame " + i);
                    assertTrue(ndp.isSolicitation() || ndp.isAdvertisement(), "frame " + i);
                    assertTrue(!NdpMessage.isMulticast(frame, ndp.targetOffset()), "frame " + i);
                    assertTrue(parser.l4Length() >= NdpMessage.MIN_LENGTH, "frame " + i);
                }
            }
            drops.increment(reason);
        }
        long counted = 0;
        for (DropReason r : DropReason.values()) {
            counted += drops.get(r);
        }
        assertEquals(FRAMES, counted);
        assertTrue(accepted > FRAMES / 20, "mutations keep many messages valid: " + accepted);
        for (DropReason r : List.of(DropReason.NDP_BAD_HOP_LIMIT, DropReason.NDP_BAD_CHECKSUM,
                DropReason.NDP_MALFORMED, DropReason.NDP_INVALID)) {
            assertTrue(drops.get(r) > 100, r + ": " + drops.get(r));
        }
    }

    /** Copies a seed and changes a few bytes, its length or both; returns the new length. */
    private static int mutate(byte[] seed, byte[] into, SplittableRandom random) {
        int length = seed.length;
        System.arraycopy(seed, 0, into, 0, length);
        int kind = random.nextInt(6);
        if (kind == 0) {
            length = random.nextInt(length + 1);
        } else if (kind == 1) {
            int grow = random.nextInt(MAX_FRAME - length + 1);
            for (int i = length; i < length + grow; i++) {
                into[i] = (byte) random.nextInt(256);
            }
            length += grow;
        }
        int flips = kind == 5 ? 0 : 1 + random.nextInt(3);
        for (int f = 0; f < flips; f++) {
            // Mostly in the IPv6 header and the message, where the checks are.
            int at = EthernetHeader.HEADER_LENGTH + random.nextInt(Math.max(1, length - EthernetHeader.HEADER_LENGTH));
            if (at < length) {
                into[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : into[at] ^ (1 << random.nextInt(8)));
            }
        }
        return length;
    }
}

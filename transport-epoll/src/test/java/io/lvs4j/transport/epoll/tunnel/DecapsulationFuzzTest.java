package io.lvs4j.transport.epoll.tunnel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.core.packet.Checksums;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.transport.epoll.FuzzInputs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link Decapsulation}, the check of every packet a
 * real server's tunnel sockets receive from the network. The first byte of an input picks the
 * socket (IPIP, IPv6-in-IPv6, GUE) and where the packet lies in its buffer; the rest is the
 * packet, in a buffer that ends where it does, so that a read past it throws. Every input must
 * be decapsulated or dropped with a reason, and only a decapsulated packet's inner transport
 * checksum may change.
 *
 * <p>In a normal build this replays the committed corpus ({@code DecapsulationFuzzTestInputs});
 * {@code JAZZER_FUZZ=1} fuzzes (see {@code benchmarks/fuzz}).
 */
class DecapsulationFuzzTest {

    private static final Set<DecapCounter> VERDICTS = EnumSet.of(DecapCounter.DECAPSULATED,
            DecapCounter.DROP_MALFORMED_OUTER, DecapCounter.DROP_MALFORMED_INNER,
            DecapCounter.DROP_WRONG_INNER_VERSION, DecapCounter.DROP_GUE_VERSION, DecapCounter.DROP_GUE_UNSUPPORTED,
            DecapCounter.DROP_GUE_PROTOCOL, DecapCounter.DROP_GUE_BAD_OPTION);

    private final Decapsulation decap = new Decapsulation();

    @FuzzTest(maxDuration = "10m")
    void decapsulatesOrDropsEveryPacket(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int socket = (input[0] & 0xFF) % 3;
        int offset = (input[0] & 0xFF) / 3 % 8;
        int length = input.length - 1;
        byte[] buffer = new byte[offset + length];
        System.arraycopy(input, 1, buffer, offset, length);
        byte[] before = buffer.clone();
        MemorySegment s = MemorySegment.ofArray(buffer);
        DecapCounter verdict = switch (socket) {
            case 0 -> decap.ipip(s, offset, length);
            case 1 -> decap.ip6ip6(s, offset, length);
            default -> decap.gue(s, offset, length);
        };
        assertTrue(VERDICTS.contains(verdict), verdict.name());
        if (verdict != DecapCounter.DECAPSULATED) {
            assertTrue(Arrays.equals(before, buffer), "a dropped packet is left as it came");
            return;
        }
        long inner = decap.innerOffset();
        int innerLength = decap.innerLength();
        assertTrue(inner >= offset && inner + innerLength <= buffer.length, "the inner packet lies in the packet");
        int version = (buffer[(int) inner] & 0xF0) >>> 4;
        if (version == 4) {
            int header = (buffer[(int) inner] & 0x0F) * 4;
            assertTrue(header >= 20 && header <= innerLength, "an IPv4 header inside the inner packet");
            assertTrue(Checksums.ipv4HeaderValid(s, inner, header), "a verified inner IPv4 header");
        } else {
            assertEquals(6, version, "an inner IP packet");
            assertTrue(innerLength >= 40, "an IPv6 header inside the inner packet");
        }
        int changed = 0;
        for (int i = 0; i < buffer.length; i++) {
            if (before[i] != buffer[i]) {
                assertTrue(i >= inner && i < inner + innerLength, "only the inner packet changes: byte " + i);
                changed++;
            }
        }
        assertTrue(changed <= 2, "at most one checksum field changes: " + changed);
        assertTrue(changed == 0 || decap.checksumCompleted(), "a change is a completed checksum");
    }

    @Test
    void shouldDecapsulateOrDropEverySeedAndKeepThemCommitted() {
        Map<String, byte[]> seeds = seeds();
        for (byte[] seed : seeds.values()) {
            decapsulatesOrDropsEveryPacket(seed);
        }
        FuzzInputs.committed(getClass(), "decapsulatesOrDropsEveryPacket", seeds);
    }

    /** Packets as directors send them, one of each kind, behind the byte that picks the socket. */
    static Map<String, byte[]> seeds() {
        byte[] inner4 = new PacketBuilder().ipv4("198.18.0.11", "198.18.0.203").udp(40000, 7)
                .payload(new byte[] {1, 2, 3, 4, 5}).buildIpPacket();
        byte[] inner6 = new PacketBuilder().ipv6("2001:2:0:1::11", "2001:2:0:1::203").udp(40000, 7)
                .payload(new byte[] {9, 8, 7}).buildIpPacket();
        byte[] tcp4 = new PacketBuilder().ipv4("198.18.0.11", "198.18.0.203").dontFragment()
                .tcp(40000, 80, TcpHeader.ACK).sequence(1, 1).payload(new byte[64]).buildIpPacket();
        byte[] tcp6 = new PacketBuilder().ipv6("2001:2:0:1::11", "2001:2:0:1::203")
                .tcp(40000, 80, TcpHeader.ACK).sequence(7, 9).payload(new byte[48]).buildIpPacket();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("seed-ipip", socket(0, ipip(inner4)));
        seeds.put("seed-ipip-merged-tcp", socket(3, ipip(GuePackets.merged(tcp4, 20, 12, 8))));
        seeds.put("seed-ip6ip6", socket(1, inner6));
        seeds.put("seed-ip6ip6-merged-tcp", socket(4, GuePackets.merged(tcp6, 40, 8, 32)));
        seeds.put("seed-gue-ipv4", socket(2, GuePackets.version0(4, inner4)));
        seeds.put("seed-gue-ipv6", socket(5, GuePackets.version0(41, inner6)));
        seeds.put("seed-gue-variant1", socket(2, inner4));
        seeds.put("seed-gue-remcsum", socket(8, GuePackets.remoteChecksum(inner4, 20, 26)));
        return seeds;
    }

    private static byte[] ipip(byte[] inner) {
        return new PacketBuilder().ipv4("198.18.0.12", "198.18.0.13").rawTransport(4).payload(inner).buildIpPacket();
    }

    private static byte[] socket(int selector, byte[] packet) {
        byte[] b = new byte[1 + packet.length];
        b[0] = (byte) selector;
        System.arraycopy(packet, 0, b, 1, packet.length);
        return b;
    }
}

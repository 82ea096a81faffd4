package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded mutator feeds 200,000 damaged adverts (from the keepalived captures and from the
 * encoder, IPv4 and IPv6) through a running node: none may throw, and each must be counted
 * as accepted or under exactly one drop cause.
 */
class AdvertFuzzTest {

    private static final int ROUNDS = 200_000;

    @Test
    void shouldCountEveryMutatedAdvertAndNeverThrow() {
        VirtualClock clock = new VirtualClock();
        VrrpNode node = node(clock);

        List<byte[]> v4 = ipv4Adverts();
        byte[] strictOwner = strictOwnerAdvert();
        byte[] v6src = ip("fe80::12").getAddress();
        byte[] v6msg = ipv6Advert(v6src);
        // The same from a global address, which no VRRP router on this link sends from.
        byte[] v6global = ip("2001:db8::12").getAddress();
        byte[] v6globalMsg = ipv6Advert(v6global);

        Random rnd = new Random(0xf022);
        Map<AdvertCheck, Integer> seen = new EnumMap<>(AdvertCheck.class);
        byte[] buffer = new byte[256];
        for (int i = 0; i < ROUNDS; i++) {
            boolean ipv6 = rnd.nextInt(4) == 0;
            boolean global = ipv6 && rnd.nextInt(8) == 0;
            byte[] base = ipv6 ? (global ? v6globalMsg : v6msg) : v4.get(rnd.nextInt(v4.size()));
            if (!ipv6 && i % 97 == 0) {
                base = strictOwner; // drawn as the others are, so the random sequence stays the same
            }
            int length = base.length;
            System.arraycopy(base, 0, buffer, 0, length);
            int mutations = rnd.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                switch (length == 0 ? 3 : rnd.nextInt(6)) {
                    case 0 -> buffer[rnd.nextInt(length)] ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> buffer[rnd.nextInt(length)] = (byte) rnd.nextInt(256);
                    case 2 -> length = rnd.nextInt(length + 1);
                    case 3 -> {
                        int grow = rnd.nextInt(buffer.length - length + 1);
                        for (int g = 0; g < grow; g++) {
                            buffer[length + g] = (byte) rnd.nextInt(256);
                        }
                        length += grow;
                    }
                    case 4 -> {
                        // A plausible header byte: version/type, count, or IP length fields.
                        int[] spots = ipv6 ? new int[]{0, 1, 3, 4, 5} : new int[]{0, 2, 3, 8, 20, 21, 23, 24, 25};
                        buffer[spots[rnd.nextInt(spots.length)]] = (byte) rnd.nextInt(8);
                    }
                    default -> Arrays.fill(buffer, rnd.nextInt(Math.max(1, length)), length, (byte) 0);
                }
            }
            MemorySegment seg = MemorySegment.ofArray(buffer);
            AdvertCheck verdict = ipv6
                    ? node.receiveIpv6(SimNetwork.IFACE, seg, 0, length, rnd.nextInt(50) == 0 ? 64 : 255,
                            global ? v6global : v6src, VrrpEncoder.MULTICAST_V6)
                    : node.receiveIpv4(SimNetwork.IFACE, seg, 0, length);
            seen.merge(verdict, 1, Integer::sum);
            if (i % 1000 == 0) {
                clock.advanceMillis(300);
                node.tick();
            }
        }
        AdvertValidator validator = node.validator(SimNetwork.IFACE);
        assertEquals(ROUNDS, validator.total(), "every packet counted once");
        long sum = 0;
        for (AdvertCheck c : AdvertCheck.values()) {
            assertEquals((long) seen.getOrDefault(c, 0), validator.counter(c), c.name());
            sum += validator.counter(c);
        }
        assertEquals(ROUNDS, sum);
        assertTrue(validator.counter(AdvertCheck.ACCEPTED) > ROUNDS / 10, "unharmed adverts still pass");
        assertEquals(AdvertCheck.values().length, seen.size(), "every verdict reached: " + seen);
        for (String name : node.instanceNames()) {
            VrrpState state = node.state(name);
            assertTrue(state == VrrpState.BACKUP || state == VrrpState.MASTER, name + " " + state);
        }
    }

    /**
     * Coverage-guided fuzzing (Jazzer) of the same: each input is a list of adverts (a control
     * byte, a length byte, the packet) received in turn by a new node, each in memory that ends
     * where it does. The control byte's low two bits pick IPv4 (0, 1) or IPv6 from a link-local
     * (2) or global (3) source, bit 2 a hop limit of 64 instead of 255, and the high five bits
     * advance the clock by that many 100 ms before the advert (the node ticks). Every advert
     * must be counted once under its verdict, and every instance stay in a state of the RFC.
     * In a normal build this replays the committed corpus ({@code AdvertFuzzTestInputs});
     * {@code JAZZER_FUZZ=1} fuzzes (see {@code benchmarks/fuzz}).
     */
    @FuzzTest(maxDuration = "10m")
    void countsEveryAdvertOnce(byte[] input) {
        VirtualClock clock = new VirtualClock();
        VrrpNode node = node(clock);
        AdvertValidator validator = node.validator(SimNetwork.IFACE);
        byte[] linkLocal = ip("fe80::12").getAddress();
        byte[] global = ip("2001:db8::12").getAddress();
        int at = 0;
        long received = 0;
        while (at + 2 <= input.length) {
            int control = input[at] & 0xFF;
            int length = Math.min(input[at + 1] & 0xFF, input.length - at - 2);
            byte[] packet = Arrays.copyOfRange(input, at + 2, at + 2 + length);
            at += 2 + length;
            if (control >>> 3 != 0) {
                clock.advanceMillis(100L * (control >>> 3));
                node.tick();
            }
            MemorySegment exact = MemorySegment.ofArray(packet);
            int kind = control & 3;
            long before = validator.total();
            AdvertCheck verdict = kind < 2 ? node.receiveIpv4(SimNetwork.IFACE, exact, 0, length)
                    : node.receiveIpv6(SimNetwork.IFACE, exact, 0, length, (control & 4) != 0 ? 64 : 255,
                            kind == 2 ? linkLocal : global, VrrpEncoder.MULTICAST_V6);
            received++;
            assertEquals(before + 1, validator.total(), "counted once");
            assertTrue(validator.counter(verdict) > 0, verdict.name());
        }
        long sum = 0;
        for (AdvertCheck c : AdvertCheck.values()) {
            sum += validator.counter(c);
        }
        assertEquals(received, sum, "every advert under one verdict");
        for (String name : node.instanceNames()) {
            VrrpState state = node.state(name);
            assertTrue(state == VrrpState.BACKUP || state == VrrpState.MASTER, name + " " + state);
        }
    }

    @Test
    void shouldCountEverySeedAndKeepThemCommitted() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        List<byte[]> v4 = ipv4Adverts();
        for (int i = 0; i < v4.size(); i++) {
            seeds.put("seed-ipv4-" + i, record(0, v4.get(i)));
        }
        seeds.put("seed-ipv4-strict-owner", record(0, strictOwnerAdvert()));
        seeds.put("seed-ipv6", record(2, ipv6Advert(ip("fe80::12").getAddress())));
        seeds.put("seed-ipv6-global", record(3, ipv6Advert(ip("2001:db8::12").getAddress())));
        byte[] takeover = new byte[0];
        for (int i = 0; i < 4; i++) {
            takeover = concat(takeover, record(i == 0 ? 0 : 10 << 3, v4.getLast()));
        }
        seeds.put("seed-adverts-over-time", takeover);
        for (byte[] seed : seeds.values()) {
            countsEveryAdvertOnce(seed);
        }
        FuzzInputs.committed(getClass(), "countsEveryAdvertOnce", seeds);
    }

    private static byte[] record(int control, byte[] packet) {
        byte[] b = new byte[2 + packet.length];
        b[0] = (byte) control;
        b[1] = (byte) packet.length;
        System.arraycopy(packet, 0, b, 2, packet.length);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * A node with instances of every kind the checks tell apart, started: v2, v3, IPv6, an owner,
     * a strict owner, unicast.
     */
    static VrrpNode node(VirtualClock clock) {
        VrrpPort port = new VrrpPort() {
            @Override
            public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
            }

            @Override
            public void takeOver(VrrpInstanceConfig instance) {
            }

            @Override
            public void release(VrrpInstanceConfig instance) {
            }
        };
        VrrpNode node = VrrpNode.builder(port).clock(clock)
                .instance(SimNetwork.instance("198.18.0.99", 100, b -> b))
                .instance(VrrpInstanceConfig.builder("V3").interfaceName(SimNetwork.IFACE).version(3)
                        .virtualRouterId(52).sourceAddress(ip("198.18.0.99"))
                        .virtualIpAddress(ip("198.18.0.10")).build())
                .instance(VrrpInstanceConfig.builder("V6").interfaceName(SimNetwork.IFACE).version(3)
                        .virtualRouterId(53).sourceAddress(ip("fe80::99")).virtualIpAddress(ip("2001:db8::10")).build())
                .instance(VrrpInstanceConfig.builder("OWNER").interfaceName(SimNetwork.IFACE).version(3)
                        .virtualRouterId(54).priority(255).sourceAddress(ip("198.18.0.99"))
                        .virtualIpAddress(ip("198.18.0.99")).build())
                .instance(VrrpInstanceConfig.builder("STRICT_OWNER").interfaceName(SimNetwork.IFACE).version(3)
                        .virtualRouterId(56).priority(255).strictMode(true).sourceAddress(ip("198.18.0.99"))
                        .virtualIpAddress(ip("198.18.0.98")).build())
                .instance(VrrpInstanceConfig.builder("UNICAST").interfaceName(SimNetwork.IFACE).version(3)
                        .virtualRouterId(55).sourceAddress(ip("198.18.0.99")).virtualIpAddress(ip("198.18.0.20"))
                        .unicastPeer(ip("198.18.0.13")).build())
                .build();
        node.start();
        return node;
    }

    /**
     * IPv4 adverts: keepalived's captures (v2, vrid 51), a v3 advert for VRID 52, one the owner
     * must discard, and unicast ones from a peer and from a stranger.
     */
    static List<byte[]> ipv4Adverts() {
        List<byte[]> v4 = new ArrayList<>();
        for (String f : List.of("vrrp-v2.pcap", "vrrp-v2-failover.pcap")) {
            Pcap.read("/vrrp/" + f).stream().filter(Pcap.Frame::isVrrpV4).forEach(fr -> v4.add(fr.ipPacket()));
        }
        v4.add(v3Packet(new Advertisement(VrrpVersion.V3, 52, 120, 100, List.of(ip("198.18.0.10")), null),
                "198.18.0.12"));
        v4.add(v3Packet(new Advertisement(VrrpVersion.V3, 54, 120, 100, List.of(ip("198.18.0.99")), null), "198.18.0.12"));
        Advertisement unicast = new Advertisement(VrrpVersion.V3, 55, 120, 100, List.of(ip("198.18.0.20")), null);
        v4.add(v3Packet(unicast, "198.18.0.13"));
        v4.add(v3Packet(unicast, "198.18.0.12"));
        return v4;
    }

    /** An IPv4 advert for VRID 56, which the strict owner ignores. */
    static byte[] strictOwnerAdvert() {
        return v3Packet(new Advertisement(VrrpVersion.V3, 56, 255, 100, List.of(ip("198.18.0.98")), null),
                "198.18.0.12");
    }

    /** The VRRP message of a v3 IPv6 advert for VRID 53 from a source, to the VRRP group. */
    static byte[] ipv6Advert(byte[] source) {
        Advertisement v6 = new Advertisement(VrrpVersion.V3, 53, 120, 100, List.of(ip("2001:db8::10")), null);
        byte[] message = new byte[v6.length()];
        VrrpEncoder.encode(v6, MemorySegment.ofArray(message), 0, source, VrrpEncoder.MULTICAST_V6);
        return message;
    }

    private static byte[] v3Packet(Advertisement ad, String source) {
        byte[] p = new byte[20 + ad.length()];
        VrrpEncoder.encodeIpv4Packet(ad, MemorySegment.ofArray(p), 0, (java.net.Inet4Address) ip(source),
                (java.net.Inet4Address) ip("224.0.0.18"), 1);
        return p;
    }
}

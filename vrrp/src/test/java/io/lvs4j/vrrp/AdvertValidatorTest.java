package io.lvs4j.vrrp;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each receive rule of RFC 3768 / 5798, and their order. */
class AdvertValidatorTest {

    private static final InetAddress VIP = ip("198.18.0.10");
    private static final Inet4Address SRC = (Inet4Address) ip("198.18.0.11");
    private static final Inet4Address GROUP = (Inet4Address) ip("224.0.0.18");
    private static final byte[] PASS = "1111".getBytes(StandardCharsets.US_ASCII);
    private static final Inet4Address PEER = (Inet4Address) ip("198.18.0.12");
    private static final InetAddress VIP6 = ip("2001:db8::10");
    private static final InetAddress PEER6 = ip("2001:db8::12");

    private final AdvertValidator validator = new AdvertValidator()
            .expect(VrrpVersion.V2, 51, List.of(VIP), 100, PASS)
            .expect(VrrpVersion.V3, 52, List.of(VIP), 100, null)
            .expect(VrrpVersion.V3, 53, List.of(ip("2001:db8::10"), ip("2001:db8::11")), 100, null)
            .expect(VrrpVersion.V3, 54, List.of(VIP), 100, null, List.of(PEER), false)
            .expect(VrrpVersion.V2, 55, List.of(VIP), 100, PASS, List.of(), true)
            .expect(VrrpVersion.V3, 56, List.of(VIP6), 100, null, List.of(PEER6), false)
            .expect(VrrpVersion.V3, 57, List.of(VIP), 100, null, List.of(), true, true);

    private static byte[] v4Packet(Advertisement ad) {
        return v4Packet(ad, SRC);
    }

    private static byte[] v4Packet(Advertisement ad, Inet4Address source) {
        byte[] out = new byte[20 + ad.length()];
        VrrpEncoder.encodeIpv4Packet(ad, MemorySegment.ofArray(out), 0, source, GROUP, 7);
        return out;
    }

    private AdvertCheck checkIpv6(Advertisement ad, InetAddress source, byte[] destination) {
        byte[] msg = new byte[ad.length()];
        VrrpEncoder.encode(ad, MemorySegment.ofArray(msg), 0, source.getAddress(), destination);
        return validator.checkIpv6(MemorySegment.ofArray(msg), 0, msg.length, 255, source.getAddress(), destination);
    }

    private static Advertisement v3(int vrid, int priority, InetAddress... addresses) {
        return new Advertisement(VrrpVersion.V3, vrid, priority, 100, List.of(addresses), null);
    }

    private static Advertisement v2(int vrid, int interval, List<InetAddress> addrs, byte[] pass) {
        return new Advertisement(VrrpVersion.V2, vrid, 100, interval, addrs, pass);
    }

    private AdvertCheck check(byte[] packet) {
        return validator.checkIpv4(MemorySegment.ofArray(packet), 0, packet.length);
    }

    @Test
    void shouldAcceptWellFormedAdverts() {
        assertEquals(AdvertCheck.ACCEPTED, check(v4Packet(v2(51, 100, List.of(VIP), PASS))));
        assertEquals(AdvertCheck.ACCEPTED, check(v4Packet(new Advertisement(VrrpVersion.V3, 52, 100, 35, List.of(VIP), null))));
        assertEquals(2, validator.counter(AdvertCheck.ACCEPTED));
    }

    @Test
    void shouldRejectEachBrokenRuleWithItsOwnCause() {
        byte[] ttl = v4Packet(v2(51, 100, List.of(VIP), PASS));
        ttl[8] = (byte) 254;
        assertEquals(AdvertCheck.BAD_TTL, check(ttl));
        byte[] version = v4Packet(v2(51, 100, List.of(VIP), PASS));
        version[20] = 0x41;
        assertEquals(AdvertCheck.BAD_VERSION, check(version));
        byte[] type = v4Packet(v2(51, 100, List.of(VIP), PASS));
        type[20] = 0x22;
        assertEquals(AdvertCheck.BAD_TYPE, check(type));
        assertEquals(AdvertCheck.UNKNOWN_VRID, check(v4Packet(v2(99, 100, List.of(VIP), PASS))));
        assertEquals(AdvertCheck.BAD_VERSION, check(v4Packet(v2(52, 100, List.of(VIP), PASS))), "v2 advert for a v3 VRID");
        byte[] checksum = v4Packet(v2(51, 100, List.of(VIP), PASS));
        checksum[27] ^= 1;
        assertEquals(AdvertCheck.BAD_CHECKSUM, check(checksum));
        byte[] truncated = v4Packet(v2(51, 100, List.of(VIP), PASS));
        truncated[3] -= 4;
        assertEquals(AdvertCheck.BAD_LENGTH, check(truncated), "no room for the authentication data");
        assertEquals(AdvertCheck.BAD_ADDRESS_COUNT, check(v4Packet(v2(51, 100, List.of(VIP, ip("198.18.0.20")), PASS))));
        assertEquals(AdvertCheck.ADDRESS_MISMATCH, check(v4Packet(v2(51, 100, List.of(ip("198.18.0.20")), PASS))));
        assertEquals(AdvertCheck.BAD_INTERVAL, check(v4Packet(v2(51, 200, List.of(VIP), PASS))));
        assertEquals(AdvertCheck.BAD_AUTH_TYPE, check(v4Packet(v2(51, 100, List.of(VIP), null))));
        assertEquals(AdvertCheck.BAD_AUTH, check(v4Packet(v2(51, 100, List.of(VIP), "2222".getBytes(StandardCharsets.US_ASCII)))));
        byte[] notVrrp = v4Packet(v2(51, 100, List.of(VIP), PASS));
        notVrrp[9] = 6;
        assertEquals(AdvertCheck.MALFORMED, check(notVrrp));
        assertEquals(AdvertCheck.MALFORMED, check(new byte[3]));
        assertEquals(AdvertCheck.LOCAL_OWNER, check(v4Packet(v2(55, 100, List.of(VIP), PASS))),
                "an address owner discards a non-owner's advert");
        assertEquals(AdvertCheck.UNKNOWN_UNICAST_SOURCE, check(v4Packet(v3(54, 200, VIP))),
                "a unicast advert from an address that is not a peer");
        assertEquals(AdvertCheck.IPV6_SOURCE_NOT_LINK_LOCAL,
                checkIpv6(v3(53, 200, ip("2001:db8::10"), ip("2001:db8::11")), ip("2001:db8::99"),
                        VrrpEncoder.MULTICAST_V6), "an IPv6 multicast advert from a global address");
        assertEquals(AdvertCheck.STRICT_OWNER_IGNORES, check(v4Packet(v3(57, 255, VIP))),
                "an address owner in strict mode ignores every advert");
        for (AdvertCheck c : AdvertCheck.values()) {
            if (c != AdvertCheck.ACCEPTED) {
                assertEquals(c == AdvertCheck.BAD_VERSION || c == AdvertCheck.MALFORMED ? 2 : 1, validator.counter(c), c.name());
            }
        }
        assertEquals(18, validator.total());
    }

    @Test
    void shouldLetAnAddressOwnerDiscardNonOwnersButHearOtherOwnersAndDepartures() {
        for (int priority : new int[] {1, 100, 254}) {
            assertEquals(AdvertCheck.LOCAL_OWNER, check(v4Packet(new Advertisement(VrrpVersion.V2, 55, priority, 100,
                    List.of(VIP), PASS))), "priority " + priority);
        }
        assertEquals(AdvertCheck.ACCEPTED, check(v4Packet(new Advertisement(VrrpVersion.V2, 55, 255, 100, List.of(VIP),
                PASS))), "a second owner is heard, so that two owners settle on one master");
        assertEquals(AdvertCheck.ACCEPTED, check(v4Packet(new Advertisement(VrrpVersion.V2, 55, 0, 100, List.of(VIP),
                PASS))), "a master leaving is heard");
        assertEquals(AdvertCheck.ACCEPTED, check(v4Packet(v2(51, 100, List.of(VIP), PASS))), "a non-owner hears all");
        assertEquals(3, validator.counter(AdvertCheck.LOCAL_OWNER));
    }

    @Test
    void shouldLetAStrictAddressOwnerIgnoreEveryAdvertButANonStrictOneHearOwnersAndDepartures() {
        for (int priority : new int[] {0, 100, 255}) {
            assertEquals(AdvertCheck.STRICT_OWNER_IGNORES, check(v4Packet(v3(57, priority, VIP))), "priority " + priority);
        }
        AdvertValidator lax = new AdvertValidator().expect(VrrpVersion.V3, 57, List.of(VIP), 100, null, List.of(), true,
                false);
        byte[] owner = v4Packet(v3(57, 255, VIP));
        assertEquals(AdvertCheck.ACCEPTED, lax.checkIpv4(MemorySegment.ofArray(owner), 0, owner.length));
        AdvertValidator notOwner = new AdvertValidator().expect(VrrpVersion.V3, 57, List.of(VIP), 100, null,
                List.of(), false, true);
        assertEquals(AdvertCheck.ACCEPTED, notOwner.checkIpv4(MemorySegment.ofArray(owner), 0, owner.length),
                "strict mode ignores adverts only for the address owner");
        assertEquals(3, validator.counter(AdvertCheck.STRICT_OWNER_IGNORES));
    }

    @Test
    void shouldAcceptUnicastAdvertsFromPeersOnly() {
        assertEquals(AdvertCheck.ACCEPTED, check(v4Packet(v3(54, 200, VIP), PEER)));
        assertEquals(AdvertCheck.UNKNOWN_UNICAST_SOURCE, check(v4Packet(v3(54, 200, VIP), SRC)));
        assertEquals(AdvertCheck.ACCEPTED, check(v4Packet(v3(52, 200, VIP), SRC)), "a multicast instance hears anyone");
        assertEquals(AdvertCheck.ACCEPTED, checkIpv6(v3(56, 200, VIP6), PEER6, ip("2001:db8::11").getAddress()),
                "an IPv6 unicast peer may send from a global address");
        assertEquals(AdvertCheck.UNKNOWN_UNICAST_SOURCE,
                checkIpv6(v3(56, 200, VIP6), ip("fe80::99"), ip("2001:db8::11").getAddress()));
        assertEquals(2, validator.counter(AdvertCheck.UNKNOWN_UNICAST_SOURCE));
    }

    @Test
    void shouldRejectIpv6MulticastAdvertsFromAnAddressThatIsNotLinkLocal() {
        InetAddress[] vips = {ip("2001:db8::10"), ip("2001:db8::11")};
        assertEquals(AdvertCheck.ACCEPTED, checkIpv6(v3(53, 200, vips), ip("fe80::12"), VrrpEncoder.MULTICAST_V6));
        assertEquals(AdvertCheck.ACCEPTED, checkIpv6(v3(53, 200, vips), ip("febf::12"), VrrpEncoder.MULTICAST_V6),
                "fe80::/10 is link-local");
        for (String source : new String[] {"2001:db8::12", "fec0::12", "fe00::12", "::1"}) {
            assertEquals(AdvertCheck.IPV6_SOURCE_NOT_LINK_LOCAL,
                    checkIpv6(v3(53, 200, vips), ip(source), VrrpEncoder.MULTICAST_V6), source);
        }
        assertEquals(4, validator.counter(AdvertCheck.IPV6_SOURCE_NOT_LINK_LOCAL));
    }

    @Test
    void shouldAcceptIpv6AdvertsWithoutALinkLocalFirstAddressWithAWarningAsKeepalivedDoes() {
        AdvertValidator withLinkLocal = new AdvertValidator()
                .expect(VrrpVersion.V3, 57, List.of(ip("fe80::10"), VIP6), 100, null);
        byte[] src = ip("fe80::12").getAddress();
        Advertisement rfc = v3(57, 200, ip("fe80::10"), VIP6);
        Advertisement frr = v3(57, 200, VIP6, ip("fe80::10"));
        for (Advertisement ad : List.of(rfc, frr)) {
            byte[] msg = new byte[ad.length()];
            VrrpEncoder.encode(ad, MemorySegment.ofArray(msg), 0, src, VrrpEncoder.MULTICAST_V6);
            assertEquals(AdvertCheck.ACCEPTED, withLinkLocal.checkIpv6(MemorySegment.ofArray(msg), 0, msg.length, 255,
                    src, VrrpEncoder.MULTICAST_V6));
        }
        assertEquals(1, withLinkLocal.warnings(AdvertWarning.IPV6_FIRST_ADDRESS_NOT_LINK_LOCAL),
                "FRR's order (global address first) is counted, the RFC's is not");
        assertEquals(AdvertCheck.ACCEPTED, checkIpv6(v3(53, 200, ip("2001:db8::10"), ip("2001:db8::11")),
                ip("fe80::12"), VrrpEncoder.MULTICAST_V6), "no link-local address at all, as FRR sends it");
        assertEquals(1, validator.warnings(AdvertWarning.IPV6_FIRST_ADDRESS_NOT_LINK_LOCAL));
    }

    @Test
    void shouldCheckInTheRfcOrder() {
        // Bad TTL, bad checksum, wrong password and interval at once: TTL comes first.
        byte[] p = v4Packet(v2(51, 200, List.of(VIP), "2222".getBytes(StandardCharsets.US_ASCII)));
        p[8] = 64;
        p[27] ^= 1;
        assertEquals(AdvertCheck.BAD_TTL, check(p));
        p[8] = (byte) 255;
        assertEquals(AdvertCheck.BAD_CHECKSUM, check(p));
        p[27] ^= 1;
        assertEquals(AdvertCheck.BAD_INTERVAL, check(p), "interval before authentication");
    }

    @Test
    void shouldAdoptAnyNonZeroV3IntervalButRejectZero() {
        assertEquals(AdvertCheck.ACCEPTED, check(v4Packet(new Advertisement(VrrpVersion.V3, 52, 100, 4095, List.of(VIP), null))));
        byte[] zero = v4Packet(new Advertisement(VrrpVersion.V3, 52, 100, 1, List.of(VIP), null));
        // Interval 1 -> 0 and checksum + 1 (one's complement arithmetic keeps the sum).
        zero[20 + 5] = 0;
        int sum = ((zero[26] & 0xff) << 8 | (zero[27] & 0xff)) + 1;
        zero[26] = (byte) (sum >> 8);
        zero[27] = (byte) sum;
        assertEquals(AdvertCheck.BAD_INTERVAL, check(zero));
    }

    @Test
    void shouldVerifyV3ChecksumOverTheIpv6PseudoHeader() {
        byte[] src = ip("fe80::11").getAddress();
        Advertisement ad = new Advertisement(VrrpVersion.V3, 53, 200, 100,
                List.of(ip("2001:db8::11"), ip("2001:db8::10")), null);
        byte[] msg = new byte[ad.length()];
        assertEquals(40, VrrpEncoder.encode(ad, MemorySegment.ofArray(msg), 0, src, VrrpEncoder.MULTICAST_V6));
        assertEquals(AdvertCheck.ACCEPTED, validator.checkIpv6(MemorySegment.ofArray(msg), 0, msg.length, 255,
                src, VrrpEncoder.MULTICAST_V6));
        assertEquals(independentChecksum(msg, src, VrrpEncoder.MULTICAST_V6), 0, "sums to zero with the pseudo-header");
        assertEquals(AdvertCheck.BAD_CHECKSUM, validator.checkIpv6(MemorySegment.ofArray(msg), 0, msg.length, 255,
                ip("fe80::12").getAddress(), VrrpEncoder.MULTICAST_V6), "another source breaks the pseudo-header sum");
        assertEquals(AdvertCheck.BAD_TTL, validator.checkIpv6(MemorySegment.ofArray(msg), 0, msg.length, 1,
                src, VrrpEncoder.MULTICAST_V6));
        assertEquals(200, validator.advert().priority());
    }

    @Test
    void shouldEncodeIpv6AdvertAsTsharkVerifiedIt() {
        // tshark 4 decoded these bytes (fe80::11 -> ff02::12) as a VRRPv3 announcement,
        // checksum 0x0dcb [correct], with no expert warning.
        byte[] expected = java.util.HexFormat.of().parseHex(
                "3135960200640dcbfe80000000000000000000000000001020010db8000000000000000000000010");
        Advertisement ad = new Advertisement(VrrpVersion.V3, 53, 150, 100,
                List.of(ip("fe80::10"), ip("2001:db8::10")), null);
        byte[] msg = new byte[ad.length()];
        VrrpEncoder.encode(ad, MemorySegment.ofArray(msg), 0, ip("fe80::11").getAddress(), VrrpEncoder.MULTICAST_V6);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, msg);
    }

    /** RFC 1071 written out plainly, as a second opinion on the encoder's arithmetic. */
    private static int independentChecksum(byte[] msg, byte[] src, byte[] dst) {
        byte[] all = new byte[40 + msg.length];
        System.arraycopy(src, 0, all, 0, 16);
        System.arraycopy(dst, 0, all, 16, 16);
        all[34] = (byte) (msg.length >> 8);
        all[35] = (byte) msg.length;
        all[39] = 112;
        System.arraycopy(msg, 0, all, 40, msg.length);
        long sum = 0;
        for (int i = 0; i < all.length; i += 2) {
            sum += ((all[i] & 0xff) << 8) | (all[i + 1] & 0xff);
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}

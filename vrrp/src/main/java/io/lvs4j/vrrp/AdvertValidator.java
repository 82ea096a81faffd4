package io.lvs4j.vrrp;

import io.lvs4j.core.packet.Checksums;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Checks received adverts against the instances configured on one interface, in the order of
 * RFC 3768 section 7.1 and RFC 5798 section 7.1: TTL/hop limit 255, version and type, VRID,
 * length, checksum, not the address owner, address count and list, interval (v2: equal to
 * ours; v3: non-zero, since v3 adopts the master's), authentication (v2); then the sender: one
 * of the unicast peers of a unicast instance, a link-local address for IPv6 multicast. Each
 * verdict is counted, and each {@link AdvertWarning} about an accepted advert; bad bytes never
 * throw.
 *
 * <p>The checks are allocation-free. Not thread-safe for {@link #check} (one reader thread);
 * counters may be read from any thread.
 */
public final class AdvertValidator {

    /** What one instance expects of adverts for its VRID; no unicast peers: multicast. */
    private record Expectation(int version, int addressLength, byte[][] addresses,
                               int intervalCentis, int authType, byte[] authData, byte[][] unicastPeers,
                               boolean owner, boolean ignoreAll) {
    }

    private final Expectation[] v4 = new Expectation[256];
    private final Expectation[] v6 = new Expectation[256];
    private final AtomicLongArray counters = new AtomicLongArray(AdvertCheck.values().length);
    private final AtomicLongArray warnings = new AtomicLongArray(AdvertWarning.values().length);
    private final VrrpAdvert advert = new VrrpAdvert();
    private final byte[] source = new byte[16];
    private int sourceLength;

    /** Creates a validator that knows no VRID yet. */
    public AdvertValidator() {
    }

    /**
     * Registers what adverts for one VRID must look like.
     *
     * @param version the configured version
     * @param vrid the virtual router id
     * @param addresses the configured virtual addresses (their family selects IPv4 or IPv6)
     * @param intervalCentis the configured interval (checked for v2 only)
     * @param authPass v2 password or null for none
     * @return this
     */
    public AdvertValidator expect(VrrpVersion version, int vrid, List<InetAddress> addresses,
                                  int intervalCentis, byte[] authPass) {
        return expect(version, vrid, addresses, intervalCentis, authPass, List.of(), false);
    }

    /**
     * Registers what adverts for one VRID must look like and who may send them.
     *
     * @param version the configured version
     * @param vrid the virtual router id
     * @param addresses the configured virtual addresses (their family selects IPv4 or IPv6)
     * @param intervalCentis the configured interval (checked for v2 only)
     * @param authPass v2 password or null for none
     * @param unicastPeers the unicast peers, the only senders accepted; empty for multicast
     * @param addressOwner whether this router owns the addresses (priority 255): it then
     *     discards the adverts of non-owners ({@link AdvertCheck#LOCAL_OWNER})
     * @return this
     */
    public AdvertValidator expect(VrrpVersion version, int vrid, List<InetAddress> addresses,
                                  int intervalCentis, byte[] authPass, List<InetAddress> unicastPeers,
                                  boolean addressOwner) {
        return expect(version, vrid, addresses, intervalCentis, authPass, unicastPeers, addressOwner, false);
    }

    /**
     * Registers what adverts for one VRID must look like and who may send them, in strict mode
     * or not.
     *
     * @param version the configured version
     * @param vrid the virtual router id
     * @param addresses the configured virtual addresses (their family selects IPv4 or IPv6)
     * @param intervalCentis the configured interval (checked for v2 only)
     * @param authPass v2 password or null for none
     * @param unicastPeers the unicast peers, the only senders accepted; empty for multicast
     * @param addressOwner whether this router owns the addresses (priority 255)
     * @param strict whether the instance is in strict mode: an address owner then ignores every
     *     advert ({@link AdvertCheck#STRICT_OWNER_IGNORES})
     * @return this
     */
    public AdvertValidator expect(VrrpVersion version, int vrid, List<InetAddress> addresses,
                                  int intervalCentis, byte[] authPass, List<InetAddress> unicastPeers,
                                  boolean addressOwner, boolean strict) {
        Objects.requireNonNull(version, "version");
        boolean ipv4 = addresses.isEmpty() || addresses.getFirst() instanceof Inet4Address;
        byte[][] raw = new byte[addresses.size()][];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = addresses.get(i).getAddress();
        }
        byte[][] peers = unicastPeers.stream().map(InetAddress::getAddress).toArray(byte[][]::new);
        byte[] auth = authPass == null ? null : Arrays.copyOf(authPass, VrrpAdvert.AUTH_DATA_LENGTH);
        (ipv4 ? v4 : v6)[vrid & 0xff] = new Expectation(version.number(), ipv4 ? 4 : 16, raw,
                intervalCentis, authPass == null ? VrrpAdvert.AUTH_NONE : VrrpAdvert.AUTH_PASS, auth, peers,
                addressOwner, addressOwner && strict);
        return this;
    }

    /** Forgets every VRID (a reconfiguration registers them again); the counters stay. */
    public void forgetAll() {
        Arrays.fill(v4, null);
        Arrays.fill(v6, null);
    }

    /**
     * Checks a whole IPv4 packet (IP header included, as an IPv4 raw socket delivers it).
     *
     * @param packet the memory holding it
     * @param offset where the IP header starts
     * @param length the number of bytes received
     * @return the verdict, also counted; when {@link AdvertCheck#ACCEPTED}, {@link #advert()}
     *     points at the VRRP message and {@link #sourceAddress()} holds the sender
     */
    public AdvertCheck checkIpv4(MemorySegment packet, long offset, int length) {
        if (length < VrrpEncoder.IPV4_HEADER_LENGTH || offset < 0 || offset + length > packet.byteSize()) {
            return count(AdvertCheck.MALFORMED);
        }
        int vihl = u8(packet, offset);
        int ihl = (vihl & 0x0f) * 4;
        int total = (u8(packet, offset + 2) << 8) | u8(packet, offset + 3);
        if ((vihl >>> 4) != 4 || ihl < VrrpEncoder.IPV4_HEADER_LENGTH || total < ihl || total > length
                || u8(packet, offset + 9) != VrrpAdvert.IP_PROTOCOL) {
            return count(AdvertCheck.MALFORMED);
        }
        int ttl = u8(packet, offset + 8);
        long sum = Checksums.add(packet, offset + 12, 8, 0) + VrrpAdvert.IP_PROTOCOL + (total - ihl);
        MemorySegment.copy(packet, ValueLayout.JAVA_BYTE, offset + 12, source, 0, 4);
        sourceLength = 4;
        return check(packet, offset + ihl, total - ihl, ttl, false, sum);
    }

    /**
     * Checks a VRRP message received over IPv6 (a raw IPv6 socket strips the header and hands
     * the hop limit and addresses over separately).
     *
     * @param message the memory holding the VRRP message
     * @param offset where it starts
     * @param length its length
     * @param hopLimit the hop limit it arrived with
     * @param source the sender's address, 16 bytes
     * @param destination the address it was sent to, 16 bytes
     * @return the verdict, also counted
     */
    public AdvertCheck checkIpv6(MemorySegment message, long offset, int length, int hopLimit,
                                 byte[] source, byte[] destination) {
        if (offset < 0 || length < 0 || offset + length > message.byteSize()
                || source.length != 16 || destination.length != 16) {
            return count(AdvertCheck.MALFORMED);
        }
        System.arraycopy(source, 0, this.source, 0, 16);
        sourceLength = 16;
        return check(message, offset, length, hopLimit, true,
                VrrpEncoder.pseudoHeaderSum(source, destination, length));
    }

    private AdvertCheck check(MemorySegment seg, long at, int length, int ttl, boolean ipv6, long pseudo) {
        if (length < VrrpAdvert.HEADER_LENGTH) {
            return count(AdvertCheck.MALFORMED);
        }
        if (ttl != VrrpEncoder.TTL) {
            return count(AdvertCheck.BAD_TTL);
        }
        VrrpAdvert ad = advert.wrap(seg, at);
        int version = ad.version();
        if (version != 2 && version != 3 || (ipv6 && version != 3)) {
            return count(AdvertCheck.BAD_VERSION);
        }
        if (ad.type() != VrrpAdvert.TYPE_ADVERTISEMENT) {
            return count(AdvertCheck.BAD_TYPE);
        }
        Expectation e = (ipv6 ? v6 : v4)[ad.vrid()];
        if (e == null || ad.vrid() == 0) {
            return count(AdvertCheck.UNKNOWN_VRID);
        }
        if (version != e.version) {
            return count(AdvertCheck.BAD_VERSION);
        }
        int count = ad.addressCount();
        if (length < VrrpAdvert.length(version, count, e.addressLength)) {
            return count(AdvertCheck.BAD_LENGTH);
        }
        long sum = Checksums.add(seg, at, length, version == 3 ? pseudo : 0);
        if (Checksums.finish(sum) != 0) {
            return count(AdvertCheck.BAD_CHECKSUM);
        }
        if (e.ignoreAll) {
            return count(AdvertCheck.STRICT_OWNER_IGNORES);
        }
        if (e.owner && ad.priority() != 0 && ad.priority() != 255) {
            return count(AdvertCheck.LOCAL_OWNER);
        }
        if (count != e.addresses.length) {
            return count(AdvertCheck.BAD_ADDRESS_COUNT);
        }
        for (byte[] wanted : e.addresses) {
            if (!contains(seg, at, count, e.addressLength, wanted)) {
                return count(AdvertCheck.ADDRESS_MISMATCH);
            }
        }
        if (version == 2 ? ad.adverIntSeconds() * 100 != e.intervalCentis : ad.maxAdverIntCentis() == 0) {
            return count(AdvertCheck.BAD_INTERVAL);
        }
        if (version == 2) {
            if (ad.authType() != e.authType) {
                return count(AdvertCheck.BAD_AUTH_TYPE);
            }
            if (e.authType == VrrpAdvert.AUTH_PASS) {
                long authAt = at + VrrpAdvert.authDataOffset(count);
                for (int i = 0; i < VrrpAdvert.AUTH_DATA_LENGTH; i++) {
                    if (seg.get(ValueLayout.JAVA_BYTE, authAt + i) != e.authData[i]) {
                        return count(AdvertCheck.BAD_AUTH);
                    }
                }
            }
        }
        if (e.unicastPeers.length > 0 && !fromPeer(e.unicastPeers)) {
            return count(AdvertCheck.UNKNOWN_UNICAST_SOURCE);
        }
        if (ipv6 && e.unicastPeers.length == 0 && !linkLocal(source[0], source[1])) {
            return count(AdvertCheck.IPV6_SOURCE_NOT_LINK_LOCAL);
        }
        if (ipv6 && count > 0) {
            long first = at + VrrpAdvert.addressOffset(0, 16);
            if (!linkLocal(seg.get(ValueLayout.JAVA_BYTE, first), seg.get(ValueLayout.JAVA_BYTE, first + 1))) {
                warnings.incrementAndGet(AdvertWarning.IPV6_FIRST_ADDRESS_NOT_LINK_LOCAL.ordinal());
            }
        }
        return count(AdvertCheck.ACCEPTED);
    }

    /** @return whether the last packet's sender is one of the peers */
    private boolean fromPeer(byte[][] peers) {
        outer:
        for (byte[] peer : peers) {
            if (peer.length != sourceLength) {
                continue;
            }
            for (int b = 0; b < peer.length; b++) {
                if (peer[b] != source[b]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** @return whether an IPv6 address starting with these two bytes is link-local (fe80::/10) */
    private static boolean linkLocal(byte first, byte second) {
        return first == (byte) 0xfe && (second & 0xc0) == 0x80;
    }

    private static boolean contains(MemorySegment seg, long at, int count, int len, byte[] wanted) {
        outer:
        for (int i = 0; i < count; i++) {
            long a = at + VrrpAdvert.addressOffset(i, len);
            for (int b = 0; b < len; b++) {
                if (seg.get(ValueLayout.JAVA_BYTE, a + b) != wanted[b]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int u8(MemorySegment seg, long at) {
        return seg.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    private AdvertCheck count(AdvertCheck verdict) {
        counters.incrementAndGet(verdict.ordinal());
        return verdict;
    }

    /** @return the flyweight over the last checked advert (valid after an accepted check) */
    public VrrpAdvert advert() {
        return advert;
    }

    /**
     * Returns the sender of the last checked packet; the array is reused by the next check.
     *
     * @return a reused array of 16 bytes; the first {@link #sourceLength()} are meaningful
     */
    public byte[] sourceAddress() {
        return source;
    }

    /** @return 4 or 16: the meaningful bytes of {@link #sourceAddress()} */
    public int sourceLength() {
        return sourceLength;
    }

    /**
     * Returns how many packets got one verdict.
     *
     * @param verdict the verdict
     * @return the count since creation
     */
    public long counter(AdvertCheck verdict) {
        return counters.get(verdict.ordinal());
    }

    /**
     * Returns how many accepted adverts drew one warning.
     *
     * @param warning the warning
     * @return the count since creation
     */
    public long warnings(AdvertWarning warning) {
        return warnings.get(warning.ordinal());
    }

    /** @return how many packets were checked in all */
    public long total() {
        long t = 0;
        for (int i = 0; i < counters.length(); i++) {
            t += counters.get(i);
        }
        return t;
    }
}

package io.lvs4j.vrrp;

import io.lvs4j.core.packet.Checksums;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * Writes adverts as keepalived does: the VRRP message alone (for a raw socket that adds the IP
 * header) or a whole IPv4 packet (TOS 0xc0, TTL 255, no fragmentation flags, protocol 112).
 * The v3 checksum needs the source and destination addresses of the IP header it will travel
 * in (RFC 5798 section 5.2.8). Stateless and thread-safe.
 */
public final class VrrpEncoder {

    /** The IPv4 multicast group of VRRP, 224.0.0.18. */
    public static final byte[] MULTICAST_V4 = {(byte) 224, 0, 0, 18};
    /** The IPv6 multicast group of VRRP, ff02::12. */
    public static final byte[] MULTICAST_V6 = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};
    /** Length of the IPv4 header written by {@link #encodeIpv4Packet}. */
    public static final int IPV4_HEADER_LENGTH = 20;
    /** The TOS keepalived sets on adverts (DSCP CS6, network control). */
    public static final int TOS = 0xc0;
    /** The TTL or hop limit adverts must carry. */
    public static final int TTL = 255;

    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private VrrpEncoder() {
    }

    /**
     * Writes the VRRP message of an advert.
     *
     * @param ad the advert
     * @param dst where to write; must hold {@link Advertisement#length()} bytes from {@code offset}
     * @param offset where to start
     * @param source the IP source address (for the v3 pseudo-header; ignored by v2)
     * @param destination the IP destination address (for the v3 pseudo-header; ignored by v2)
     * @return the number of bytes written
     */
    public static int encode(Advertisement ad, MemorySegment dst, long offset,
                             byte[] source, byte[] destination) {
        int length = ad.length();
        int addrLen = ad.addressLength();
        VrrpAdvert advert = new VrrpAdvert().wrap(dst, offset);
        advert.versionType(ad.version().number(), VrrpAdvert.TYPE_ADVERTISEMENT)
                .vrid(ad.vrid())
                .priority(ad.priority())
                .addressCount(ad.addresses().size());
        if (ad.version() == VrrpVersion.V2) {
            advert.authType(ad.authPass() == null ? VrrpAdvert.AUTH_NONE : VrrpAdvert.AUTH_PASS)
                    .adverIntSeconds(ad.intervalCentis() / 100);
        } else {
            advert.maxAdverIntCentis(ad.intervalCentis());
        }
        advert.checksum(0);
        for (int i = 0; i < ad.addresses().size(); i++) {
            MemorySegment.copy(ad.addresses().get(i).getAddress(), 0, dst, ValueLayout.JAVA_BYTE,
                    offset + VrrpAdvert.addressOffset(i, addrLen), addrLen);
        }
        if (ad.version() == VrrpVersion.V2) {
            long authAt = offset + VrrpAdvert.authDataOffset(ad.addresses().size());
            byte[] pass = ad.authPass() == null ? new byte[VrrpAdvert.AUTH_DATA_LENGTH] : ad.authPass();
            MemorySegment.copy(pass, 0, dst, ValueLayout.JAVA_BYTE, authAt, VrrpAdvert.AUTH_DATA_LENGTH);
        }
        long sum = ad.version() == VrrpVersion.V3 ? pseudoHeaderSum(source, destination, length) : 0;
        advert.checksum(Checksums.finish(Checksums.add(dst, offset, length, sum)));
        return length;
    }

    /**
     * Writes a whole IPv4 packet carrying an advert, as keepalived sends it.
     *
     * @param ad an IPv4 advert
     * @param dst where to write; must hold 20 + {@link Advertisement#length()} bytes
     * @param offset where to start
     * @param source the source address (the sender's primary address)
     * @param destination 224.0.0.18 or a unicast peer
     * @param identification the IP identification field
     * @return the number of bytes written
     */
    public static int encodeIpv4Packet(Advertisement ad, MemorySegment dst, long offset,
                                       Inet4Address source, Inet4Address destination,
                                       int identification) {
        byte[] src = source.getAddress();
        byte[] dstAddr = destination.getAddress();
        int total = IPV4_HEADER_LENGTH + ad.length();
        dst.set(ValueLayout.JAVA_BYTE, offset, (byte) 0x45);
        dst.set(ValueLayout.JAVA_BYTE, offset + 1, (byte) TOS);
        dst.set(U16, offset + 2, (short) total);
        dst.set(U16, offset + 4, (short) identification);
        dst.set(U16, offset + 6, (short) 0);
        dst.set(ValueLayout.JAVA_BYTE, offset + 8, (byte) TTL);
        dst.set(ValueLayout.JAVA_BYTE, offset + 9, (byte) VrrpAdvert.IP_PROTOCOL);
        dst.set(U16, offset + 10, (short) 0);
        MemorySegment.copy(src, 0, dst, ValueLayout.JAVA_BYTE, offset + 12, 4);
        MemorySegment.copy(dstAddr, 0, dst, ValueLayout.JAVA_BYTE, offset + 16, 4);
        dst.set(U16, offset + 10,
                (short) Checksums.finish(Checksums.add(dst, offset, IPV4_HEADER_LENGTH, 0)));
        encode(ad, dst, offset + IPV4_HEADER_LENGTH, src, dstAddr);
        return total;
    }

    /**
     * Returns the unfolded sum of the pseudo-header of RFC 768 (IPv4) or RFC 8200 (IPv6) for a
     * VRRP message.
     *
     * @param source 4 or 16 bytes
     * @param destination as many bytes as {@code source}
     * @param length the VRRP message length
     * @return the running sum to start the checksum with
     */
    public static long pseudoHeaderSum(byte[] source, byte[] destination, int length) {
        return Checksums.add(destination, Checksums.add(source, 0)) + VrrpAdvert.IP_PROTOCOL + length;
    }

    /**
     * Returns the multicast group adverts of a family go to.
     *
     * @param address any address of the family
     * @return 224.0.0.18 or ff02::12 as bytes
     */
    public static byte[] multicastGroup(InetAddress address) {
        return (address instanceof Inet4Address ? MULTICAST_V4 : MULTICAST_V6).clone();
    }
}

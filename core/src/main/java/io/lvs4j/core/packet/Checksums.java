package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * The Internet checksum (RFC 1071): IPv4 headers, TCP and UDP over IPv4 and IPv6 with their
 * pseudo-headers (RFC 793, RFC 768, RFC 8200 section 8.1), and the incremental update of
 * RFC 1624 for address and port rewrites.
 *
 * <p>Sums are kept in an {@code int} of 16-bit words added without folding; callers add
 * partial sums and call {@link #finish(long)} once. Stateless and allocation-free.
 */
public final class Checksums {

    private Checksums() {
    }

    /**
     * Adds the 16-bit big-endian words of a range to a running sum; an odd last byte is
     * padded with zero as RFC 1071 says.
     *
     * @param segment the memory
     * @param offset the first byte
     * @param length the number of bytes
     * @param sum the running sum
     * @return the new running sum (not folded)
     */
    public static long add(MemorySegment segment, long offset, long length, long sum) {
        long i = 0;
        // 32-bit halves rather than 16-bit words (RFC 1071 2(B)): congruent modulo 0xFFFF, as
        // 2^16 is 1 there, and a 64-bit sum of 2^32 halves cannot overflow for any IP packet.
        for (; i + 8 <= length; i += 8) {
            long word = segment.get(NetworkOrder.U64, offset + i);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= length; i += 2) {
            sum += u16(segment, offset + i);
        }
        if (i < length) {
            sum += u8(segment, offset + i) << 8;
        }
        return sum;
    }

    /**
     * Adds the 16-bit big-endian words of an array (an address of a pseudo-header) to a
     * running sum; an odd last byte is padded with zero.
     *
     * @param bytes the bytes
     * @param sum the running sum
     * @return the new running sum (not folded)
     */
    public static long add(byte[] bytes, long sum) {
        int i = 0;
        for (; i + 1 < bytes.length; i += 2) {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }
        if (i < bytes.length) {
            sum += (bytes[i] & 0xFF) << 8;
        }
        return sum;
    }

    /**
     * Folds a running sum to 16 bits and complements it.
     *
     * @param sum the running sum
     * @return the checksum to write, 0 to 0xFFFF
     */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /**
     * Computes the checksum of an IPv4 header, its checksum field taken as zero.
     *
     * @param segment the memory
     * @param headerOffset where the IPv4 header starts
     * @param headerLength the header length in bytes (IHL times 4)
     * @return the checksum to store at {@link Ipv4Header#CHECKSUM_OFFSET}
     */
    public static int ipv4Header(MemorySegment segment, long headerOffset, int headerLength) {
        long sum = add(segment, headerOffset, headerLength, 0);
        sum -= u16(segment, headerOffset + Ipv4Header.CHECKSUM_OFFSET);
        return finish(sum);
    }

    /**
     * Tells whether an IPv4 header's checksum verifies (the sum over the header, checksum
     * included, is 0xFFFF).
     *
     * @param segment the memory
     * @param headerOffset where the header starts
     * @param headerLength the header length in bytes
     * @return true if the header is intact
     */
    public static boolean ipv4HeaderValid(MemorySegment segment, long headerOffset, int headerLength) {
        return finish(add(segment, headerOffset, headerLength, 0)) == 0;
    }

    /**
     * Computes a TCP or UDP checksum over IPv4: the pseudo-header (source, destination,
     * protocol, length) plus the whole segment, its checksum field taken as zero. For UDP a
     * result of 0 must be sent as 0xFFFF; {@link UdpHeader#updateChecksumIpv4} does that.
     *
     * @param segment the memory
     * @param ipOffset where the IPv4 header starts
     * @param l4Offset where the TCP or UDP header starts
     * @param l4Length the segment's length, header and data
     * @param checksumOffset the offset of the checksum field within the L4 header
     * @return the checksum
     */
    public static int transportIpv4(MemorySegment segment, long ipOffset, long l4Offset,
            int l4Length, int checksumOffset) {
        long sum = add(segment, ipOffset + Ipv4Header.SOURCE_OFFSET, 8, 0);
        sum += u8(segment, ipOffset + Ipv4Header.PROTOCOL_OFFSET);
        sum += l4Length;
        sum = add(segment, l4Offset, l4Length, sum);
        sum -= u16(segment, l4Offset + checksumOffset);
        return finish(sum);
    }

    /**
     * Computes a TCP or UDP checksum over IPv6 with the pseudo-header of RFC 8200 (source,
     * destination, upper-layer length, next header); its checksum field taken as zero.
     *
     * @param segment the memory
     * @param ipOffset where the IPv6 header starts
     * @param l4Offset where the TCP or UDP header starts
     * @param l4Length the upper-layer length, header and data
     * @param nextHeader the upper-layer protocol (6 or 17, or 58 for ICMPv6)
     * @param checksumOffset the offset of the checksum field within the L4 header
     * @return the checksum
     */
    public static int transportIpv6(MemorySegment segment, long ipOffset, long l4Offset,
            int l4Length, int nextHeader, int checksumOffset) {
        long sum = add(segment, ipOffset + Ipv6Header.SOURCE_OFFSET, 32, 0);
        sum += nextHeader;
        sum += (l4Length >>> 16) + (l4Length & 0xFFFF);
        sum = add(segment, l4Offset, l4Length, sum);
        sum -= u16(segment, l4Offset + checksumOffset);
        return finish(sum);
    }

    /**
     * Updates a checksum after one 16-bit word changed, RFC 1624 equation 3:
     * {@code HC' = ~(~HC + ~m + m')}.
     *
     * @param checksum the old checksum
     * @param oldWord the old value of the word
     * @param newWord the new value of the word
     * @return the new checksum
     */
    public static int update16(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return finish(sum);
    }

    /**
     * Updates a checksum after a 32-bit value (an IPv4 address) changed, RFC 1624.
     *
     * @param checksum the old checksum
     * @param oldValue the old value
     * @param newValue the new value
     * @return the new checksum
     */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF)
                + (~oldValue >>> 16 & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16 & 0xFFFF) + (newValue & 0xFFFF);
        return finish(sum);
    }

    /**
     * Updates a checksum after a 128-bit value (an IPv6 address) changed, RFC 1624. The old
     * value is read before the caller overwrites it.
     *
     * @param checksum the old checksum
     * @param oldSegment memory of the old address
     * @param oldOffset offset of the old address
     * @param newSegment memory of the new address
     * @param newOffset offset of the new address
     * @return the new checksum
     */
    public static int update128(int checksum, MemorySegment oldSegment, long oldOffset,
            MemorySegment newSegment, long newOffset) {
        long sum = ~checksum & 0xFFFF;
        for (int i = 0; i < 16; i += 2) {
            sum += (~u16(oldSegment, oldOffset + i) & 0xFFFF) + u16(newSegment, newOffset + i);
        }
        return finish(sum);
    }
}

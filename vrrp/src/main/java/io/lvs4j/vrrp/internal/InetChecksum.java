package io.lvs4j.vrrp.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Internet checksum of RFC 1071: the one's complement of the one's complement sum of
 * 16-bit big-endian words. Stateless.
 */
public final class InetChecksum {

    private InetChecksum() {
    }

    /**
     * Adds bytes to a running 32-bit sum (not yet folded), padding an odd tail with zero.
     *
     * @param sum the running sum
     * @param segment the bytes
     * @param offset where they start
     * @param length how many
     * @return the new running sum
     */
    public static long add(long sum, MemorySegment segment, long offset, int length) {
        int i = 0;
        for (; i + 1 < length; i += 2) {
            sum += ((segment.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff) << 8)
                    | (segment.get(ValueLayout.JAVA_BYTE, offset + i + 1) & 0xff);
        }
        if (i < length) {
            sum += (segment.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff) << 8;
        }
        return sum;
    }

    /**
     * Adds bytes of an array to a running sum.
     *
     * @param sum the running sum
     * @param bytes the bytes (even length)
     * @return the new running sum
     */
    public static long add(long sum, byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i += 2) {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
        }
        return sum;
    }

    /**
     * Folds a running sum and complements it.
     *
     * @param sum the running sum
     * @return the 16-bit checksum
     */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}

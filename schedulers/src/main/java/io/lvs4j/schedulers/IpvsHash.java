package io.lvs4j.schedulers;

import io.lvs4j.core.sched.FlowKey;

/**
 * The hash functions of the IPVS schedulers, bit for bit: the kernel's {@code hash_32}, the
 * IPv6 address fold, and {@code hsiphash} as a 64-bit kernel computes it (SipHash-1-3 over a
 * 4-byte message, truncated to 32 bits). Stateless.
 */
final class IpvsHash {

    /** The kernel's {@code GOLDEN_RATIO_32}. */
    private static final int GOLDEN_RATIO_32 = 0x61C88647;

    private IpvsHash() {
    }

    /**
     * The kernel's {@code hash_32(value, bits)}.
     *
     * @param value the value
     * @param bits how many bits to keep, 1 to 32
     * @return the hash, below {@code 1 << bits}
     */
    static int hash32(int value, int bits) {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /**
     * Folds an address as IPVS does: the IPv4 address, or the XOR of the four 32-bit words of
     * an IPv6 address, in host order.
     */
    static int fold(boolean ipv6, long hi, long lo) {
        if (!ipv6) {
            return (int) lo;
        }
        return (int) (hi >>> 32) ^ (int) hi ^ (int) (lo >>> 32) ^ (int) lo;
    }

    /** The folded source address of a flow. */
    static int sourceFold(FlowKey flow) {
        return fold(flow.isIpv6(), flow.sourceHi(), flow.sourceLo());
    }

    /** The folded destination address of a flow. */
    static int destinationFold(FlowKey flow) {
        return fold(flow.isIpv6(), flow.destinationHi(), flow.destinationLo());
    }

    /**
     * The source port IPVS's {@code sh-port}/{@code mh-port} hash with: the client's port for
     * TCP, UDP and SCTP, 0 for any other protocol.
     */
    static int hashPort(FlowKey flow) {
        int p = flow.protocol();
        return p == 6 || p == 17 || p == 132 ? flow.sourcePort() : 0;
    }

    /**
     * The kernel's {@code hsiphash(&v, 4, key)} on a 64-bit machine, where HalfSipHash-1-3 is
     * SipHash-1-3 with 64-bit state and the result truncated to 32 bits.
     *
     * @param v the 32-bit message, read little-endian from memory as the kernel does
     * @param k0 the first key word
     * @param k1 the second key word
     * @return the 32-bit hash
     */
    static int hsiphash(int v, long k0, long k1) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        long b = (4L << 56) | (v & 0xFFFF_FFFFL);
        v3 ^= b;
        // one compression round
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < 3; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (int) (v0 ^ v1 ^ v2 ^ v3);
    }

    /** Greatest common divisor of two positive ints. */
    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}

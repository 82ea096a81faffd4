package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.core.packet.Checksums;

import java.lang.foreign.MemorySegment;

/** GUE payloads as directors send them, for the tests. */
final class GuePackets {

    private GuePackets() {
    }

    /**
     * The GUE version-0 header of IPVS (4 bytes, no options) before an inner packet.
     *
     * @param protocol 4 or 41 (or anything else, to be refused)
     * @param inner the inner packet
     * @return the UDP payload
     */
    static byte[] version0(int protocol, byte[] inner) {
        byte[] b = new byte[4 + inner.length];
        b[1] = (byte) protocol;
        System.arraycopy(inner, 0, b, 4, inner.length);
        return b;
    }

    /**
     * GUE with IPVS's remote checksum offload ({@code --tun-flags remcsum}) around an IPv4 UDP
     * packet without options: the inner UDP checksum field (at 26) holds only the pseudo-header
     * sum, as a director leaves it, and the 8 extension bytes announce where the checksummed
     * range starts and where the field is (20 and 26 for a true director).
     *
     * @param inner a complete IPv4 UDP packet, header of 20 bytes
     * @param start the announced start
     * @param field the announced field offset
     * @return the UDP payload
     */
    static byte[] remoteChecksum(byte[] inner, int start, int field) {
        byte[] partial = inner.clone();
        MemorySegment p = MemorySegment.ofArray(partial);
        long pseudo = Checksums.add(p, 12, 8, 0) + 17 + (inner.length - 20);
        int folded = ~Checksums.finish(pseudo) & 0xFFFF;
        partial[26] = (byte) (folded >>> 8);
        partial[27] = (byte) folded;
        byte[] b = new byte[12 + partial.length];
        b[0] = 2; // version 0, C 0, Hlen 2
        b[1] = 4;
        b[3] = 1; // flag PRIV
        b[4] = (byte) 0x80; // private flag REMCSUM
        b[8] = (byte) (start >>> 8);
        b[9] = (byte) start;
        b[10] = (byte) (field >>> 8);
        b[11] = (byte) field;
        System.arraycopy(partial, 0, b, 12, partial.length);
        return b;
    }

    /**
     * A TCP segment as the kernel's GRO hands a merged one to a raw socket: its checksum field
     * holds only the pseudo-header sum.
     *
     * @param segment a complete IP packet carrying TCP right after its header
     * @param ipHeaderLength the IP header's length
     * @param addressesOffset where the source and destination addresses start
     * @param addressesLength their length (8 or 32)
     * @return the segment with its checksum partial
     */
    static byte[] merged(byte[] segment, int ipHeaderLength, int addressesOffset, int addressesLength) {
        byte[] b = segment.clone();
        MemorySegment m = MemorySegment.ofArray(b);
        int tcpLength = b.length - ipHeaderLength;
        long pseudo = Checksums.add(m, addressesOffset, addressesLength, 0) + 6 + tcpLength;
        int folded = ~Checksums.finish(pseudo) & 0xFFFF;
        b[ipHeaderLength + 16] = (byte) (folded >>> 8);
        b[ipHeaderLength + 17] = (byte) folded;
        return b;
    }
}

package io.lvs4j.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * Completes the TCP or UDP checksum of a parsed packet by computing it over the whole segment.
 * A frame from a local sender arrives with a partial checksum ({@code CHECKSUM_PARTIAL}: the
 * field holds the pseudo-header sum only) for the kernel to finish on transmit; once the frame
 * is wrapped in a tunnel no offload finishes it any more, so the forwarder completes it first.
 *
 * <p>Stateless and allocation-free.
 */
public final class TransportChecksums {

    private TransportChecksums() {
    }

    /**
     * Computes and stores the TCP or UDP checksum of a frame the parser accepted, whatever the
     * field held before. Other protocols and non-first fragments are left alone.
     *
     * @param frame a parser that returned {@link DropReason#NONE} for an IPv4 or IPv6 frame
     * @return true if a checksum was written
     */
    public static boolean complete(FrameParser frame) {
        if (!frame.hasPorts() || frame.fragment()) {
            return false;
        }
        MemorySegment s = frame.segment();
        boolean tcp = frame.protocol() == Ipv4Header.PROTOCOL_TCP;
        int field = tcp ? TcpHeader.CHECKSUM_OFFSET : UdpHeader.CHECKSUM_OFFSET;
        int length = frame.l4Length();
        int checksum = frame.ipVersion() == 4
                ? Checksums.transportIpv4(s, frame.l3Offset(), frame.l4Offset(), length, field)
                : Checksums.transportIpv6(s, frame.l3Offset(), frame.l4Offset(), length, frame.protocol(), field);
        NetworkOrder.u16(s, frame.l4Offset() + field, !tcp && checksum == 0 ? 0xFFFF : checksum);
        return true;
    }
}

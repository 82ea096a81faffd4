package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Software GSO for TCP: splits a super-frame's IP packet (IPv4, or IPv6 with TCP directly after
 * the fixed header) into segments of at most one MSS of payload, as the kernel's
 * {@code tcp_gso_segment} does, writing them one at a time into the caller's memory.
 *
 * <p>A packet socket with virtio-net headers receives local senders' TCP super-frames of up to
 * 64 KiB ({@code gso_type} TCPV4/TCPV6, {@code gso_size} = MSS) with a partial checksum. When
 * such a frame is forwarded as it is, the kernel segments it on transmit; once it is wrapped in a
 * tunnel it cannot be (a virtio-net header has no IP-in-IP GSO type), so the forwarder segments it
 * here first. Each segment gets: the headers of the super-frame (IP and TCP options copied), its
 * IP total length (IPv4, identification incremented per segment, header checksum recomputed) or
 * payload length (IPv6), sequence number advanced by the payload before it, FIN and PSH only on
 * the last segment, CWR only on the first, and a TCP checksum computed over the whole segment
 * (the super-frame's checksum field, partial, is ignored).
 *
 * <pre>{@code
 * int n = segmenter.wrap(frame, ipOffset, ipLength, gsoSize);
 * for (int i = 0; i < n; i++) {
 *     int length = segmenter.write(i, out, at);   // one IP packet at 'at'
 * }
 * }</pre>
 *
 * Not thread-safe: one instance per event loop, valid until the next {@link #wrap}. Never
 * allocates; failure is a return value.
 */
public final class TcpSegmenter {

    /** TCP flag CWR (RFC 3168). */
    public static final int CWR = 0x80;

    private MemorySegment segment;
    private long ip;
    private int version;
    private int headersLength;
    private int tcpOffset;
    private int payloadLength;
    private int mss;
    private int count;
    private int firstSequence;
    private int firstIdentification;
    private int flags;

    /** Creates a segmenter, wrapped on nothing. */
    public TcpSegmenter() {
    }

    /**
     * Points the segmenter at a super-frame's IP packet and counts its segments.
     *
     * @param memory the memory holding the packet
     * @param ipOffset where the IP header starts
     * @param available bytes from {@code ipOffset} to the end of the frame
     * @param segmentSize the MSS: payload bytes per segment (the virtio-net {@code gso_size})
     * @return the number of segments, or 0 if the packet is not a well-formed, unfragmented TCP
     *         packet over IPv4 or over IPv6 without extension headers, or the size is not positive
     */
    public int wrap(MemorySegment memory, long ipOffset, long available, int segmentSize) {
        this.count = 0;
        this.segment = memory;
        this.ip = ipOffset;
        if (segmentSize <= 0 || ipOffset < 0 || available < Ipv4Header.MIN_HEADER_LENGTH
                || ipOffset + available > memory.byteSize()) {
            return 0;
        }
        version = u8(memory, ipOffset) >>> 4;
        int ipHeaderLength;
        int totalLength;
        if (version == 4) {
            ipHeaderLength = (u8(memory, ipOffset) & 0x0F) << 2;
            totalLength = u16(memory, ipOffset + Ipv4Header.TOTAL_LENGTH_OFFSET);
            int fragment = u16(memory, ipOffset + Ipv4Header.FLAGS_FRAGMENT_OFFSET) & (Ipv4Header.FLAG_MF | 0x1FFF);
            if (u8(memory, ipOffset + Ipv4Header.PROTOCOL_OFFSET) != Ipv4Header.PROTOCOL_TCP || fragment != 0
                    || ipHeaderLength < Ipv4Header.MIN_HEADER_LENGTH) {
                return 0;
            }
            firstIdentification = u16(memory, ipOffset + Ipv4Header.IDENTIFICATION_OFFSET);
        } else if (version == 6 && available >= Ipv6Header.HEADER_LENGTH) {
            ipHeaderLength = Ipv6Header.HEADER_LENGTH;
            totalLength = Ipv6Header.HEADER_LENGTH + u16(memory, ipOffset + Ipv6Header.PAYLOAD_LENGTH_OFFSET);
            if (u8(memory, ipOffset + Ipv6Header.NEXT_HEADER_OFFSET) != Ipv4Header.PROTOCOL_TCP) {
                return 0;
            }
        } else {
            return 0;
        }
        if (totalLength > available || ipHeaderLength + TcpHeader.MIN_HEADER_LENGTH > totalLength) {
            return 0;
        }
        long tcp = ipOffset + ipHeaderLength;
        int tcpHeaderLength = (u8(memory, tcp + TcpHeader.DATA_OFFSET_OFFSET) >>> 4) << 2;
        if (tcpHeaderLength < TcpHeader.MIN_HEADER_LENGTH || ipHeaderLength + tcpHeaderLength > totalLength) {
            return 0;
        }
        tcpOffset = ipHeaderLength;
        headersLength = ipHeaderLength + tcpHeaderLength;
        payloadLength = totalLength - headersLength;
        mss = segmentSize;
        firstSequence = u32(memory, tcp + TcpHeader.SEQUENCE_OFFSET);
        flags = u8(memory, tcp + TcpHeader.FLAGS_OFFSET);
        count = payloadLength == 0 ? 1 : (payloadLength + mss - 1) / mss;
        return count;
    }

    /** @return the number of segments of the wrapped packet, 0 if none */
    public int segments() {
        return count;
    }

    /** @return the IP and TCP headers' length of every segment */
    public int headersLength() {
        return headersLength;
    }

    /**
     * The IP length of one segment.
     *
     * @param index from 0 to {@link #segments()} - 1
     * @return headers plus that segment's payload
     */
    public int segmentLength(int index) {
        return headersLength + Math.min(mss, payloadLength - index * mss);
    }

    /** @return the largest IP length of a segment (the first's) */
    public int maxSegmentLength() {
        return count == 0 ? 0 : segmentLength(0);
    }

    /**
     * Writes one segment as a complete IP packet.
     *
     * @param index from 0 to {@link #segments()} - 1
     * @param out the memory to write to (not overlapping the super-frame)
     * @param outOffset where the segment's IP header goes
     * @return the segment's IP length, or 0 if the index is out of range or {@code out} too short
     */
    public int write(int index, MemorySegment out, long outOffset) {
        if (index < 0 || index >= count) {
            return 0;
        }
        int data = Math.min(mss, payloadLength - index * mss);
        int length = headersLength + data;
        if (outOffset < 0 || outOffset + length > out.byteSize()) {
            return 0;
        }
        MemorySegment.copy(segment, ip, out, outOffset, headersLength);
        MemorySegment.copy(segment, ip + headersLength + (long) index * mss, out, outOffset + headersLength, data);
        long tcp = outOffset + tcpOffset;
        int segmentFlags = flags;
        if (index != count - 1) {
            segmentFlags &= ~(TcpHeader.FIN | TcpHeader.PSH);
        }
        if (index != 0) {
            segmentFlags &= ~CWR;
        }
        u8(out, tcp + TcpHeader.FLAGS_OFFSET, segmentFlags);
        u32(out, tcp + TcpHeader.SEQUENCE_OFFSET, firstSequence + index * mss);
        int tcpLength = length - tcpOffset;
        if (version == 4) {
            u16(out, outOffset + Ipv4Header.TOTAL_LENGTH_OFFSET, length);
            u16(out, outOffset + Ipv4Header.IDENTIFICATION_OFFSET, firstIdentification + index);
            u16(out, outOffset + Ipv4Header.CHECKSUM_OFFSET, Checksums.ipv4Header(out, outOffset, tcpOffset));
            u16(out, tcp + TcpHeader.CHECKSUM_OFFSET,
                    Checksums.transportIpv4(out, outOffset, tcp, tcpLength, TcpHeader.CHECKSUM_OFFSET));
        } else {
            u16(out, outOffset + Ipv6Header.PAYLOAD_LENGTH_OFFSET, length - Ipv6Header.HEADER_LENGTH);
            u16(out, tcp + TcpHeader.CHECKSUM_OFFSET, Checksums.transportIpv6(out, outOffset, tcp, tcpLength,
                    Ipv4Header.PROTOCOL_TCP, TcpHeader.CHECKSUM_OFFSET));
        }
        return length;
    }
}

package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over a TCP header (RFC 9293), in network byte order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Not thread-safe; no method allocates.
 */
public final class TcpHeader {

    /** Offset of the source port. */
    public static final int SOURCE_PORT_OFFSET = 0;
    /** Offset of the destination port. */
    public static final int DESTINATION_PORT_OFFSET = 2;
    /** Offset of the sequence number. */
    public static final int SEQUENCE_OFFSET = 4;
    /** Offset of the acknowledgment number. */
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    /** Offset of the data offset byte. */
    public static final int DATA_OFFSET_OFFSET = 12;
    /** Offset of the flags byte. */
    public static final int FLAGS_OFFSET = 13;
    /** Offset of the window. */
    public static final int WINDOW_OFFSET = 14;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 16;
    /** Offset of the urgent pointer. */
    public static final int URGENT_OFFSET = 18;
    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** FIN flag. */
    public static final int FIN = 0x01;
    /** SYN flag. */
    public static final int SYN = 0x02;
    /** RST flag. */
    public static final int RST = 0x04;
    /** PSH flag. */
    public static final int PSH = 0x08;
    /** ACK flag. */
    public static final int ACK = 0x10;
    /** URG flag. */
    public static final int URG = 0x20;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public TcpHeader() {
    }

    /**
     * Points this flyweight at a header.
     *
     * @param segment the frame's memory
     * @param offset where the TCP header starts
     * @return this
     */
    public TcpHeader wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /** @return where the header starts */
    public long offset() {
        return offset;
    }

    /**
     * Checks that the header and its options fit in the segment.
     *
     * @param segmentLength bytes of the TCP segment, header and data
     * @return {@link DropReason#NONE} or why the header is unusable
     */
    public DropReason validate(long segmentLength) {
        if (segmentLength < MIN_HEADER_LENGTH) {
            return DropReason.TCP_TRUNCATED;
        }
        int length = headerLength();
        if (length < MIN_HEADER_LENGTH || length > segmentLength) {
            return DropReason.TCP_BAD_DATA_OFFSET;
        }
        return DropReason.NONE;
    }

    /** @return the source port */
    public int sourcePort() {
        return u16(segment, offset + SOURCE_PORT_OFFSET);
    }

    /**
     * Sets the source port, leaving the checksum as it is.
     *
     * @param port the port
     * @return this
     */
    public TcpHeader sourcePort(int port) {
        u16(segment, offset + SOURCE_PORT_OFFSET, port);
        return this;
    }

    /** @return the destination port */
    public int destinationPort() {
        return u16(segment, offset + DESTINATION_PORT_OFFSET);
    }

    /**
     * Sets the destination port, leaving the checksum as it is.
     *
     * @param port the port
     * @return this
     */
    public TcpHeader destinationPort(int port) {
        u16(segment, offset + DESTINATION_PORT_OFFSET, port);
        return this;
    }

    /** @return the sequence number */
    public int sequence() {
        return u32(segment, offset + SEQUENCE_OFFSET);
    }

    /**
     * Sets the sequence number.
     *
     * @param seq the number
     * @return this
     */
    public TcpHeader sequence(int seq) {
        u32(segment, offset + SEQUENCE_OFFSET, seq);
        return this;
    }

    /** @return the acknowledgment number */
    public int acknowledgment() {
        return u32(segment, offset + ACKNOWLEDGMENT_OFFSET);
    }

    /**
     * Sets the acknowledgment number.
     *
     * @param ack the number
     * @return this
     */
    public TcpHeader acknowledgment(int ack) {
        u32(segment, offset + ACKNOWLEDGMENT_OFFSET, ack);
        return this;
    }

    /** @return the header length in bytes (data offset times 4), options included */
    public int headerLength() {
        return (u8(segment, offset + DATA_OFFSET_OFFSET) >>> 4) << 2;
    }

    /** @return the length of the options in bytes */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /**
     * Sets the header length.
     *
     * @param bytes a multiple of 4 from 20 to 60
     * @return this
     */
    public TcpHeader headerLength(int bytes) {
        u8(segment, offset + DATA_OFFSET_OFFSET, (bytes >>> 2) << 4);
        return this;
    }

    /** @return the flags byte (CWR to FIN) */
    public int flags() {
        return u8(segment, offset + FLAGS_OFFSET);
    }

    /**
     * Sets the flags byte.
     *
     * @param flags a combination of {@link #SYN}, {@link #ACK}, ...
     * @return this
     */
    public TcpHeader flags(int flags) {
        u8(segment, offset + FLAGS_OFFSET, flags);
        return this;
    }

    /** @return the window */
    public int window() {
        return u16(segment, offset + WINDOW_OFFSET);
    }

    /**
     * Sets the window.
     *
     * @param window the window
     * @return this
     */
    public TcpHeader window(int window) {
        u16(segment, offset + WINDOW_OFFSET, window);
        return this;
    }

    /** @return the checksum */
    public int checksum() {
        return u16(segment, offset + CHECKSUM_OFFSET);
    }

    /**
     * Sets the checksum.
     *
     * @param checksum the checksum
     * @return this
     */
    public TcpHeader checksum(int checksum) {
        u16(segment, offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** @return the urgent pointer */
    public int urgentPointer() {
        return u16(segment, offset + URGENT_OFFSET);
    }

    /**
     * Sets the urgent pointer.
     *
     * @param pointer the pointer
     * @return this
     */
    public TcpHeader urgentPointer(int pointer) {
        u16(segment, offset + URGENT_OFFSET, pointer);
        return this;
    }

    /**
     * Rewrites the destination port and updates the checksum incrementally.
     *
     * @param port the new port
     * @return this
     */
    public TcpHeader rewriteDestinationPort(int port) {
        int old = destinationPort();
        destinationPort(port);
        return checksum(Checksums.update16(checksum(), old, port));
    }

    /**
     * Rewrites the source port and updates the checksum incrementally.
     *
     * @param port the new port
     * @return this
     */
    public TcpHeader rewriteSourcePort(int port) {
        int old = sourcePort();
        sourcePort(port);
        return checksum(Checksums.update16(checksum(), old, port));
    }

    /**
     * Updates the checksum for a rewritten IPv4 address of the pseudo-header.
     *
     * @param oldAddress the address before
     * @param newAddress the address after
     * @return this
     */
    public TcpHeader pseudoHeaderAddressChanged(int oldAddress, int newAddress) {
        return checksum(Checksums.update32(checksum(), oldAddress, newAddress));
    }

    /**
     * Computes and stores the checksum over IPv4.
     *
     * @param ipOffset where the IPv4 header starts
     * @param segmentLength the TCP segment's length
     * @return this
     */
    public TcpHeader updateChecksumIpv4(long ipOffset, int segmentLength) {
        return checksum(Checksums.transportIpv4(segment, ipOffset, offset, segmentLength,
                CHECKSUM_OFFSET));
    }

    /**
     * Computes and stores the checksum over IPv6.
     *
     * @param ipOffset where the IPv6 header starts
     * @param segmentLength the TCP segment's length
     * @return this
     */
    public TcpHeader updateChecksumIpv6(long ipOffset, int segmentLength) {
        return checksum(Checksums.transportIpv6(segment, ipOffset, offset, segmentLength,
                Ipv4Header.PROTOCOL_TCP, CHECKSUM_OFFSET));
    }
}

package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over a UDP header (RFC 768), in network byte order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * A checksum of 0 over IPv4 means none was computed; it stays 0 through incremental updates,
 * and a computed 0 is sent as 0xFFFF. Not thread-safe; no method allocates.
 */
public final class UdpHeader {

    /** Offset of the source port. */
    public static final int SOURCE_PORT_OFFSET = 0;
    /** Offset of the destination port. */
    public static final int DESTINATION_PORT_OFFSET = 2;
    /** Offset of the length. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 6;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public UdpHeader() {
    }

    /**
     * Points this flyweight at a header.
     *
     * @param segment the frame's memory
     * @param offset where the UDP header starts
     * @return this
     */
    public UdpHeader wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /** @return where the header starts */
    public long offset() {
        return offset;
    }

    /**
     * Checks that the header fits and its length field agrees with the datagram.
     *
     * @param datagramLength bytes of the datagram as the IP header gives them
     * @return {@link DropReason#NONE} or why the header is unusable
     */
    public DropReason validate(long datagramLength) {
        if (datagramLength < HEADER_LENGTH) {
            return DropReason.UDP_TRUNCATED;
        }
        int length = length();
        if (length < HEADER_LENGTH || length > datagramLength) {
            return DropReason.UDP_BAD_LENGTH;
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
    public UdpHeader sourcePort(int port) {
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
    public UdpHeader destinationPort(int port) {
        u16(segment, offset + DESTINATION_PORT_OFFSET, port);
        return this;
    }

    /** @return the length, header and data */
    public int length() {
        return u16(segment, offset + LENGTH_OFFSET);
    }

    /**
     * Sets the length.
     *
     * @param length header and data bytes
     * @return this
     */
    public UdpHeader length(int length) {
        u16(segment, offset + LENGTH_OFFSET, length);
        return this;
    }

    /** @return the checksum, 0 if none (IPv4 only) */
    public int checksum() {
        return u16(segment, offset + CHECKSUM_OFFSET);
    }

    /**
     * Sets the checksum.
     *
     * @param checksum the checksum
     * @return this
     */
    public UdpHeader checksum(int checksum) {
        u16(segment, offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    private UdpHeader updated(int newChecksum) {
        return checksum(newChecksum == 0 ? 0xFFFF : newChecksum);
    }

    /**
     * Rewrites the destination port and updates a present checksum incrementally.
     *
     * @param port the new port
     * @return this
     */
    public UdpHeader rewriteDestinationPort(int port) {
        int old = destinationPort();
        destinationPort(port);
        return checksum() == 0 ? this : updated(Checksums.update16(checksum(), old, port));
    }

    /**
     * Rewrites the source port and updates a present checksum incrementally.
     *
     * @param port the new port
     * @return this
     */
    public UdpHeader rewriteSourcePort(int port) {
        int old = sourcePort();
        sourcePort(port);
        return checksum() == 0 ? this : updated(Checksums.update16(checksum(), old, port));
    }

    /**
     * Updates a present checksum for a rewritten IPv4 address of the pseudo-header.
     *
     * @param oldAddress the address before
     * @param newAddress the address after
     * @return this
     */
    public UdpHeader pseudoHeaderAddressChanged(int oldAddress, int newAddress) {
        return checksum() == 0 ? this
                : updated(Checksums.update32(checksum(), oldAddress, newAddress));
    }

    /**
     * Computes and stores the checksum over IPv4 (0 becomes 0xFFFF).
     *
     * @param ipOffset where the IPv4 header starts
     * @return this
     */
    public UdpHeader updateChecksumIpv4(long ipOffset) {
        return updated(Checksums.transportIpv4(segment, ipOffset, offset, length(),
                CHECKSUM_OFFSET));
    }

    /**
     * Computes and stores the checksum over IPv6 (mandatory there; 0 becomes 0xFFFF).
     *
     * @param ipOffset where the IPv6 header starts
     * @return this
     */
    public UdpHeader updateChecksumIpv6(long ipOffset) {
        return updated(Checksums.transportIpv6(segment, ipOffset, offset, length(),
                Ipv4Header.PROTOCOL_UDP, CHECKSUM_OFFSET));
    }
}

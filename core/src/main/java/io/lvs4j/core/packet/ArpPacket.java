package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u48;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ARP packet for Ethernet and IPv4 (RFC 826), in network byte order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Hardware type (1)         |     Protocol type (0x0800)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HW len (6)   | Proto len (4) |          Operation            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Sender hardware address (6) ...   Sender IPv4 (4)    |
 * |          Target hardware address (6) ...   Target IPv4 (4)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Not thread-safe; no method allocates.
 */
public final class ArpPacket {

    /** Offset of the hardware type. */
    public static final int HARDWARE_TYPE_OFFSET = 0;
    /** Offset of the protocol type. */
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    /** Offset of the hardware address length. */
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    /** Offset of the protocol address length. */
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    /** Offset of the operation. */
    public static final int OPERATION_OFFSET = 6;
    /** Offset of the sender hardware address. */
    public static final int SENDER_MAC_OFFSET = 8;
    /** Offset of the sender protocol address. */
    public static final int SENDER_IP_OFFSET = 14;
    /** Offset of the target hardware address. */
    public static final int TARGET_MAC_OFFSET = 18;
    /** Offset of the target protocol address. */
    public static final int TARGET_IP_OFFSET = 24;
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;
    /** Hardware type of Ethernet. */
    public static final int HARDWARE_ETHERNET = 1;
    /** Operation: request. */
    public static final int OP_REQUEST = 1;
    /** Operation: reply. */
    public static final int OP_REPLY = 2;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public ArpPacket() {
    }

    /**
     * Points this flyweight at a packet.
     *
     * @param segment the frame's memory
     * @param offset where the ARP packet starts
     * @return this
     */
    public ArpPacket wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /**
     * Checks length, hardware and protocol types and address lengths.
     *
     * @param available bytes from the packet's start to the end of the frame
     * @return {@link DropReason#NONE} or why the packet is unusable
     */
    public DropReason validate(long available) {
        if (available < LENGTH) {
            return DropReason.ARP_TRUNCATED;
        }
        if (hardwareType() != HARDWARE_ETHERNET
                || protocolType() != EthernetHeader.TYPE_IPV4
                || u8(segment, offset + HARDWARE_LENGTH_OFFSET) != 6
                || u8(segment, offset + PROTOCOL_LENGTH_OFFSET) != 4) {
            return DropReason.ARP_UNSUPPORTED;
        }
        return DropReason.NONE;
    }

    /** @return the hardware type */
    public int hardwareType() {
        return u16(segment, offset + HARDWARE_TYPE_OFFSET);
    }

    /** @return the protocol type */
    public int protocolType() {
        return u16(segment, offset + PROTOCOL_TYPE_OFFSET);
    }

    /**
     * Writes the fixed fields of an Ethernet/IPv4 ARP packet (types and lengths).
     *
     * @return this
     */
    public ArpPacket ethernetIpv4() {
        u16(segment, offset + HARDWARE_TYPE_OFFSET, HARDWARE_ETHERNET);
        u16(segment, offset + PROTOCOL_TYPE_OFFSET, EthernetHeader.TYPE_IPV4);
        u8(segment, offset + HARDWARE_LENGTH_OFFSET, 6);
        u8(segment, offset + PROTOCOL_LENGTH_OFFSET, 4);
        return this;
    }

    /** @return the operation, {@link #OP_REQUEST} or {@link #OP_REPLY} */
    public int operation() {
        return u16(segment, offset + OPERATION_OFFSET);
    }

    /**
     * Sets the operation.
     *
     * @param op the operation
     * @return this
     */
    public ArpPacket operation(int op) {
        u16(segment, offset + OPERATION_OFFSET, op);
        return this;
    }

    /** @return the sender MAC address in the low 48 bits */
    public long senderMac() {
        return u48(segment, offset + SENDER_MAC_OFFSET);
    }

    /**
     * Sets the sender MAC address.
     *
     * @param mac the address in the low 48 bits
     * @return this
     */
    public ArpPacket senderMac(long mac) {
        u48(segment, offset + SENDER_MAC_OFFSET, mac);
        return this;
    }

    /** @return the sender IPv4 address */
    public int senderIp() {
        return u32(segment, offset + SENDER_IP_OFFSET);
    }

    /**
     * Sets the sender IPv4 address.
     *
     * @param ip the address
     * @return this
     */
    public ArpPacket senderIp(int ip) {
        u32(segment, offset + SENDER_IP_OFFSET, ip);
        return this;
    }

    /** @return the target MAC address in the low 48 bits */
    public long targetMac() {
        return u48(segment, offset + TARGET_MAC_OFFSET);
    }

    /**
     * Sets the target MAC address.
     *
     * @param mac the address in the low 48 bits
     * @return this
     */
    public ArpPacket targetMac(long mac) {
        u48(segment, offset + TARGET_MAC_OFFSET, mac);
        return this;
    }

    /** @return the target IPv4 address */
    public int targetIp() {
        return u32(segment, offset + TARGET_IP_OFFSET);
    }

    /**
     * Sets the target IPv4 address.
     *
     * @param ip the address
     * @return this
     */
    public ArpPacket targetIp(int ip) {
        u32(segment, offset + TARGET_IP_OFFSET, ip);
        return this;
    }
}

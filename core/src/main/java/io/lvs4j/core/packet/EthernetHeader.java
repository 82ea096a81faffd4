package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u48;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an Ethernet II header with at most one IEEE 802.1Q tag, in network byte
 * order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination MAC address                    |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                      Source MAC address                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   EtherType or TPID 0x8100    | PCP |D|   VLAN id (if 8100)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   EtherType (if tagged)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Not thread-safe; one instance per event loop, re-wrapped per frame. No method allocates.
 */
public final class EthernetHeader {

    /** Offset of the destination MAC address. */
    public static final int DESTINATION_OFFSET = 0;
    /** Offset of the source MAC address. */
    public static final int SOURCE_OFFSET = 6;
    /** Offset of the EtherType, or of the 802.1Q TPID in a tagged frame. */
    public static final int ETHER_TYPE_OFFSET = 12;
    /** Offset of the 802.1Q tag control information in a tagged frame. */
    public static final int VLAN_TCI_OFFSET = 14;
    /** Offset of the inner EtherType in a tagged frame. */
    public static final int INNER_ETHER_TYPE_OFFSET = 16;
    /** Length of an untagged header. */
    public static final int HEADER_LENGTH = 14;
    /** Length of a header with one 802.1Q tag. */
    public static final int TAGGED_HEADER_LENGTH = 18;
    /** EtherType of IPv4. */
    public static final int TYPE_IPV4 = 0x0800;
    /** EtherType of ARP. */
    public static final int TYPE_ARP = 0x0806;
    /** EtherType of IPv6. */
    public static final int TYPE_IPV6 = 0x86DD;
    /** TPID of an 802.1Q tag. */
    public static final int TYPE_VLAN = 0x8100;
    /** TPID of an 802.1ad service tag (rejected: one tag only). */
    public static final int TYPE_QINQ = 0x88A8;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public EthernetHeader() {
    }

    /**
     * Points this flyweight at a header.
     *
     * @param segment the frame's memory
     * @param offset where the header starts
     * @return this
     */
    public EthernetHeader wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /** @return the wrapped memory */
    public MemorySegment segment() {
        return segment;
    }

    /** @return where the header starts */
    public long offset() {
        return offset;
    }

    /**
     * Checks that the header, and its tag if any, fit and carry one tag at most.
     *
     * @param available bytes from the header's start to the end of the frame
     * @return {@link DropReason#NONE} or why the header is unusable
     */
    public DropReason validate(long available) {
        if (available < HEADER_LENGTH) {
            return DropReason.ETHERNET_TRUNCATED;
        }
        int type = u16(segment, offset + ETHER_TYPE_OFFSET);
        if (type == TYPE_QINQ) {
            return DropReason.ETHERNET_STACKED_VLAN;
        }
        if (type == TYPE_VLAN) {
            if (available < TAGGED_HEADER_LENGTH) {
                return DropReason.ETHERNET_TRUNCATED;
            }
            int inner = u16(segment, offset + INNER_ETHER_TYPE_OFFSET);
            if (inner == TYPE_VLAN || inner == TYPE_QINQ) {
                return DropReason.ETHERNET_STACKED_VLAN;
            }
        }
        return DropReason.NONE;
    }

    /** @return the destination MAC address in the low 48 bits */
    public long destination() {
        return u48(segment, offset + DESTINATION_OFFSET);
    }

    /**
     * Sets the destination MAC address.
     *
     * @param mac the address in the low 48 bits
     * @return this
     */
    public EthernetHeader destination(long mac) {
        u48(segment, offset + DESTINATION_OFFSET, mac);
        return this;
    }

    /** @return the source MAC address in the low 48 bits */
    public long source() {
        return u48(segment, offset + SOURCE_OFFSET);
    }

    /**
     * Sets the source MAC address.
     *
     * @param mac the address in the low 48 bits
     * @return this
     */
    public EthernetHeader source(long mac) {
        u48(segment, offset + SOURCE_OFFSET, mac);
        return this;
    }

    /** @return true if the frame carries an 802.1Q tag */
    public boolean tagged() {
        return u16(segment, offset + ETHER_TYPE_OFFSET) == TYPE_VLAN;
    }

    /** @return the VLAN id (0 to 4095), or -1 if the frame is untagged */
    public int vlanId() {
        return tagged() ? u16(segment, offset + VLAN_TCI_OFFSET) & 0x0FFF : -1;
    }

    /** @return the EtherType of the payload, after the tag if any */
    public int etherType() {
        return u16(segment, offset + (tagged() ? INNER_ETHER_TYPE_OFFSET : ETHER_TYPE_OFFSET));
    }

    /**
     * Sets the EtherType of the payload (after the tag if the frame is tagged).
     *
     * @param type the EtherType
     * @return this
     */
    public EthernetHeader etherType(int type) {
        u16(segment, offset + (tagged() ? INNER_ETHER_TYPE_OFFSET : ETHER_TYPE_OFFSET), type);
        return this;
    }

    /** @return 14, or 18 with a tag */
    public int headerLength() {
        return tagged() ? TAGGED_HEADER_LENGTH : HEADER_LENGTH;
    }
}

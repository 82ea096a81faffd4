package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u48;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Writes whole Ethernet frames of Neighbor Discovery (RFC 4861) into memory the caller owns:
 * a neighbour solicitation to resolve an address, a solicited neighbour advertisement to
 * answer one for an owned address, and an unsolicited advertisement to all nodes on takeover.
 * Every frame is {@link #FRAME_LENGTH} bytes: Ethernet, IPv6 with hop limit 255, the 24-byte
 * message and one link-layer address option; its ICMPv6 checksum covers the pseudo-header.
 * Addresses are passed as 16 bytes at an offset of a segment and may point into a received
 * frame, but not into the frame being written.
 *
 * <pre>{@code
 * NdpFrames ndp = new NdpFrames();
 * int length = ndp.solicitation(out, 0, myMac, myAddress, 0, serverAddress, 0);
 * socket.send(out, 0, length);
 * }</pre>
 *
 * Not thread-safe (it keeps its flyweights); no method allocates.
 */
public final class NdpFrames {

    /** Length of every frame written: Ethernet 14, IPv6 40, message 24, option 8. */
    public static final int FRAME_LENGTH = EthernetHeader.HEADER_LENGTH + Ipv6Header.HEADER_LENGTH
            + NdpMessage.MIN_LENGTH + NdpMessage.LINK_LAYER_OPTION_LENGTH;
    /** The MAC of the all-nodes multicast group {@code ff02::1}. */
    public static final long ALL_NODES_MAC = 0x3333_0000_0001L;

    private static final int MESSAGE_LENGTH = NdpMessage.MIN_LENGTH + NdpMessage.LINK_LAYER_OPTION_LENGTH;
    private static final long LINK_LOCAL_MULTICAST = 0xFF02_0000_0000_0000L;
    private static final long SOLICITED_NODE_PREFIX = 0x0000_0001_FF00_0000L;

    private final EthernetHeader ethernet = new EthernetHeader();
    private final Ipv6Header ip = new Ipv6Header();

    /** Creates a writer. */
    public NdpFrames() {
    }

    /**
     * Writes a neighbour solicitation for a target, sent to its solicited-node multicast
     * address ({@code ff02::1:ffXX:XXXX} on MAC {@code 33:33:ff:XX:XX:XX}) with a source
     * link-layer address option.
     *
     * @param frame where to write
     * @param offset where the frame starts
     * @param sourceMac the sender's MAC, low 48 bits
     * @param source memory of the sender's IPv6 address
     * @param sourceOffset where it starts
     * @param target memory of the address to resolve
     * @param targetOffset where it starts
     * @return the frame's length, {@link #FRAME_LENGTH}
     */
    public int solicitation(MemorySegment frame, long offset, long sourceMac, MemorySegment source,
            long sourceOffset, MemorySegment target, long targetOffset) {
        header(frame, offset, solicitedNodeMac(target, targetOffset), sourceMac).source(source, sourceOffset);
        long to = ip.destinationOffset();
        frame.set(NetworkOrder.U64, to, LINK_LOCAL_MULTICAST);
        frame.set(NetworkOrder.U64, to + 8,
                SOLICITED_NODE_PREFIX | (target.get(NetworkOrder.U32, targetOffset + 12) & 0xFF_FFFFL));
        return message(frame, offset, Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, target, targetOffset,
                NdpMessage.OPTION_SOURCE_LINK_LAYER, sourceMac);
    }

    /**
     * Writes the advertisement that answers a solicitation for an owned address: from that
     * address to the soliciting node, flags S and O, with a target link-layer address option.
     *
     * @param frame where to write
     * @param offset where the frame starts
     * @param sourceMac the owner's MAC, low 48 bits
     * @param toMac the soliciting node's MAC
     * @param to memory of the soliciting node's IPv6 address (the solicitation's source)
     * @param toOffset where it starts
     * @param target memory of the owned address (the solicitation's target)
     * @param targetOffset where it starts
     * @return the frame's length, {@link #FRAME_LENGTH}
     */
    public int solicitedAdvertisement(MemorySegment frame, long offset, long sourceMac, long toMac,
            MemorySegment to, long toOffset, MemorySegment target, long targetOffset) {
        header(frame, offset, toMac, sourceMac).source(target, targetOffset).destination(to, toOffset);
        return message(frame, offset, Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                NdpMessage.FLAG_SOLICITED | NdpMessage.FLAG_OVERRIDE, target, targetOffset,
                NdpMessage.OPTION_TARGET_LINK_LAYER, sourceMac);
    }

    /**
     * Writes an unsolicited advertisement of an owned address to all nodes ({@code ff02::1}),
     * flag O set so that neighbours replace the MAC they cached, as on a takeover; it also
     * defends the address against another node's duplicate-address probe.
     *
     * @param frame where to write
     * @param offset where the frame starts
     * @param sourceMac the owner's MAC, low 48 bits
     * @param target memory of the owned address
     * @param targetOffset where it starts
     * @return the frame's length, {@link #FRAME_LENGTH}
     */
    public int unsolicitedAdvertisement(MemorySegment frame, long offset, long sourceMac, MemorySegment target,
            long targetOffset) {
        header(frame, offset, ALL_NODES_MAC, sourceMac).source(target, targetOffset);
        long to = ip.destinationOffset();
        frame.set(NetworkOrder.U64, to, LINK_LOCAL_MULTICAST);
        frame.set(NetworkOrder.U64, to + 8, 1);
        return message(frame, offset, Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT, NdpMessage.FLAG_OVERRIDE, target,
                targetOffset, NdpMessage.OPTION_TARGET_LINK_LAYER, sourceMac);
    }

    /**
     * Returns the multicast MAC of an address's solicited-node group: {@code 33:33:ff} and the
     * address's last three bytes (RFC 2464 section 7).
     *
     * @param address memory of the IPv6 address
     * @param offset where it starts
     * @return the MAC in the low 48 bits
     */
    public static long solicitedNodeMac(MemorySegment address, long offset) {
        return 0x3333_FF00_0000L | (address.get(NetworkOrder.U32, offset + 12) & 0xFF_FFFFL);
    }

    private Ipv6Header header(MemorySegment frame, long offset, long toMac, long fromMac) {
        ethernet.wrap(frame, offset).destination(toMac).source(fromMac).etherType(EthernetHeader.TYPE_IPV6);
        return ip.wrap(frame, offset + EthernetHeader.HEADER_LENGTH).versionClassFlow(0, 0)
                .payloadLength(MESSAGE_LENGTH).nextHeader(Ipv6Header.NEXT_ICMPV6).hopLimit(NdpMessage.HOP_LIMIT);
    }

    private int message(MemorySegment frame, long offset, int type, int flags, MemorySegment target,
            long targetOffset, int option, long mac) {
        long icmp = offset + EthernetHeader.HEADER_LENGTH + Ipv6Header.HEADER_LENGTH;
        u8(frame, icmp + NdpMessage.TYPE_OFFSET, type);
        u8(frame, icmp + NdpMessage.CODE_OFFSET, 0);
        u32(frame, icmp + NdpMessage.FLAGS_OFFSET, flags);
        MemorySegment.copy(target, targetOffset, frame, icmp + NdpMessage.TARGET_OFFSET, 16);
        long at = icmp + NdpMessage.OPTIONS_OFFSET;
        u8(frame, at, option);
        u8(frame, at + 1, NdpMessage.LINK_LAYER_OPTION_LENGTH >>> 3);
        u48(frame, at + 2, mac);
        NetworkOrder.u16(frame, icmp + NdpMessage.CHECKSUM_OFFSET, Checksums.transportIpv6(frame, ip.offset(), icmp,
                MESSAGE_LENGTH, Ipv6Header.NEXT_ICMPV6, NdpMessage.CHECKSUM_OFFSET));
        return FRAME_LENGTH;
    }
}

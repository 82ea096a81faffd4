package io.lvs4j.transport.epoll;

import io.lvs4j.core.packet.DropCounters;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.NdpFrames;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.transport.epoll.internal.LoopCounters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * IPv6 Neighbor Discovery (RFC 4861) of one loop of a director, the counterpart of its ARP
 * handling: it answers solicitations for the addresses the director owns (its VIPs) while
 * active, announces them with unsolicited advertisements, solicits its IPv6 real servers from
 * the director's own address and learns their MACs into the shared {@link Neighbours} from
 * advertisements and from solicitations carrying a source link-layer address. Every received
 * message passes {@link NdpMessage#validate} first; one that fails is counted by its
 * {@link DropReason}.
 *
 * <p>Not thread-safe: its loop only; no method allocates.
 */
final class NeighbourDiscovery {

    private static final int ADDRESS = 16;

    private final Neighbours neighbours;
    private final LoopCounters counters;
    private final DropCounters drops;
    private final PacketDirector.FrameSender sender;
    private final NdpMessage message = new NdpMessage();
    private final NdpFrames frames = new NdpFrames();
    private final MemorySegment out;
    private final MemorySegment self;
    private final MemorySegment owned;
    private final int ownedCount;
    private final MemorySegment target;

    /**
     * Creates the handler of one loop.
     *
     * @param neighbours the shared neighbour table
     * @param counters the loop's counters
     * @param drops the loop's drop counters
     * @param sender where its frames go
     * @param arena the loop's memory, freed by the loop
     * @param selfAddress the director's own IPv6 address (16 bytes), the source of its
     *        solicitations; {@code null} when it has none (then it resolves no IPv6 server)
     * @param ownedAddresses the IPv6 addresses it answers for (16 bytes each)
     */
    NeighbourDiscovery(Neighbours neighbours, LoopCounters counters, DropCounters drops,
            PacketDirector.FrameSender sender, Arena arena, byte[] selfAddress, List<byte[]> ownedAddresses) {
        this.neighbours = neighbours;
        this.counters = counters;
        this.drops = drops;
        this.sender = sender;
        this.out = arena.allocate(NdpFrames.FRAME_LENGTH);
        this.target = arena.allocate(ADDRESS);
        this.self = selfAddress == null ? null : arena.allocate(ADDRESS).copyFrom(MemorySegment.ofArray(selfAddress));
        this.ownedCount = ownedAddresses.size();
        this.owned = arena.allocate(Math.max(1, ownedCount) * (long) ADDRESS);
        for (int i = 0; i < ownedCount; i++) {
            MemorySegment.copy(MemorySegment.ofArray(ownedAddresses.get(i)), 0, owned, (long) i * ADDRESS, ADDRESS);
        }
    }

    /**
     * Handles an ICMPv6 message of a frame the parser accepted.
     *
     * @param parser the parser, positioned on the frame
     * @param checksumComplete false if the frame carries a local sender's partial checksum
     * @param linkMac the director's MAC
     * @param active whether the director serves its VIPs now
     * @param now the loop's time
     * @return {@code true} if the message was a neighbour solicitation or advertisement (handled,
     *         answered, or counted as dropped), {@code false} for any other ICMPv6 message
     */
    boolean onIcmpv6(FrameParser parser, boolean checksumComplete, long linkMac, boolean active, long now) {
        MemorySegment frame = parser.segment();
        long icmp = parser.l4Offset();
        if (icmp < 0) {
            return false;
        }
        int type = NetworkOrder.u8(frame, icmp);
        if (type != Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION && type != Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT) {
            return false;
        }
        Ipv6Header ip = parser.ipv6();
        DropReason reason = message.wrap(frame, icmp).validate(ip, parser.l4Length(), checksumComplete);
        if (reason != DropReason.NONE) {
            drops.increment(reason);
            return true;
        }
        long senderMac = parser.ethernet().source();
        if (message.isAdvertisement()) {
            long mac = message.targetLinkLayer() != NdpMessage.NO_ADDRESS ? message.targetLinkLayer() : senderMac;
            if (owned(frame, message.targetOffset()) >= 0) {
                if (mac != linkMac) {
                    counters.increment(DirectorCounter.DROP_NDP_SPOOF.ordinal());
                }
                return true;
            }
            neighbours.learn6(frame, message.targetOffset(), mac, now);
            counters.increment(DirectorCounter.IGNORED.ordinal());
            return true;
        }
        boolean probe = NdpMessage.isUnspecified(frame, ip.sourceOffset());
        if (!probe) {
            if (owned(frame, ip.sourceOffset()) >= 0) {
                if (senderMac != linkMac) {
                    counters.increment(DirectorCounter.DROP_NDP_SPOOF.ordinal());
                }
                return true;
            }
            if (message.sourceLinkLayer() != NdpMessage.NO_ADDRESS) {
                neighbours.learn6(frame, ip.sourceOffset(), message.sourceLinkLayer(), now);
            }
        }
        long destination = parser.ethernet().destination();
        boolean forUs = destination == linkMac || (destination & 0x0100_0000_0000L) != 0;
        if (!active || !forUs || owned(frame, message.targetOffset()) < 0) {
            counters.increment(DirectorCounter.IGNORED.ordinal());
            return true;
        }
        int length;
        if (probe) {
            // Another node probes a VIP (duplicate address detection): defend it to all nodes.
            length = frames.unsolicitedAdvertisement(out, 0, linkMac, frame, message.targetOffset());
        } else {
            long to = message.sourceLinkLayer() != NdpMessage.NO_ADDRESS ? message.sourceLinkLayer() : senderMac;
            length = frames.solicitedAdvertisement(out, 0, linkMac, to, frame, ip.sourceOffset(), frame,
                    message.targetOffset());
        }
        sender.send(out, 0, length);
        counters.increment(DirectorCounter.NEIGHBOUR_ADVERTISEMENTS.ordinal());
        return true;
    }

    /**
     * Sends a solicitation for an IPv6 destination from the director's own address.
     *
     * @param id the destination id, an IPv6 one
     * @param linkMac the director's MAC
     * @return {@code false} if the director has no IPv6 address to solicit from
     */
    boolean solicit(int id, long linkMac) {
        if (self == null) {
            return false;
        }
        neighbours.address6(id, target, 0);
        sender.send(out, 0, frames.solicitation(out, 0, linkMac, self, 0, target, 0));
        counters.increment(DirectorCounter.NEIGHBOUR_SOLICITATIONS.ordinal());
        return true;
    }

    /**
     * Sends one unsolicited advertisement (flag O, to all nodes) for every owned address.
     *
     * @param linkMac the director's MAC
     */
    void announce(long linkMac) {
        for (int i = 0; i < ownedCount; i++) {
            sender.send(out, 0, frames.unsolicitedAdvertisement(out, 0, linkMac, owned, (long) i * ADDRESS));
            counters.increment(DirectorCounter.UNSOLICITED_ADVERTISEMENTS.ordinal());
        }
    }

    /** @return the index of an owned address equal to 16 bytes of a frame, or -1 */
    int owned(MemorySegment frame, long offset) {
        long high = frame.get(NetworkOrder.U64, offset);
        long low = frame.get(NetworkOrder.U64, offset + 8);
        for (int i = 0; i < ownedCount; i++) {
            long at = (long) i * ADDRESS;
            if (owned.get(NetworkOrder.U64, at + 8) == low && owned.get(NetworkOrder.U64, at) == high) {
                return i;
            }
        }
        return -1;
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.NdpFrames;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.AddressOwner;
import io.lvs4j.transport.epoll.internal.FrameSender;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * IPv6 Neighbor Discovery (RFC 4861) of one loop of a director, the counterpart of its ARP
 * handling: solicitations for the addresses the director owns are answered by its
 * {@link AddressOwner} while active; it solicits its IPv6 real servers from the director's own
 * address and learns their MACs into the {@link DestinationTable} from advertisements and from
 * solicitations carrying a source link-layer address. Every received message passes
 * {@link NdpMessage#validate} first; one that fails is counted by its {@link DropReason}.
 *
 * <p>Not thread-safe: its loop only; no method allocates.
 */
final class NeighbourDiscovery {

    private static final int ADDRESS = 16;

    private final DestinationTable destinations;
    private final AddressOwner owner;
    private final LoopCounters<DirectorCounter> counters;
    private final LoopCounters<DropReason> drops;
    private final FrameSender sender;
    private final NdpMessage message = new NdpMessage();
    private final NdpFrames frames = new NdpFrames();
    private final MemorySegment out;
    private final MemorySegment self;
    private final MemorySegment target;

    /**
     * Creates the handler of one loop.
     *
     * @param destinations the destinations whose MACs it learns
     * @param owner the loop's owner of the director's addresses
     * @param counters the loop's counters
     * @param drops the loop's drop counters
     * @param sender where its frames go
     * @param arena the loop's memory, freed by the loop
     * @param selfAddress the director's own IPv6 address (16 bytes), the source of its
     *        solicitations; {@code null} when it has none (then it resolves no IPv6 server)
     */
    NeighbourDiscovery(DestinationTable destinations, AddressOwner owner, LoopCounters<DirectorCounter> counters,
            LoopCounters<DropReason> drops, FrameSender sender, Arena arena, byte[] selfAddress) {
        this.destinations = destinations;
        this.owner = owner;
        this.counters = counters;
        this.drops = drops;
        this.sender = sender;
        this.out = arena.allocate(NdpFrames.FRAME_LENGTH);
        this.target = arena.allocate(ADDRESS);
        this.self = selfAddress == null ? null : arena.allocate(ADDRESS).copyFrom(MemorySegment.ofArray(selfAddress));
    }

    /**
     * Handles an ICMPv6 message of a frame the parser accepted.
     *
     * @param parser the parser, positioned on the frame
     * @param checksumComplete false if the frame carries a local sender's partial checksum
     * @param linkMac the director's MAC
     * @param served which of its addresses the director answers for now
     * @param now the loop's time
     * @return {@code true} if the message was a neighbour solicitation or advertisement (handled,
     *         answered, or counted as dropped), {@code false} for any other ICMPv6 message
     */
    boolean onIcmpv6(FrameParser parser, boolean checksumComplete, long linkMac, Served served, long now) {
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
        if (owner.claimed(parser, message)) {
            return true;
        }
        if (message.isAdvertisement()) {
            long mac = message.targetLinkLayer() != NdpMessage.NO_ADDRESS ? message.targetLinkLayer()
                    : parser.ethernet().source();
            destinations.learn6(frame, message.targetOffset(), mac, now);
            counters.increment(DirectorCounter.IGNORED);
            return true;
        }
        if (!NdpMessage.isUnspecified(frame, ip.sourceOffset()) && message.sourceLinkLayer() != NdpMessage.NO_ADDRESS) {
            destinations.learn6(frame, ip.sourceOffset(), message.sourceLinkLayer(), now);
        }
        long destination = parser.ethernet().destination();
        boolean forUs = destination == linkMac || (destination & 0x0100_0000_0000L) != 0;
        if (!forUs || !served.served(frame, message.targetOffset()) || !owner.answer(parser, message)) {
            counters.increment(DirectorCounter.IGNORED);
        }
        return true;
    }

    /** Which owned IPv6 addresses the director answers for now. */
    @FunctionalInterface
    interface Served {

        /**
         * @param memory memory holding an address
         * @param offset where its 16 bytes start
         * @return whether the director answers for it now
         */
        boolean served(MemorySegment memory, long offset);
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
        destinations.address6(id, target, 0);
        sender.send(out, 0, frames.solicitation(out, 0, linkMac, self, 0, target, 0));
        counters.increment(DirectorCounter.NEIGHBOUR_SOLICITATIONS);
        return true;
    }
}

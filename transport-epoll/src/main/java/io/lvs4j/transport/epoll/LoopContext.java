package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.FrameSender;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What the parts of one loop's data path share, handed to each at construction: the link, the
 * sender of frames the loop builds, the loop's counters, the destination table and the loop's
 * clock reading. Not thread-safe: its loop only.
 */
final class LoopContext {

    private final LinkInfo link;
    private final FrameSender sender;
    private final LoopCounters<DirectorCounter> counters;
    private final DestinationTable destinations;
    private final int directorAddress;
    private final MemorySegment serverAddress;
    private final FlowTuple flow = new FlowTuple();
    private long now;

    /**
     * @param link the interface
     * @param sender where built frames go
     * @param counters the loop's counters
     * @param destinations the destinations, shared by the loops
     * @param directorAddress the director's own IPv4 address, 0 if none
     * @param arena the loop's memory
     * @param now the loop's first clock reading
     */
    LoopContext(LinkInfo link, FrameSender sender, LoopCounters<DirectorCounter> counters,
            DestinationTable destinations, int directorAddress, Arena arena, long now) {
        this.link = link;
        this.sender = sender;
        this.counters = counters;
        this.destinations = destinations;
        this.directorAddress = directorAddress;
        this.serverAddress = arena.allocate(16, 8);
        this.now = now;
    }

    LinkInfo link() {
        return link;
    }

    FrameSender sender() {
        return sender;
    }

    LoopCounters<DirectorCounter> counters() {
        return counters;
    }

    DestinationTable destinations() {
        return destinations;
    }

    /** @return the director's own IPv4 address: the source of its ARP requests and tunnel packets */
    int directorAddress() {
        return directorAddress;
    }

    /** @return the loop's clock reading, advanced by every tick (100 ms) */
    long now() {
        return now;
    }

    void now(long nanos) {
        this.now = nanos;
    }

    /** @return the MAC of a destination, 0 if unresolved (counted) */
    long serverMac(int destinationId) {
        long mac = destinations.mac(destinationId, now);
        if (mac == 0) {
            counters.increment(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR);
        }
        return mac;
    }

    /**
     * Inserts the entry of a new connection of the parsed client frame toward a destination, for
     * every method but full-NAT.
     *
     * @param parser the parser, positioned on the client's frame
     * @param table the connection table of the frame's family
     * @param destinationId the scheduled destination
     * @param method how the connection is forwarded
     * @param template the controlling persistence template, or {@link ConnectionTable#MISS}
     * @return the entry, or {@link ConnectionTable#MISS} if the table is full
     */
    int insert(FrameParser parser, ConnectionTable table, int destinationId, ForwardingMethod method, int template) {
        return table.insert(server(flow.fromClient(parser), destinationId), destinationId, method, template);
    }

    /** @return the loop's flow tuple, which each part fills for its lookup or insert */
    FlowTuple flow() {
        return flow;
    }

    /**
     * Sets a tuple's real server to a destination's address and port.
     *
     * @param tuple the tuple
     * @param destinationId the destination
     * @return the tuple
     */
    FlowTuple server(FlowTuple tuple, int destinationId) {
        if (destinations.ipv6(destinationId)) {
            destinations.address6(destinationId, serverAddress, 0);
            return tuple.server(serverAddress, 0, destinations.port(destinationId));
        }
        return tuple.server(destinations.address(destinationId), destinations.port(destinationId));
    }
}

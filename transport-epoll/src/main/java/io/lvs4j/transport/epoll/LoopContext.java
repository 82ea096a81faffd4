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
 * What the parts of one loop's data path share, handed to each at construction: the links, the
 * sender of frames the loop builds, the loop's counters, the destination table and the loop's
 * clock reading; and, for the frame in hand, the interface it came in on and the one it is to
 * leave on, which a forwarder sets when it picks the frame's next hop ({@link #toDestination},
 * {@link #toLink}). Not thread-safe: its loop only.
 */
final class LoopContext {

    /** A client MAC with the slot of the interface it was seen on, in the bits above the 48 of the MAC. */
    static final int SLOT_SHIFT = 48;
    private static final long MAC_BITS = (1L << SLOT_SHIFT) - 1;

    private final DataLinks links;
    private final LinkInfo link;
    private final FrameSender sender;
    private final LoopCounters<DirectorCounter> counters;
    private final DestinationTable destinations;
    private final int directorAddress;
    private final MemorySegment serverAddress;
    private final FlowTuple flow = new FlowTuple();
    private long now;
    private int ingress;
    private int egress;

    /**
     * @param links the interfaces, the director's first
     * @param sender where built frames go
     * @param counters the loop's counters
     * @param destinations the destinations, shared by the loops
     * @param arena the loop's memory
     * @param now the loop's first clock reading
     */
    LoopContext(DataLinks links, FrameSender sender, LoopCounters<DirectorCounter> counters,
            DestinationTable destinations, Arena arena, long now) {
        this.links = links;
        this.link = links.link(0);
        this.sender = sender;
        this.counters = counters;
        this.destinations = destinations;
        this.directorAddress = links.address(0);
        this.serverAddress = arena.allocate(16, 8);
        this.now = now;
    }

    /** @return the director's interface (slot 0) */
    LinkInfo link() {
        return link;
    }

    /** @return the interfaces */
    DataLinks links() {
        return links;
    }

    /** Starts a frame received on an interface: it leaves there unless a forwarder says otherwise. */
    void received(int slot) {
        ingress = slot;
        egress = slot;
    }

    /** @return the slot of the interface the frame in hand came in on */
    int ingress() {
        return ingress;
    }

    /** @return the slot of the interface the frame in hand is to leave on */
    int egress() {
        return egress;
    }

    /**
     * Sends the frame in hand toward a destination: its interface becomes the egress.
     *
     * @param destinationId the destination
     * @return the MAC of that interface, the frame's new Ethernet source
     */
    long toDestination(int destinationId) {
        egress = destinations.egress(destinationId);
        return links.mac(egress);
    }

    /**
     * Sends the frame in hand toward a MAC remembered with the slot it was seen on
     * ({@link #tagged}).
     *
     * @param tagged the tagged MAC
     * @return the MAC of that slot's interface, the frame's new Ethernet source
     */
    long toLink(long tagged) {
        egress = (int) (tagged >>> SLOT_SHIFT);
        return links.mac(egress);
    }

    /** @return a client's MAC with the slot of the interface of the frame in hand, never 0 for a MAC not 0 */
    long tagged(long mac) {
        return (mac & MAC_BITS) | ((long) ingress << SLOT_SHIFT);
    }

    /** @return the MAC of a tagged MAC */
    static long mac(long tagged) {
        return tagged & MAC_BITS;
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
     * Sets a tuple's real server to a destination's address and port; a server of port 0 (all
     * ports, as a fwmark service's servers are) takes the tuple's virtual port, as IPVS does.
     *
     * @param tuple the tuple
     * @param destinationId the destination
     * @return the tuple
     */
    FlowTuple server(FlowTuple tuple, int destinationId) {
        int port = destinations.port(destinationId);
        if (port == 0) {
            port = tuple.virtualPort(); // IPVS's ip_vs_schedule: dest->port ? dest->port : vport
        }
        if (destinations.ipv6(destinationId)) {
            destinations.address6(destinationId, serverAddress, 0);
            return tuple.server(serverAddress, 0, port);
        }
        return tuple.server(destinations.address(destinationId), port);
    }
}

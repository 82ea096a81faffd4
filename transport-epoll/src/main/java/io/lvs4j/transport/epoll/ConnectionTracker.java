package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.status.LoopCounters;

import java.lang.foreign.MemorySegment;

/**
 * Finds or makes the connection of a client's frame to a virtual service on one loop, as IPVS's
 * {@code ip_vs_in} does: a hit advances the connection's state; a SYN on a tuple whose
 * connection is closing ends it and starts a new one ({@code conn_reuse_mode} 1); a miss
 * schedules a new connection (a TCP segment other than a SYN makes none, unless the service is
 * sloppy: then any segment but a reset does, as with IPVS's {@code sloppy_tcp}), first by the client's
 * persistence template, else by the service's scheduler, whose pick may become a new template;
 * the service's forwarder inserts the entry.
 *
 * <p>A hit whose real server is no longer available (removed from its service by a health
 * check, a reload or a runtime change; not a quiesced server, whose weight is 0 but which stays
 * available) follows IPVS's {@code expire_nodest_conn}: by default (off) the frame is dropped
 * and the entry kept until it expires, so that the connection goes on if the server comes back;
 * on, the entry is expired at once and the frame taken as a new connection's (a SYN is
 * scheduled anew, anything else dropped as of no connection).
 *
 * <p>A UDP service with one-packet scheduling (IPVS's {@code ops}) schedules every datagram: the
 * entry of the flow's previous datagram is expired first. Unlike IPVS, which keeps no entry at
 * all, the new entry lives until its timeout, so that a NAT service still translates the replies
 * to the last datagram.
 *
 * <p>Not thread-safe: its loop only; allocation-free.
 */
final class ConnectionTracker {

    /** IPVS's default {@code conn_reuse_mode}: a SYN may reuse a tuple in TIME_WAIT or CLOSE. */
    private static final int CONN_REUSE_MODE = 1;
    private static final int TCP_RST = 0x04;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_ACK = 0x10;

    private final LoopContext context;
    private final DestinationTable destinations;
    private final boolean expireNodestConn;
    private final LoopCounters<DirectorCounter> counters;
    private final LoopCounters<DropReason> drops;
    private final TrafficCounters traffic;
    private final FlowKey flow = new FlowKey();
    private boolean created;

    ConnectionTracker(LoopContext context, boolean expireNodestConn, LoopCounters<DropReason> drops,
            TrafficCounters traffic) {
        this.context = context;
        this.expireNodestConn = expireNodestConn;
        this.destinations = context.destinations();
        LoopCounters<DirectorCounter> counters = context.counters();
        this.counters = counters;
        this.drops = drops;
        this.traffic = traffic;
    }

    /**
     * Follows the parsed client frame's connection.
     *
     * @param parser the parser, positioned on a client's frame to the service
     * @param table the connection table of the frame's family
     * @param slot the service, with the ids of its servers
     * @param forwarder the service's forwarder, which inserts new entries
     * @param sloppy whether any TCP segment but a reset may open a connection
     * @return the entry, or {@link ConnectionTable#MISS} if the frame is dropped (counted)
     */
    int track(FrameParser parser, ConnectionTable table, ServiceSlot slot, Forwarder forwarder, boolean sloppy) {
        int protocol = parser.protocol();
        boolean tcp = protocol == Protocol.TCP.number();
        int flags = parser.tcpFlags();
        created = false;
        int entry = table.lookup(context.flow().fromClient(parser));
        if (entry != ConnectionTable.MISS && tcp && (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN
                && table.reusableByNewSyn(entry, CONN_REUSE_MODE) && table.expireNow(entry)) {
            entry = ConnectionTable.MISS; // a new SYN on a closing tuple is a new connection, as in IPVS
        }
        if (entry != ConnectionTable.MISS && !tcp && slot.service().onePacketScheduling() && table.expireNow(entry)) {
            entry = ConnectionTable.MISS; // ops: each datagram is scheduled; its entry lives for the replies (NAT)
        }
        if (entry != ConnectionTable.MISS && !destinations.registry().available(table.destination(entry))) {
            if (!expireNodestConn || !table.expireNow(entry)) {
                counters.increment(DirectorCounter.DROP_DESTINATION_UNAVAILABLE);
                return ConnectionTable.MISS;
            }
            counters.increment(DirectorCounter.EXPIRED_NO_DESTINATION);
            entry = ConnectionTable.MISS;
        }
        if (entry == ConnectionTable.MISS) {
            boolean opens = sloppy ? (flags & TCP_RST) == 0 : (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
            if (tcp && !opens) { // only a SYN without ACK opens a connection, or (sloppy) any segment but a reset
                counters.increment(DirectorCounter.DROP_NO_CONNECTION);
                return ConnectionTable.MISS;
            }
            entry = connect(parser, table, slot, forwarder);
            if (entry == ConnectionTable.MISS) {
                return ConnectionTable.MISS;
            }
            created = true;
        }
        if (tcp) {
            table.onTcpPacket(entry, PacketDirection.INPUT, flags);
        } else {
            table.onPacket(entry);
        }
        return entry;
    }

    /**
     * The tuple a persistence template is keyed on: the client's frame as it is, or for a
     * firewall-mark service what IPVS keys it on ({@code ip_vs_sched_persist}): protocol 0, the
     * mark in place of the virtual address and port 0, so that a client keeps its server across
     * every marked address and port.
     */
    private FlowTuple persistenceKey(FrameParser parser, int fwmark) {
        FlowTuple key = context.flow().fromClient(parser);
        if (fwmark != 0) {
            key.protocol(0).virtual(fwmark, 0);
        }
        return key;
    }

    /** @return whether the last {@link #track} made a new entry (connection sync starts its count afresh) */
    boolean created() {
        return created;
    }

    /** Schedules a new connection (templates first); {@link ConnectionTable#MISS} if dropped (counted). */
    private int connect(FrameParser parser, ConnectionTable table, ServiceSlot slot, Forwarder forwarder) {
        VirtualService service = slot.service();
        int protocol = parser.protocol();
        int port = parser.destinationPort();
        int persistence = service.persistenceSeconds();
        int template = ConnectionTable.MISS;
        int id;
        if (persistence > 0) {
            template = table.lookupTemplate(persistenceKey(parser, service.fwmark()), service.persistenceGranularity());
        }
        if (template != ConnectionTable.MISS) {
            id = table.destination(template);
        } else {
            Destination d = service.pick(flowKey(parser));
            id = d == null ? -1 : slot.id(d.counters());
            if (id < 0) {
                counters.increment(DirectorCounter.DROP_NO_DESTINATION);
                return ConnectionTable.MISS;
            }
            if (persistence > 0) {
                template = table.insertTemplate(context.server(persistenceKey(parser, service.fwmark()), id),
                        service.persistenceGranularity(), id, persistence);
                if (template == ConnectionTable.MISS) {
                    drops.increment(DropReason.CONNECTION_TABLE_FULL);
                    return ConnectionTable.MISS;
                }
            }
        }
        int entry = forwarder.connect(parser, table, id, template);
        if (entry < 0) {
            if (entry == ConnectionTable.MISS) {
                drops.increment(DropReason.CONNECTION_TABLE_FULL);
            }
            return ConnectionTable.MISS; // Forwarder.NO_LOCAL_PORT was counted
        }
        counters.increment(DirectorCounter.NEW_CONNECTIONS);
        traffic.connection(id);
        return entry;
    }

    /** @return the scheduler's key of the parsed frame's flow, either family */
    private FlowKey flowKey(FrameParser parser) {
        int protocol = parser.protocol();
        if (parser.ipVersion() == 4) {
            return flow.ipv4(protocol, parser.ipv4().source(), parser.sourcePort(), parser.ipv4().destination(),
                    parser.destinationPort());
        }
        MemorySegment f = parser.segment();
        long client = parser.sourceAddressOffset();
        long vip = parser.destinationAddressOffset();
        return flow.ipv6(protocol, f.get(NetworkOrder.U64, client), f.get(NetworkOrder.U64, client + 8),
                parser.sourcePort(), f.get(NetworkOrder.U64, vip), f.get(NetworkOrder.U64, vip + 8),
                parser.destinationPort());
    }
}

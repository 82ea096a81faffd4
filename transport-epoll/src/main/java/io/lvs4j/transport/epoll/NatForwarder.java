package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.NatRewriter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * NAT (LVS-NAT) on one loop of a {@link PacketDirector}, as IPVS's {@code ip_vs_nat_xmit},
 * {@code handle_response} and {@code ip_vs_nat_icmp} do it, for IPv4 and IPv6:
 * <ul>
 * <li>a client's frame gets the real server's address and port as destination
 *     ({@link #toServer});
 * <li>a real server's reply, found by the connection table's reverse index, gets the virtual
 *     address and port back as source and goes to the MAC address the connection's client
 *     frames last came from ({@link #fromServer});
 * <li>an ICMP or ICMPv6 error a real server (or a router on its side) sends about a client's
 *     packet is translated for the client: outer source and quoted destination become the
 *     virtual address and port ({@link #fromServer});
 * <li>an ICMP or ICMPv6 error a client (or a router on its side, such as "fragmentation
 *     needed" or "packet too big") sends to a virtual address about a reply is translated for
 *     the real server: outer destination and quoted source become the real server's address
 *     and port ({@link #icmpToServer}).
 * </ul>
 * Each method works on the connection table of the frame's address family, given by the
 * caller (the parameterless forms use the loop's IPv4 table). Checksums are updated
 * incrementally; a frame whose TCP/UDP checksum the device completes on transmit
 * ({@code NEEDS_CSUM}, every GSO super-frame from a local sender) keeps its partial checksum
 * valid (counted in {@link DirectorCounter#NAT_PARTIAL_CHECKSUMS}). An ICMP error with a
 * partial checksum (never sent by Linux) is left alone, as are errors about no known
 * connection.
 *
 * <p>Not thread-safe: its loop only; allocation-free once {@link #prepareIpv6} has run.
 */
final class NatForwarder {

    private final PacketDirector.LoopPath path;
    private final FlowTuple tuple = new FlowTuple();
    private final Arena arena;
    /** The Ethernet source of each IPv4 connection's last client frame, by entry: where replies go. */
    private final MemorySegment clientMacs;
    /** The same for the IPv6 table, whose entries are numbered on their own; empty until prepared. */
    private MemorySegment clientMacs6 = MemorySegment.NULL;

    NatForwarder(PacketDirector.LoopPath path, Arena arena, int capacity) {
        this.path = path;
        this.arena = arena;
        this.clientMacs = arena.allocate((long) capacity * Long.BYTES, Long.BYTES);
    }

    /**
     * Makes room for the client MACs of an IPv6 connection table; call once, before its
     * first frame (from the loop that built the table).
     *
     * @param capacity the IPv6 table's capacity
     */
    void prepareIpv6(int capacity) {
        clientMacs6 = arena.allocate((long) capacity * Long.BYTES, Long.BYTES);
    }

    /**
     * Rewrites a client's IPv4 frame of a connection of the loop's IPv4 table for its real server.
     *
     * @return {@code true} if the frame is to be sent on
     */
    boolean toServer(int entry) {
        return toServer(path.table(), entry);
    }

    /**
     * Rewrites a client's frame of a connection for its real server.
     *
     * @param table the connection table of the frame's address family
     * @param entry the connection
     * @return {@code true} if the frame is to be sent on
     */
    boolean toServer(ConnectionTable table, int entry) {
        FrameParser parser = path.parser();
        long mac = path.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        EthernetHeader ethernet = parser.ethernet();
        macs(parser).setAtIndex(ValueLayout.JAVA_LONG, entry, ethernet.source());
        if (parser.ipVersion() == 4) {
            NatRewriter.destinationIpv4(parser, table.destinationAddressIpv4(entry), table.destinationPort(entry),
                    partial());
        } else {
            NatRewriter.destinationIpv6(parser, table.memory(), table.destinationAddressOffset(entry),
                    table.destinationPort(entry), partial());
        }
        ethernet.destination(mac).source(path.link().mac());
        path.counters().increment(DirectorCounter.FORWARDED.ordinal());
        return true;
    }

    /**
     * Handles an IPv4 frame to the director's MAC that is not for a virtual address, with the
     * loop's IPv4 table.
     *
     * @return {@code true} if the frame is to be sent on
     */
    boolean fromServer() {
        return fromServer(path.table());
    }

    /**
     * Handles a frame to the director's MAC that is not for a virtual address: a real server's
     * reply to a NAT'ed connection, or an ICMP error about one, is rewritten for its client;
     * anything else is left alone (counted as ignored).
     *
     * @param table the connection table of the frame's address family
     * @return {@code true} if the frame is to be sent on
     */
    boolean fromServer(ConnectionTable table) {
        FrameParser parser = path.parser();
        if (parser.quotedVersion() != 0) {
            return icmpToClient(table);
        }
        if (parser.fragment() || !parser.hasPorts()) {
            return ignored();
        }
        int protocol = parser.protocol();
        int entry = table.lookupReply(tuple.fromServer(parser));
        if (entry == ConnectionTable.MISS) {
            return ignored();
        }
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            table.onTcpPacket(entry, PacketDirection.OUTPUT, parser.tcpFlags());
        } else {
            table.onPacket(entry);
        }
        if (parser.ipVersion() == 4) {
            NatRewriter.sourceIpv4(parser, table.virtualAddressIpv4(entry), table.virtualPort(entry), partial());
        } else {
            NatRewriter.sourceIpv6(parser, table.memory(), table.virtualAddressOffset(entry), table.virtualPort(entry),
                    partial());
        }
        toClientMac(entry);
        path.counters().increment(DirectorCounter.REPLIES_FORWARDED.ordinal());
        return true;
    }

    /**
     * Handles an IPv4 ICMP error to a virtual address, with the loop's IPv4 table.
     *
     * @return {@code true} if the frame is to be sent on
     */
    boolean icmpToServer() {
        return icmpToServer(path.table());
    }

    /**
     * Handles an ICMP or ICMPv6 error to a virtual address that quotes a reply of a NAT'ed
     * connection (virtual address and port to client): it goes on to the connection's real
     * server.
     *
     * @param table the connection table of the frame's address family
     * @return {@code true} if the frame is to be sent on
     */
    boolean icmpToServer(ConnectionTable table) {
        FrameParser parser = path.parser();
        if (!quotesPorts(parser)) {
            return ignored();
        }
        // The quoted reply read backwards: its destination is the client, its source the VIP.
        int entry = table.lookup(tuple.quotedToClient(parser));
        if (entry == ConnectionTable.MISS || (table.flags(entry) & ConnectionTable.FLAG_NAT) == 0) {
            return ignored();
        }
        long mac = path.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        if (parser.ipVersion() == 4) {
            NatRewriter.icmpToServerIpv4(parser, table.destinationAddressIpv4(entry), table.destinationPort(entry));
        } else {
            NatRewriter.icmpToServerIpv6(parser, table.memory(), table.destinationAddressOffset(entry),
                    table.destinationPort(entry));
        }
        parser.ethernet().destination(mac).source(path.link().mac());
        path.counters().increment(DirectorCounter.NAT_ICMP_TO_SERVER.ordinal());
        return true;
    }

    /** An ICMP error from the servers' side quoting a client's packet (client to server). */
    private boolean icmpToClient(ConnectionTable table) {
        FrameParser parser = path.parser();
        if (!quotesPorts(parser)) {
            return ignored();
        }
        int entry = table.lookupReply(tuple.quotedToServer(parser));
        if (entry == ConnectionTable.MISS) {
            return ignored();
        }
        if (parser.ipVersion() == 4) {
            NatRewriter.icmpToClientIpv4(parser, table.virtualAddressIpv4(entry), table.virtualPort(entry));
        } else {
            NatRewriter.icmpToClientIpv6(parser, table.memory(), table.virtualAddressOffset(entry),
                    table.virtualPort(entry));
        }
        toClientMac(entry);
        path.counters().increment(DirectorCounter.NAT_ICMP_TO_CLIENT.ordinal());
        return true;
    }

    /** An error this forwarder can translate: its checksum complete, quoting TCP or UDP ports. */
    private boolean quotesPorts(FrameParser parser) {
        int quoted = parser.quotedProtocol();
        return !path.frame().needsChecksum()
                && (quoted == Ipv4Header.PROTOCOL_TCP || quoted == Ipv4Header.PROTOCOL_UDP);
    }

    private MemorySegment macs(FrameParser parser) {
        return parser.ipVersion() == 4 ? clientMacs : clientMacs6;
    }

    private void toClientMac(int entry) {
        FrameParser parser = path.parser();
        parser.ethernet().destination(macs(parser).getAtIndex(ValueLayout.JAVA_LONG, entry))
                .source(path.link().mac());
    }

    /** @return whether the frame's TCP/UDP checksum is partial (counted when it is) */
    private boolean partial() {
        if (path.frame().needsChecksum()) {
            path.counters().increment(DirectorCounter.NAT_PARTIAL_CHECKSUMS.ordinal());
            return true;
        }
        return false;
    }

    private boolean ignored() {
        path.counters().increment(DirectorCounter.IGNORED.ordinal());
        return false;
    }
}

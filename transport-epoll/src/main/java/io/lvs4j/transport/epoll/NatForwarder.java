package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
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
 *     frames last came from, on the interface they came in on ({@link #fromServer}), while a
 *     client's frame leaves on the interface toward its real server ({@link DataLinks}), so an
 *     outside and an inside interface work as one director; a connection a peer synced
 *     ({@link #synced}) has none until its first client frame here: its replies go to the MAC
 *     of its client's last frame on this loop, else of the loop's last client frame (the router
 *     in front), else are dropped (counted in {@link DirectorCounter#DROP_NAT_NO_CLIENT_MAC});
 * <li>an ICMP or ICMPv6 error a real server (or a router on its side) sends about a client's
 *     packet is translated for the client: outer source and quoted destination become the
 *     virtual address and port ({@link #fromServer});
 * <li>an ICMP or ICMPv6 error a client (or a router on its side, such as "fragmentation
 *     needed" or "packet too big") sends to a virtual address about a reply is translated for
 *     the real server: outer destination and quoted source become the real server's address
 *     and port ({@link #icmpToServer}).
 * </ul>
 * Each method works on the connection table of the frame's address family, given by the
 * loop. Checksums are updated
 * incrementally; a frame whose TCP/UDP checksum the device completes on transmit
 * ({@code NEEDS_CSUM}, every GSO super-frame from a local sender) keeps its partial checksum
 * valid (counted in {@link DirectorCounter#NAT_PARTIAL_CHECKSUMS}). An ICMP error with a
 * partial checksum (never sent by Linux) is left alone, as are errors about no known
 * connection.
 *
 * <p>Not thread-safe: its loop only; allocation-free.
 */
final class NatForwarder implements Forwarder {

    private static final int RECENT_CLIENTS = 4096;

    private final LoopContext context;
    private final Arena arena;
    /** The Ethernet source of each IPv4 connection's last client frame, by entry: where replies go. */
    private final MemorySegment clientMacs;
    /** The same for the IPv6 table, whose entries are numbered on their own. */
    private MemorySegment clientMacs6;
    /**
     * The Ethernet source of each client's last frame, by client address (IPv6: its low 32 bits)
     * in a direct-mapped cache, and of the loop's last client frame at all: where the replies of a
     * synced connection go before its own first client frame here.
     */
    private final int[] recentClients = new int[RECENT_CLIENTS];
    private final long[] recentMacs = new long[RECENT_CLIENTS];
    private long lastClientMac;

    /**
     * @param context the loop's shared parts
     * @param arena the loop's memory
     * @param capacity the IPv4 connection table's capacity
     * @param capacity6 the IPv6 connection table's capacity, 0 without one
     */
    NatForwarder(LoopContext context, Arena arena, int capacity, int capacity6) {
        this.context = context;
        this.arena = arena;
        this.clientMacs = arena.allocate((long) capacity * Long.BYTES, Long.BYTES);
        this.clientMacs6 = arena.allocate(Math.max(1L, capacity6) * Long.BYTES, Long.BYTES);
    }

    /**
     * Makes room for the IPv6 table's connections once the loop has one (a NAT director's first
     * IPv6 service may come with a reload); nothing if it has room already.
     *
     * @param capacity6 the IPv6 connection table's capacity
     */
    void ipv6(int capacity6) {
        if (clientMacs6.byteSize() < (long) capacity6 * Long.BYTES) {
            clientMacs6 = arena.allocate((long) capacity6 * Long.BYTES, Long.BYTES);
        }
    }

    @Override
    public int connect(FrameParser parser, ConnectionTable table, int destinationId, int template) {
        return context.insert(parser, table, destinationId, ForwardingMethod.MASQUERADE, template);
    }

    /** Rewrites a client's frame of a connection for its real server: destination address and port. */
    @Override
    public boolean toServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding) {
        long mac = context.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        EthernetHeader ethernet = parser.ethernet();
        long source = context.tagged(ethernet.source());
        macs(parser).setAtIndex(ValueLayout.JAVA_LONG, entry, source);
        int client = clientKey(parser, parser.sourceAddressOffset());
        int slot = client & (RECENT_CLIENTS - 1);
        recentClients[slot] = client;
        recentMacs[slot] = source;
        lastClientMac = source;
        if (parser.ipVersion() == 4) {
            NatRewriter.destinationIpv4(parser, table.destinationAddressIpv4(entry), table.destinationPort(entry),
                    partial(frame));
        } else {
            NatRewriter.destinationIpv6(parser, table.memory(), table.destinationAddressOffset(entry),
                    table.destinationPort(entry), partial(frame));
        }
        ethernet.destination(mac).source(context.toDestination(table.destination(entry)));
        context.counters().increment(DirectorCounter.FORWARDED);
        return true;
    }

    /**
     * Handles a frame to the director's MAC that is not for a virtual address: a real server's
     * reply to a NAT'ed connection, or an ICMP error about one, is rewritten for its client;
     * anything else is left alone (counted as ignored).
     */
    @Override
    public int fromServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table) {
        if (parser.quotedVersion() != 0) {
            return icmpToClient(parser, frame, table);
        }
        if (parser.fragment() || !parser.hasPorts()) {
            return ignored();
        }
        int protocol = parser.protocol();
        int entry = table.lookupReply(context.flow().fromServer(parser));
        if (entry == ConnectionTable.MISS) {
            return ignored();
        }
        if (!knowsClientMac(parser, entry)) {
            return ConnectionTable.MISS;
        }
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            table.onTcpPacket(entry, PacketDirection.OUTPUT, parser.tcpFlags());
        } else {
            table.onPacket(entry);
        }
        if (parser.ipVersion() == 4) {
            NatRewriter.sourceIpv4(parser, table.virtualAddressIpv4(entry), table.virtualPort(entry), partial(frame));
        } else {
            NatRewriter.sourceIpv6(parser, table.memory(), table.virtualAddressOffset(entry), table.virtualPort(entry),
                    partial(frame));
        }
        toClientMac(parser, entry);
        context.counters().increment(DirectorCounter.REPLIES_FORWARDED);
        return entry;
    }

    /**
     * Translates an ICMP or ICMPv6 error to a virtual address that quotes a reply of a NAT'ed
     * connection (virtual address and port to client) for the connection's real server.
     */
    @Override
    public boolean icmpToServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding) {
        if (!quotesPorts(parser, frame) || (table.flags(entry) & ConnectionTable.FLAG_NAT) == 0) {
            ignored();
            return false;
        }
        long mac = context.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        if (parser.ipVersion() == 4) {
            NatRewriter.icmpToServerIpv4(parser, table.destinationAddressIpv4(entry), table.destinationPort(entry));
        } else {
            NatRewriter.icmpToServerIpv6(parser, table.memory(), table.destinationAddressOffset(entry),
                    table.destinationPort(entry));
        }
        parser.ethernet().destination(mac).source(context.toDestination(table.destination(entry)));
        context.counters().increment(DirectorCounter.NAT_ICMP_TO_SERVER);
        return true;
    }

    /** An ICMP error from the servers' side quoting a client's packet (client to server). */
    private int icmpToClient(FrameParser parser, ReceivedFrame frame, ConnectionTable table) {
        if (!quotesPorts(parser, frame)) {
            return ignored();
        }
        int entry = table.lookupReply(context.flow().quotedToServer(parser));
        if (entry == ConnectionTable.MISS) {
            return ignored();
        }
        if (!knowsClientMac(parser, entry)) {
            return ConnectionTable.MISS;
        }
        if (parser.ipVersion() == 4) {
            NatRewriter.icmpToClientIpv4(parser, table.virtualAddressIpv4(entry), table.virtualPort(entry));
        } else {
            NatRewriter.icmpToClientIpv6(parser, table.memory(), table.virtualAddressOffset(entry),
                    table.virtualPort(entry));
        }
        toClientMac(parser, entry);
        context.counters().increment(DirectorCounter.NAT_ICMP_TO_CLIENT);
        return entry;
    }

    /** An error this forwarder can translate: its checksum complete, quoting TCP or UDP ports. */
    private static boolean quotesPorts(FrameParser parser, ReceivedFrame frame) {
        int quoted = parser.quotedProtocol();
        return !frame.needsChecksum() && (quoted == Ipv4Header.PROTOCOL_TCP || quoted == Ipv4Header.PROTOCOL_UDP);
    }

    private MemorySegment macs(FrameParser parser) {
        return parser.ipVersion() == 4 ? clientMacs : clientMacs6;
    }

    /**
     * Forgets the client MAC of a connection a peer synced: its replies wait for the first client
     * frame this loop forwards for it, which tells where they go.
     *
     * @param ipVersion the connection's table's family
     * @param entry the connection
     */
    void synced(int ipVersion, int entry) {
        (ipVersion == 4 ? clientMacs : clientMacs6).setAtIndex(ValueLayout.JAVA_LONG, entry, 0L);
    }

    /**
     * Tells whether replies of the connection have a MAC to go to. A synced connection not seen
     * here yet takes the MAC of its client's last frame on this loop, else of the loop's last
     * client frame (the router in front of the director, where clients are not on its link);
     * with neither, the reply is dropped (counted).
     */
    private boolean knowsClientMac(FrameParser parser, int entry) {
        MemorySegment macs = macs(parser);
        if (macs.getAtIndex(ValueLayout.JAVA_LONG, entry) != 0) {
            return true;
        }
        int client = clientKey(parser, parser.destinationAddressOffset());
        int slot = client & (RECENT_CLIENTS - 1);
        long mac = recentClients[slot] == client && recentMacs[slot] != 0 ? recentMacs[slot] : lastClientMac;
        if (mac == 0) {
            context.counters().increment(DirectorCounter.DROP_NAT_NO_CLIENT_MAC);
            return false;
        }
        macs.setAtIndex(ValueLayout.JAVA_LONG, entry, mac);
        context.counters().increment(DirectorCounter.NAT_SYNCED_CLIENT_MAC);
        return true;
    }

    /** @return a client address's key: an IPv4 address, or the low 32 bits of an IPv6 one */
    private static int clientKey(FrameParser parser, long addressOffset) {
        int length = parser.ipVersion() == 4 ? 4 : 16;
        return parser.segment().get(io.lvs4j.core.packet.NetworkOrder.U32, addressOffset + length - 4);
    }

    /** Addresses a reply to its client's MAC, on the interface the client's frames came in on. */
    private void toClientMac(FrameParser parser, int entry) {
        long tagged = macs(parser).getAtIndex(ValueLayout.JAVA_LONG, entry);
        parser.ethernet().destination(LoopContext.mac(tagged)).source(context.toLink(tagged));
    }

    /** @return whether the frame's TCP/UDP checksum is partial (counted when it is) */
    private boolean partial(ReceivedFrame frame) {
        if (frame.needsChecksum()) {
            context.counters().increment(DirectorCounter.NAT_PARTIAL_CHECKSUMS);
            return true;
        }
        return false;
    }

    private int ignored() {
        context.counters().increment(DirectorCounter.IGNORED);
        return ConnectionTable.MISS;
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.LocalPortPool;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.FullNatRewriter;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.NetworkOrder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Full-NAT (DPVS's FNAT) on one loop of a {@link PacketDirector}: a new connection gets one of
 * the director's local addresses and a free local port toward its real server; the client's
 * frames then leave with that local address and port as source and the real server's address
 * and port as destination, so the real server answers the director without any route to the
 * client. Its replies (to a local address) are found by the connection table's reverse index
 * and leave with the virtual address and port as source and the client's as destination,
 * toward the MAC address the connection's client frames last came from.
 *
 * <p>Local ports come from a {@link LocalPortPool} per loop: one pool per local address and
 * group of real servers (16 groups, by a hash of the server's address and port, so that one
 * server endpoint always draws from one pool and two connections to it never share a local
 * address and port), handing out only ports of the loop's residue (port modulo the number of
 * loops), so that the fanout brings each reply to the loop owning the connection. Local
 * addresses are taken in turn; when every pool of the server's group is exhausted the
 * connection is refused: its first packet is dropped and counted
 * ({@link DirectorCounter#DROP_LOCAL_PORT_EXHAUSTED}), no entry is made. The table hands every
 * port back as its entry is freed ({@link #released}).
 *
 * <p>One instance serves the IPv4 table, another the IPv6 table with IPv6 local addresses; ICMP
 * errors are translated for IPv4 only.
 *
 * <p>Not thread-safe: its loop only; allocation-free on the data path.
 */
final class FullNatForwarder implements Forwarder {

    /** Port pools per local address: real servers are spread over them by endpoint. */
    static final int SERVER_POOLS = 16;

    private final LoopContext context;
    /** Whether this forwarder serves the IPv6 table (its local addresses are IPv6). */
    private final boolean ipv6;
    private final int[] locals;
    /** IPv6 local addresses, 16 bytes each; empty for IPv4. */
    private final MemorySegment locals6;
    private final int localCount;
    /** Scratch for an IPv6 real server address. */
    private final MemorySegment server6;
    private final LocalPortPool ports;
    /** The Ethernet source of each connection's last client frame, by entry: where replies go. */
    private final MemorySegment clientMacs;
    private int nextLocal;

    /**
     * Makes the forwarder of one loop and one address family.
     *
     * @param context the loop's shared parts
     * @param arena where the per-entry state lives
     * @param capacity the connection table's capacity
     * @param locals the IPv4 local addresses (for the IPv4 forwarder)
     * @param locals6 the IPv6 local addresses, 16 bytes each (for the IPv6 forwarder)
     * @param settings the range of local ports
     * @param loop this loop's index in the fanout group
     * @param loops the number of loops
     */
    FullNatForwarder(LoopContext context, Arena arena, int capacity, int[] locals, List<byte[]> locals6,
            LocalPortRange settings, int loop, int loops) {
        this.context = context;
        this.ipv6 = !locals6.isEmpty();
        this.locals = locals.clone();
        this.localCount = ipv6 ? locals6.size() : locals.length;
        this.locals6 = arena.allocate(Math.max(1, locals6.size()) * 16L, 8);
        for (int i = 0; i < locals6.size(); i++) {
            MemorySegment.copy(MemorySegment.ofArray(locals6.get(i)), 0, this.locals6, 16L * i, 16);
        }
        this.server6 = arena.allocate(16, 8);
        this.ports = LocalPortPool.builder().pools(localCount * SERVER_POOLS).range(settings.first(), settings.last())
                .residue(loop, loops).build();
        this.clientMacs = arena.allocate((long) capacity * Long.BYTES, Long.BYTES);
    }

    /** The first and last local port a full-NAT director hands out. */
    record LocalPortRange(int first, int last) {
    }

    /** @return the local ports of this loop */
    LocalPortPool ports() {
        return ports;
    }

    /** @return the index of the local address equal to 16 bytes of memory, or -1 */
    private int local6(MemorySegment memory, long offset) {
        long high = memory.get(NetworkOrder.U64, offset);
        long low = memory.get(NetworkOrder.U64, offset + 8);
        for (int l = 0; l < localCount; l++) {
            if (locals6.get(NetworkOrder.U64, 16L * l) == high && locals6.get(NetworkOrder.U64, 16L * l + 8) == low) {
                return l;
            }
        }
        return -1;
    }

    /**
     * Inserts a new full-NAT connection with a local address and a free local port toward its
     * real server; counts and returns {@link #NO_LOCAL_PORT} when no port is free.
     */
    @Override
    public int connect(FrameParser parser, ConnectionTable table, int destinationId, int template) {
        DestinationTable destinations = context.destinations();
        int serverPort = destinations.port(destinationId);
        int group;
        if (ipv6) {
            destinations.address6(destinationId, server6, 0);
            group = group6(serverPort);
        } else {
            group = group(destinations.address(destinationId), serverPort);
        }
        for (int i = 0; i < localCount; i++) {
            int l = nextLocal;
            nextLocal = l + 1 == localCount ? 0 : l + 1;
            int localPort = ports.allocate(l * SERVER_POOLS + group);
            if (localPort == LocalPortPool.EXHAUSTED) {
                continue;
            }
            FlowTuple flow = context.server(context.flow().fromClient(parser), destinationId);
            if (ipv6) {
                flow.local(locals6, 16L * l, localPort);
            } else {
                flow.local(locals[l], localPort);
            }
            return table.insertFullNat(flow, destinationId, template);
        }
        context.counters().increment(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED);
        return NO_LOCAL_PORT;
    }

    /** The pool group of the IPv6 real server endpoint in {@link #server6}. */
    private int group6(int port) {
        long high = server6.get(NetworkOrder.U64, 0);
        long low = server6.get(NetworkOrder.U64, 8);
        long folded = high ^ Long.rotateLeft(low, 29);
        return group((int) (folded ^ (folded >>> 32)), port);
    }

    /** The connection table's {@link ConnectionTable.FullNatListener}: a port is free again. */
    void released(MemorySegment memory, long localAddress, int localPort, int destinationId) {
        DestinationTable destinations = context.destinations();
        if (ipv6) {
            int l = local6(memory, localAddress);
            if (l >= 0) {
                destinations.address6(destinationId, server6, 0);
                ports.release(l * SERVER_POOLS + group6(destinations.port(destinationId)), localPort);
            }
            return;
        }
        int local = memory.get(NetworkOrder.U32, localAddress);
        for (int l = 0; l < locals.length; l++) {
            if (locals[l] == local) {
                ports.release(l * SERVER_POOLS + group(destinations.address(destinationId),
                        destinations.port(destinationId)), localPort);
                return;
            }
        }
    }

    /** The pool group of a real server endpoint. */
    private static int group(int address, int port) {
        int h = address * 0x9E3779B1 ^ port * 0x85EBCA6B;
        h ^= h >>> 16;
        h *= 0x7FEB352D;
        h ^= h >>> 15;
        return (h & 0x7FFF_FFFF) % SERVER_POOLS;
    }

    /**
     * Rewrites a client's frame of a connection for its real server: source the local address
     * and port, destination the real server's.
     */
    @Override
    public boolean toServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding) {
        long mac = context.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        EthernetHeader ethernet = parser.ethernet();
        clientMacs.setAtIndex(ValueLayout.JAVA_LONG, entry, context.tagged(ethernet.source()));
        if (ipv6) {
            FullNatRewriter.rewriteIpv6(parser, table.memory(), table.localAddressOffset(entry), table.localPort(entry),
                    table.memory(), table.destinationAddressOffset(entry), table.destinationPort(entry),
                    frame.needsChecksum());
        } else {
            FullNatRewriter.rewriteIpv4(parser, table.localAddressIpv4(entry), table.localPort(entry),
                    table.destinationAddressIpv4(entry), table.destinationPort(entry), frame.needsChecksum());
        }
        ethernet.destination(mac).source(context.toDestination(table.destination(entry)));
        context.counters().increment(DirectorCounter.FORWARDED);
        return true;
    }

    /**
     * Handles a frame to a local address: a real server's reply to a full-NAT connection is
     * rewritten for its client, an ICMP error about one translated for it; anything else is
     * left alone (the kernel, which does not own the local addresses, drops it).
     */
    @Override
    public int fromServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table) {
        if (!ipv6 && parser.protocol() == Ipv4Header.PROTOCOL_ICMP && !parser.fragment()) {
            return icmpToClient(parser, table);
        }
        if (parser.fragment() || !parser.hasPorts()) {
            return ignored();
        }
        int protocol = parser.protocol();
        int entry = table.lookupReply(context.flow().fromServer(parser));
        if (entry == ConnectionTable.MISS) {
            return ignored();
        }
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            table.onTcpPacket(entry, PacketDirection.OUTPUT, parser.tcpFlags());
        } else {
            table.onPacket(entry);
        }
        if (ipv6) {
            FullNatRewriter.rewriteIpv6(parser, table.memory(), table.virtualAddressOffset(entry), table.virtualPort(entry),
                    table.memory(), table.clientAddressOffset(entry), table.clientPort(entry), frame.needsChecksum());
        } else {
            FullNatRewriter.rewriteIpv4(parser, table.virtualAddressIpv4(entry), table.virtualPort(entry),
                    table.clientAddressIpv4(entry), table.clientPort(entry), frame.needsChecksum());
        }
        toClientMac(parser, entry);
        context.counters().increment(DirectorCounter.FULL_NAT_REPLIES_FORWARDED);
        return entry;
    }

    /** @return whether the frame is an ICMP error quoting an IPv4 TCP or UDP packet */
    private static boolean quotesPorts(FrameParser parser) {
        int quoted = parser.quotedProtocol();
        return parser.quotedVersion() == 4
                && (quoted == Ipv4Header.PROTOCOL_TCP || quoted == Ipv4Header.PROTOCOL_UDP);
    }

    /**
     * Translates an ICMP error sent to a local address (by a real server, or a router on its
     * side) about a packet of a full-NAT connection, for the connection's client: it then comes
     * from the virtual address and quotes the client's own packet (client to virtual address
     * and port).
     */
    private int icmpToClient(FrameParser parser, ConnectionTable table) {
        if (!quotesPorts(parser)) {
            return ignored();
        }
        // The quote is the packet the director sent: local address and port to the real server.
        int entry = table.lookupReply(context.flow().quotedToServer(parser));
        if (entry == ConnectionTable.MISS) {
            return ignored();
        }
        int vip = table.virtualAddressIpv4(entry);
        int client = table.clientAddressIpv4(entry);
        FullNatRewriter.icmpIpv4(parser, vip, client, client, table.clientPort(entry), vip, table.virtualPort(entry));
        toClientMac(parser, entry);
        context.counters().increment(DirectorCounter.FULL_NAT_ICMP_TO_CLIENT);
        return entry;
    }

    /**
     * Translates an ICMP error sent to a virtual address (by a client, or a router on its side)
     * about a reply of a full-NAT connection, for the connection's real server: it then comes
     * from the local address and quotes the real server's own packet (real server to local
     * address and port). IPv4 only: an ICMPv6 error is left alone (counted as ignored).
     */
    @Override
    public boolean icmpToServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding) {
        if (ipv6 || !quotesPorts(parser) || (table.flags(entry) & ConnectionTable.FLAG_FULL_NAT) == 0) {
            ignored();
            return false;
        }
        long mac = context.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        int local = table.localAddressIpv4(entry);
        int server = table.destinationAddressIpv4(entry);
        FullNatRewriter.icmpIpv4(parser, local, server, server, table.destinationPort(entry), local,
                table.localPort(entry));
        parser.ethernet().destination(mac).source(context.toDestination(table.destination(entry)));
        context.counters().increment(DirectorCounter.FULL_NAT_ICMP_TO_SERVER);
        return true;
    }

    private void toClientMac(FrameParser parser, int entry) {
        long tagged = clientMacs.getAtIndex(ValueLayout.JAVA_LONG, entry);
        parser.ethernet().destination(LoopContext.mac(tagged)).source(context.toLink(tagged));
    }

    private int ignored() {
        context.counters().increment(DirectorCounter.IGNORED);
        return ConnectionTable.MISS;
    }
}

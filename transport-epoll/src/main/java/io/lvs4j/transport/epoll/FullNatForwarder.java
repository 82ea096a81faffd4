package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.LocalPortPool;
import io.lvs4j.core.conn.PacketDirection;
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
 * <p>One instance serves the IPv4 table, another (made by {@link #ipv6}) the IPv6 table with
 * IPv6 local addresses; ICMP errors are translated for IPv4 only.
 *
 * <p>Not thread-safe: its loop only; allocation-free on the data path.
 */
final class FullNatForwarder {

    /** Port pools per local address: real servers are spread over them by endpoint. */
    static final int SERVER_POOLS = 16;
    /** Returned by {@link #connect} when no local port was free (counted). */
    static final int NO_LOCAL_PORT = -2;
    /** {@link #icmpToServer}: the frame is rewritten, to be sent on. */
    static final int FORWARD = 1;
    /** {@link #icmpToServer}: the frame is about a full-NAT connection but dropped (counted). */
    static final int DROP = 0;
    /** {@link #icmpToServer}: the frame is not about a full-NAT connection. */
    static final int NOT_FULL_NAT = -1;

    private final PacketDirector.LoopPath path;
    private final FlowTuple tuple = new FlowTuple();
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
     * Makes the forwarder of one loop.
     *
     * @param path the loop's data path
     * @param arena where the per-entry state lives
     * @param capacity the connection table's capacity
     * @param locals the local addresses
     * @param firstPort the lowest local port
     * @param lastPort the highest local port
     * @param loop this loop's index in the fanout group
     * @param loops the number of loops
     */
    FullNatForwarder(PacketDirector.LoopPath path, Arena arena, int capacity, int[] locals, int firstPort,
            int lastPort, int loop, int loops) {
        this(path, arena, capacity, false, locals, List.of(), firstPort, lastPort, loop, loops);
    }

    private FullNatForwarder(PacketDirector.LoopPath path, Arena arena, int capacity, boolean ipv6, int[] locals,
            List<byte[]> locals6, int firstPort, int lastPort, int loop, int loops) {
        this.path = path;
        this.ipv6 = ipv6;
        this.locals = locals.clone();
        this.localCount = ipv6 ? locals6.size() : locals.length;
        this.locals6 = arena.allocate(Math.max(1, locals6.size()) * 16L, 8);
        for (int i = 0; i < locals6.size(); i++) {
            MemorySegment.copy(MemorySegment.ofArray(locals6.get(i)), 0, this.locals6, 16L * i, 16);
        }
        this.server6 = arena.allocate(16, 8);
        this.ports = LocalPortPool.builder().pools(localCount * SERVER_POOLS).range(firstPort, lastPort)
                .residue(loop, loops).build();
        this.clientMacs = arena.allocate((long) capacity * Long.BYTES, Long.BYTES);
    }

    /**
     * Makes the IPv6 forwarder of a loop: connections of the IPv6 table, from IPv6 local
     * addresses, the ports of the loop's residue (as for IPv4, the fanout steers replies to an
     * IPv6 local address by their destination port).
     *
     * @param path the loop's data path
     * @param arena where the per-entry state lives
     * @param capacity the IPv6 connection table's capacity
     * @param locals the IPv6 local addresses (16 bytes each)
     * @param firstPort the lowest local port
     * @param lastPort the highest local port
     * @param loop this loop's index in the fanout group
     * @param loops the number of loops
     * @return the forwarder
     */
    static FullNatForwarder ipv6(PacketDirector.LoopPath path, Arena arena, int capacity, List<byte[]> locals,
            int firstPort, int lastPort, int loop, int loops) {
        return new FullNatForwarder(path, arena, capacity, true, new int[0], locals, firstPort, lastPort, loop, loops);
    }

    /** @return the connection table of this forwarder's family */
    private ConnectionTable table() {
        return path.table(ipv6 ? 6 : 4);
    }

    /**
     * Tells whether an IPv6 address is one of the local addresses.
     *
     * @param memory memory holding the address
     * @param offset where its 16 bytes start
     * @return the local address's index, or -1
     */
    int ownsLocal6(MemorySegment memory, long offset) {
        long high = memory.get(NetworkOrder.U64, offset);
        long low = memory.get(NetworkOrder.U64, offset + 8);
        for (int l = 0; l < localCount; l++) {
            if (locals6.get(NetworkOrder.U64, 16L * l) == high && locals6.get(NetworkOrder.U64, 16L * l + 8) == low) {
                return l;
            }
        }
        return -1;
    }

    /** @return the local ports of this loop */
    LocalPortPool ports() {
        return ports;
    }

    /** @return whether an address is one of the local addresses */
    boolean ownsLocal(int address) {
        for (int local : locals) {
            if (local == address) {
                return true;
            }
        }
        return false;
    }

    /**
     * Inserts a new full-NAT connection with a local address and a free local port toward its
     * real server.
     *
     * @return the entry, {@link ConnectionTable#MISS} if the table is full (the port went back),
     *     or {@link #NO_LOCAL_PORT} if no port was free (counted)
     */
    int connect(int protocol, int client, int clientPort, int vip, int port, int id, int template) {
        int server = path.serverIpv4(id);
        int serverPort = path.serverPort(id);
        int group = group(server, serverPort);
        for (int i = 0; i < locals.length; i++) {
            int l = nextLocal;
            nextLocal = l + 1 == locals.length ? 0 : l + 1;
            int localPort = ports.allocate(l * SERVER_POOLS + group);
            if (localPort != LocalPortPool.EXHAUSTED) {
                return path.table().insertFullNat(tuple.ipv4(protocol, client, clientPort, vip, port)
                        .server(server, serverPort).local(locals[l], localPort), id, template);
            }
        }
        path.counters().increment(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED.ordinal());
        return NO_LOCAL_PORT;
    }

    /**
     * Inserts a new IPv6 full-NAT connection for the parsed client frame, as {@link #connect}
     * does for IPv4.
     *
     * @return the entry, {@link ConnectionTable#MISS} if the table is full (the port went back),
     *     or {@link #NO_LOCAL_PORT} if no port was free (counted)
     */
    int connect6(int protocol, int clientPort, int port, int id, int template) {
        FrameParser parser = path.parser();
        path.serverIpv6(id, server6, 0);
        int serverPort = path.serverPort(id);
        int group = group6(serverPort);
        for (int i = 0; i < localCount; i++) {
            int l = nextLocal;
            nextLocal = l + 1 == localCount ? 0 : l + 1;
            int localPort = ports.allocate(l * SERVER_POOLS + group);
            if (localPort != LocalPortPool.EXHAUSTED) {
                return table().insertFullNat(tuple.ipVersion(6).protocol(protocol)
                        .client(parser.segment(), parser.sourceAddressOffset(), clientPort)
                        .virtual(parser.segment(), parser.destinationAddressOffset(), port)
                        .server(server6, 0, serverPort).local(locals6, 16L * l, localPort), id, template);
            }
        }
        path.counters().increment(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED.ordinal());
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
        if (ipv6) {
            int l = ownsLocal6(memory, localAddress);
            if (l >= 0) {
                path.serverIpv6(destinationId, server6, 0);
                ports.release(l * SERVER_POOLS + group6(path.serverPort(destinationId)), localPort);
            }
            return;
        }
        int local = memory.get(NetworkOrder.U32, localAddress);
        for (int l = 0; l < locals.length; l++) {
            if (locals[l] == local) {
                ports.release(l * SERVER_POOLS + group(path.serverIpv4(destinationId),
                        path.serverPort(destinationId)), localPort);
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
     *
     * @return {@code true} if the frame is to be sent on
     */
    boolean toServer(int entry) {
        ConnectionTable table = table();
        FrameParser parser = path.parser();
        long mac = path.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        EthernetHeader ethernet = parser.ethernet();
        clientMacs.setAtIndex(ValueLayout.JAVA_LONG, entry, ethernet.source());
        if (ipv6) {
            FullNatRewriter.rewriteIpv6(parser, table.memory(), table.localAddressOffset(entry), table.localPort(entry),
                    table.memory(), table.destinationAddressOffset(entry), table.destinationPort(entry),
                    path.frame().needsChecksum());
        } else {
            FullNatRewriter.rewriteIpv4(parser, table.localAddressIpv4(entry), table.localPort(entry),
                    table.destinationAddressIpv4(entry), table.destinationPort(entry), path.frame().needsChecksum());
        }
        ethernet.destination(mac).source(path.link().mac());
        path.counters().increment(DirectorCounter.FORWARDED.ordinal());
        return true;
    }

    /**
     * Handles a frame to a local address: a real server's reply to a full-NAT connection is
     * rewritten for its client; anything else is left alone (the kernel, which does not own the
     * local addresses, drops it).
     *
     * @return {@code true} if the frame is to be sent on
     */
    boolean fromServer() {
        FrameParser parser = path.parser();
        if (!ipv6 && parser.protocol() == Ipv4Header.PROTOCOL_ICMP && !parser.fragment()) {
            return icmpToClient();
        }
        if (parser.fragment() || !parser.hasPorts()) {
            path.counters().increment(DirectorCounter.IGNORED.ordinal());
            return false;
        }
        ConnectionTable table = table();
        int protocol = parser.protocol();
        int entry = table.lookupReply(tuple.fromServer(parser));
        if (entry == ConnectionTable.MISS) {
            path.counters().increment(DirectorCounter.IGNORED.ordinal());
            return false;
        }
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            table.onTcpPacket(entry, PacketDirection.OUTPUT, parser.tcpFlags());
        } else {
            table.onPacket(entry);
        }
        if (ipv6) {
            FullNatRewriter.rewriteIpv6(parser, table.memory(), table.virtualAddressOffset(entry), table.virtualPort(entry),
                    table.memory(), table.clientAddressOffset(entry), table.clientPort(entry),
                    path.frame().needsChecksum());
        } else {
            FullNatRewriter.rewriteIpv4(parser, table.virtualAddressIpv4(entry), table.virtualPort(entry),
                    table.clientAddressIpv4(entry), table.clientPort(entry), path.frame().needsChecksum());
        }
        parser.ethernet().destination(clientMacs.getAtIndex(ValueLayout.JAVA_LONG, entry))
                .source(path.link().mac());
        path.counters().increment(DirectorCounter.FULL_NAT_REPLIES_FORWARDED.ordinal());
        return true;
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
    private boolean icmpToClient() {
        FrameParser parser = path.parser();
        if (!quotesPorts(parser)) {
            path.counters().increment(DirectorCounter.IGNORED.ordinal());
            return false;
        }
        ConnectionTable table = path.table();
        // The quote is the packet the director sent: local address and port to the real server.
        int entry = table.lookupReply(tuple.quotedToServer(parser));
        if (entry == ConnectionTable.MISS) {
            path.counters().increment(DirectorCounter.IGNORED.ordinal());
            return false;
        }
        int vip = table.virtualAddressIpv4(entry);
        int client = table.clientAddressIpv4(entry);
        FullNatRewriter.icmpIpv4(parser, vip, client, client, table.clientPort(entry), vip, table.virtualPort(entry));
        parser.ethernet().destination(clientMacs.getAtIndex(ValueLayout.JAVA_LONG, entry))
                .source(path.link().mac());
        path.counters().increment(DirectorCounter.FULL_NAT_ICMP_TO_CLIENT.ordinal());
        return true;
    }

    /**
     * Translates an ICMP error sent to a virtual address (by a client, or a router on its side)
     * about a reply of a full-NAT connection, for the connection's real server: it then comes
     * from the local address and quotes the real server's own packet (real server to local
     * address and port).
     *
     * @return {@link #FORWARD}, {@link #DROP} or {@link #NOT_FULL_NAT}
     */
    int icmpToServer() {
        FrameParser parser = path.parser();
        if (!quotesPorts(parser)) {
            return NOT_FULL_NAT;
        }
        ConnectionTable table = path.table();
        // The quote is the reply the director sent: virtual address and port to the client.
        int entry = table.lookup(tuple.quotedToClient(parser));
        if (entry == ConnectionTable.MISS || (table.flags(entry) & ConnectionTable.FLAG_FULL_NAT) == 0) {
            return NOT_FULL_NAT;
        }
        long mac = path.serverMac(table.destination(entry));
        if (mac == 0) {
            return DROP;
        }
        int local = table.localAddressIpv4(entry);
        int server = table.destinationAddressIpv4(entry);
        FullNatRewriter.icmpIpv4(parser, local, server, server, table.destinationPort(entry), local,
                table.localPort(entry));
        parser.ethernet().destination(mac).source(path.link().mac());
        path.counters().increment(DirectorCounter.FULL_NAT_ICMP_TO_SERVER.ordinal());
        return FORWARD;
    }
}

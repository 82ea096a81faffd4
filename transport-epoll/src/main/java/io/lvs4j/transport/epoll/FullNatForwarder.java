package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
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
 * <p>IPv6 connections ({@link #connect6}, {@link #toServer6}, {@link #fromServer6}) take IPv6
 * local addresses, whose pools follow those of the IPv4 ones; their entries live in the loop's
 * IPv6 table, which hands their ports back through {@link #released6}. ICMPv6 errors about them
 * are not translated (they are left alone and counted as ignored).
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
    private final int[] locals;
    /** The IPv6 local addresses, 16 bytes each. */
    private final MemorySegment locals6;
    private final int locals6Count;
    private final Arena arena;
    private final LocalPortPool ports;
    /** The Ethernet source of each connection's last client frame, by entry: where replies go. */
    private final MemorySegment clientMacs;
    /** The same for the IPv6 table, whose entries are numbered on their own; empty until prepared. */
    private MemorySegment clientMacs6 = MemorySegment.NULL;
    private int nextLocal;
    private int nextLocal6;

    /**
     * Makes the forwarder of one loop.
     *
     * @param path the loop's data path
     * @param arena where the per-entry state lives
     * @param capacity the connection table's capacity
     * @param locals the local addresses
     * @param locals6 the IPv6 local addresses, 16 bytes each
     * @param firstPort the lowest local port
     * @param lastPort the highest local port
     * @param loop this loop's index in the fanout group
     * @param loops the number of loops
     */
    FullNatForwarder(PacketDirector.LoopPath path, Arena arena, int capacity, int[] locals, List<byte[]> locals6,
            int firstPort, int lastPort, int loop, int loops) {
        this.path = path;
        this.arena = arena;
        this.locals = locals.clone();
        this.locals6Count = locals6.size();
        this.locals6 = arena.allocate(Math.max(1, locals6Count) * 16L);
        for (int l = 0; l < locals6Count; l++) {
            MemorySegment.copy(MemorySegment.ofArray(locals6.get(l)), 0, this.locals6, 16L * l, 16);
        }
        this.ports = LocalPortPool.builder().pools((locals.length + locals6Count) * SERVER_POOLS)
                .range(firstPort, lastPort).residue(loop, loops).build();
        this.clientMacs = arena.allocate((long) capacity * Long.BYTES, Long.BYTES);
    }

    /**
     * Makes room for the client MACs of the IPv6 connection table; call once, before its first
     * frame.
     *
     * @param capacity the IPv6 table's capacity
     */
    void prepareIpv6(int capacity) {
        clientMacs6 = arena.allocate((long) capacity * Long.BYTES, Long.BYTES);
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
                return path.table().insertFullNat(protocol, client, clientPort, vip, port, server, serverPort, id,
                        locals[l], localPort, template);
            }
        }
        path.counters().increment(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED.ordinal());
        return NO_LOCAL_PORT;
    }

    /** The connection table's {@link ConnectionTable.FullNatListener}: a port is free again. */
    void released(MemorySegment memory, long localAddress, int localPort, int destinationId) {
        int local = memory.get(NetworkOrder.U32, localAddress);
        for (int l = 0; l < locals.length; l++) {
            if (locals[l] == local) {
                ports.release(l * SERVER_POOLS + group(path.serverIpv4(destinationId),
                        path.serverPort(destinationId)), localPort);
                return;
            }
        }
    }

    /** @return the index of the IPv6 local address equal to 16 bytes of a frame, or -1 */
    int ownsLocal6(MemorySegment frame, long offset) {
        long high = frame.get(NetworkOrder.U64, offset);
        long low = frame.get(NetworkOrder.U64, offset + 8);
        for (int l = 0; l < locals6Count; l++) {
            if (locals6.get(NetworkOrder.U64, 16L * l + 8) == low && locals6.get(NetworkOrder.U64, 16L * l) == high) {
                return l;
            }
        }
        return -1;
    }

    /**
     * Inserts a new IPv6 full-NAT connection of the parsed frame with an IPv6 local address and a
     * free local port toward its real server. The pool group is chosen by the destination id
     * and port, so that one server endpoint always draws from one pool.
     *
     * @param table the loop's IPv6 table
     * @param server memory holding the real server's 16-byte address at offset 0
     * @return the entry, {@link ConnectionTable#MISS} if the table is full (the port went back),
     *     or {@link #NO_LOCAL_PORT} if no port was free (counted)
     */
    int connect6(ConnectionTable table, int protocol, int clientPort, int port, MemorySegment server, int id,
            int template) {
        FrameParser parser = path.parser();
        int serverPort = path.serverPort(id);
        int group = group(id, serverPort);
        for (int i = 0; i < locals6Count; i++) {
            int l = nextLocal6;
            nextLocal6 = l + 1 == locals6Count ? 0 : l + 1;
            int localPort = ports.allocate((locals.length + l) * SERVER_POOLS + group);
            if (localPort != LocalPortPool.EXHAUSTED) {
                return table.insertFullNat(protocol, parser.segment(), parser.sourceAddressOffset(), clientPort,
                        parser.destinationAddressOffset(), port, server, 0, serverPort, id, locals6, 16L * l,
                        localPort, template);
            }
        }
        path.counters().increment(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED.ordinal());
        return NO_LOCAL_PORT;
    }

    /** The IPv6 table's {@link ConnectionTable.FullNatListener}: a port is free again. */
    void released6(MemorySegment memory, long localAddress, int localPort, int destinationId) {
        int l = ownsLocal6(memory, localAddress);
        if (l >= 0) {
            ports.release((locals.length + l) * SERVER_POOLS + group(destinationId, path.serverPort(destinationId)),
                    localPort);
        }
    }

    /**
     * Rewrites a client's IPv6 frame of a connection for its real server: source the local
     * address and port, destination the real server's.
     *
     * @param table the loop's IPv6 table
     * @param entry the connection
     * @return {@code true} if the frame is to be sent on
     */
    boolean toServer6(ConnectionTable table, int entry) {
        FrameParser parser = path.parser();
        long mac = path.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        EthernetHeader ethernet = parser.ethernet();
        clientMacs6.setAtIndex(ValueLayout.JAVA_LONG, entry, ethernet.source());
        MemorySegment m = table.memory();
        FullNatRewriter.rewriteIpv6(parser, m, table.localAddressOffset(entry), table.localPort(entry), m,
                table.destinationAddressOffset(entry), table.destinationPort(entry), path.frame().needsChecksum());
        ethernet.destination(mac).source(path.link().mac());
        path.counters().increment(DirectorCounter.FORWARDED.ordinal());
        return true;
    }

    /**
     * Handles an IPv6 frame to a local address: a real server's reply to a full-NAT connection
     * is rewritten for its client (source the virtual address and port, destination the
     * client's); anything else is left alone.
     *
     * @param table the loop's IPv6 table
     * @return {@code true} if the frame is to be sent on
     */
    boolean fromServer6(ConnectionTable table) {
        FrameParser parser = path.parser();
        int entry = reply(table);
        if (entry == ConnectionTable.MISS) {
            return false;
        }
        MemorySegment m = table.memory();
        FullNatRewriter.rewriteIpv6(parser, m, table.virtualAddressOffset(entry), table.virtualPort(entry), m,
                table.clientAddressOffset(entry), table.clientPort(entry), path.frame().needsChecksum());
        parser.ethernet().destination(clientMacs6.getAtIndex(ValueLayout.JAVA_LONG, entry))
                .source(path.link().mac());
        path.counters().increment(DirectorCounter.FULL_NAT_REPLIES_FORWARDED.ordinal());
        return true;
    }

    /**
     * Finds the full-NAT connection of the parsed reply (real server to local address and port)
     * and feeds its state.
     *
     * @return the entry, or {@link ConnectionTable#MISS} if the frame is none of theirs (counted
     *     as ignored)
     */
    private int reply(ConnectionTable table) {
        FrameParser parser = path.parser();
        if (parser.fragment() || !parser.hasPorts()) {
            path.counters().increment(DirectorCounter.IGNORED.ordinal());
            return ConnectionTable.MISS;
        }
        int protocol = parser.protocol();
        int entry = table.lookupReply(protocol, parser.segment(), parser.sourceAddressOffset(), parser.sourcePort(),
                parser.destinationAddressOffset(), parser.destinationPort());
        if (entry == ConnectionTable.MISS) {
            path.counters().increment(DirectorCounter.IGNORED.ordinal());
            return ConnectionTable.MISS;
        }
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            table.onTcpPacket(entry, PacketDirection.OUTPUT, parser.tcpFlags());
        } else {
            table.onPacket(entry);
        }
        return entry;
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
        ConnectionTable table = path.table();
        FrameParser parser = path.parser();
        long mac = path.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        EthernetHeader ethernet = parser.ethernet();
        clientMacs.setAtIndex(ValueLayout.JAVA_LONG, entry, ethernet.source());
        FullNatRewriter.rewriteIpv4(parser, table.localAddressIpv4(entry), table.localPort(entry),
                table.destinationAddressIpv4(entry), table.destinationPort(entry), path.frame().needsChecksum());
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
        if (parser.protocol() == Ipv4Header.PROTOCOL_ICMP && !parser.fragment()) {
            return icmpToClient();
        }
        ConnectionTable table = path.table();
        int entry = reply(table);
        if (entry == ConnectionTable.MISS) {
            return false;
        }
        FullNatRewriter.rewriteIpv4(parser, table.virtualAddressIpv4(entry), table.virtualPort(entry),
                table.clientAddressIpv4(entry), table.clientPort(entry), path.frame().needsChecksum());
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
        int entry = table.lookupReply(parser.quotedProtocol(), parser.segment(),
                parser.quotedDestinationAddressOffset(), parser.quotedDestinationPort(),
                parser.quotedSourceAddressOffset(), parser.quotedSourcePort());
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
        int entry = table.lookup(parser.quotedProtocol(), parser.segment(), parser.quotedDestinationAddressOffset(),
                parser.quotedDestinationPort(), parser.quotedSourceAddressOffset(), parser.quotedSourcePort());
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

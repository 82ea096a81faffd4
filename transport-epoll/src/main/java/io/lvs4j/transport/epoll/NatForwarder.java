package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.NatRewriter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * NAT (LVS-NAT) on one loop of a {@link PacketDirector}: a client's frame gets the real server's
 * address and port as destination; a real server's reply, found by the connection table's
 * reverse index, gets the virtual address and port back as source and goes to the MAC address
 * the connection's client frames last came from. Checksums are updated incrementally. Not
 * thread-safe: its loop only; allocation-free.
 */
final class NatForwarder {

    private final PacketDirector.LoopPath path;
    /** The Ethernet source of each connection's last client frame, by entry: where replies go. */
    private final MemorySegment clientMacs;

    NatForwarder(PacketDirector.LoopPath path, Arena arena, int capacity) {
        this.path = path;
        this.clientMacs = arena.allocate((long) capacity * Long.BYTES, Long.BYTES);
    }

    /**
     * Rewrites a client's frame of a connection for its real server.
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
        NatRewriter.destinationIpv4(parser, table.destinationAddressIpv4(entry), table.destinationPort(entry));
        ethernet.destination(mac).source(path.link().mac());
        path.counters().increment(DirectorCounter.FORWARDED.ordinal());
        return true;
    }

    /**
     * Handles a frame to the director's MAC that is not for a virtual service: a real server's
     * reply to a NAT'ed connection is rewritten for its client; anything else is left alone.
     *
     * @return {@code true} if the frame is to be sent on
     */
    boolean fromServer() {
        FrameParser parser = path.parser();
        if (parser.fragment() || !parser.hasPorts()) {
            path.counters().increment(DirectorCounter.IGNORED.ordinal());
            return false;
        }
        ConnectionTable table = path.table();
        int protocol = parser.protocol();
        Ipv4Header ip = parser.ipv4();
        int entry = table.lookupReply(protocol, ip.source(), parser.sourcePort(), ip.destination(),
                parser.destinationPort());
        if (entry == ConnectionTable.MISS) {
            path.counters().increment(DirectorCounter.IGNORED.ordinal());
            return false;
        }
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            table.onTcpPacket(entry, PacketDirection.OUTPUT, parser.tcpFlags());
        } else {
            table.onPacket(entry);
        }
        NatRewriter.sourceIpv4(parser, table.virtualAddressIpv4(entry), table.virtualPort(entry));
        parser.ethernet().destination(clientMacs.getAtIndex(ValueLayout.JAVA_LONG, entry))
                .source(path.link().mac());
        path.counters().increment(DirectorCounter.REPLIES_FORWARDED.ordinal());
        return true;
    }
}

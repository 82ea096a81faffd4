package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.FrameParser;

/**
 * Direct routing (LVS-DR, IPVS's {@code ip_vs_dr_xmit}) on one loop: a client's frame goes on
 * unchanged but for its MAC addresses, the real server's as destination and the director's as
 * source (so that a bridge does not learn the client's MAC on the director's port); the real
 * server holds the VIP itself and answers the client directly. An ICMP error to the VIP about a
 * reply is relayed to the connection's server the same way. IPv4 and IPv6 alike.
 *
 * <p>Not thread-safe: its loop only; allocation-free.
 */
final class DirectRouteForwarder implements Forwarder {

    private final LoopContext context;

    DirectRouteForwarder(LoopContext context) {
        this.context = context;
    }

    @Override
    public int connect(FrameParser parser, ConnectionTable table, int destinationId, int template) {
        return context.insert(parser, table, destinationId, ForwardingMethod.DIRECT_ROUTE, template);
    }

    @Override
    public boolean toServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding) {
        if (!toServerMac(parser, table, entry)) {
            return false;
        }
        context.counters().increment(DirectorCounter.FORWARDED);
        return true;
    }

    @Override
    public boolean icmpToServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding) {
        if (!toServerMac(parser, table, entry)) {
            return false;
        }
        context.counters().increment(DirectorCounter.ICMP_RELAYED);
        return true;
    }

    private boolean toServerMac(FrameParser parser, ConnectionTable table, int entry) {
        long mac = context.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        parser.ethernet().destination(mac).source(context.toDestination(table.destination(entry)));
        return true;
    }
}

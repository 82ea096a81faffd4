package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.packet.FrameParser;

/**
 * One forwarding method of one loop's data path (direct routing, NAT, tunnelling, full-NAT):
 * how a new connection's entry is made, how a client's frame reaches the connection's real
 * server, how the server's replies and ICMP errors about the connection go back. The loop
 * classifies each frame and calls the forwarder of its service's method with everything the
 * frame needs; what else a forwarder uses (link, sender, counters, destinations) it got at
 * construction, and it never calls back into the loop.
 *
 * <p>Frames are rewritten in place; a method returning {@code true} asks the loop to send the
 * received frame on as rewritten. Implementations are not thread-safe (their loop only) and
 * allocate nothing per frame.
 */
interface Forwarder {

    /** Returned by {@link #connect} when the connection is refused for want of a full-NAT local port (counted). */
    int NO_LOCAL_PORT = -2;

    /**
     * Inserts the entry of a new connection of the parsed client frame.
     *
     * @param parser the parser, positioned on the client's first frame
     * @param table the connection table of the frame's address family
     * @param destinationId the real server the scheduler (or a persistence template) chose
     * @param template the controlling persistence template, or {@link ConnectionTable#MISS}
     * @return the entry; {@link ConnectionTable#MISS} if the table is full, {@link #NO_LOCAL_PORT}
     *     if the method had no resource for it
     */
    int connect(FrameParser parser, ConnectionTable table, int destinationId, int template);

    /**
     * Sends a client's frame of a connection to its real server.
     *
     * @param parser the parser, positioned on the frame
     * @param frame the received frame (its offload state)
     * @param table the connection table of the frame's family
     * @param entry the connection
     * @param forwarding the virtual service's forwarding
     * @return {@code true} if the frame is to be sent on as rewritten
     */
    boolean toServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry, Forwarding forwarding);

    /**
     * Handles a frame from the real servers' side to the director: a reply of a connection, or
     * an ICMP error about a client's packet. Methods whose replies bypass the director (direct
     * routing, tunnelling) never see one.
     *
     * @param parser the parser, positioned on the frame
     * @param frame the received frame
     * @param table the connection table of the frame's family
     * @return the connection's entry if the frame is to be sent on as rewritten, else
     *     {@link ConnectionTable#MISS} (dropped or left alone, counted)
     */
    default int fromServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table) {
        return ConnectionTable.MISS;
    }

    /**
     * Sends an ICMP error that came to a virtual address (from a client, or a router on its side)
     * about a reply of a connection on to the connection's real server, as IPVS does, so that
     * the server's path MTU discovery works.
     *
     * @param parser the parser, positioned on the error
     * @param frame the received frame
     * @param table the connection table of the frame's family
     * @param entry the connection the error's quote belongs to
     * @param forwarding the virtual service's forwarding
     * @return {@code true} if the frame is to be sent on as rewritten
     */
    boolean icmpToServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding);
}

package io.lvs4j.transport.epoll;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One {@link PacketSocket} per event loop of a group, all bound to one interface and joined in
 * one {@code PACKET_FANOUT} group, so the kernel spreads frames over the loops: by the flow hash
 * (both directions of a 5-tuple meet on the same loop) or by the client's IPv4 source address
 * (all of one client's flows meet on the same loop), as {@link PacketSocketOptions#fanout()}
 * says. Counters are kept per socket and summed on
 * read. Thread-safe.
 */
public final class PacketSocketGroup implements AutoCloseable {

    private final List<PacketSocket> sockets;

    private PacketSocketGroup(List<PacketSocket> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /**
     * Creates an epoll event loop group of one loop per available processor.
     *
     * @return the group; the caller shuts it down
     */
    public static MultiThreadIoEventLoopGroup newEventLoopGroup() {
        return newEventLoopGroup(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Creates an epoll event loop group.
     *
     * @param loops the number of loops
     * @return the group; the caller shuts it down
     */
    public static MultiThreadIoEventLoopGroup newEventLoopGroup(int loops) {
        return new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
    }

    /**
     * Opens a socket on every loop of the group, in the calling thread's network namespace.
     *
     * @param group an epoll event loop group
     * @param options the socket options
     * @param handlerFactory makes the handler of each socket (called once per socket)
     * @return the group of sockets, receiving
     * @throws IOException if a socket cannot be opened (those already open are closed)
     */
    public static PacketSocketGroup open(IoEventLoopGroup group, PacketSocketOptions options,
            Function<PacketSocket, FrameHandler> handlerFactory) throws IOException {
        return openOnEach(group, (loop, size) -> PacketSocket.open(loop, options, size, handlerFactory));
    }

    /**
     * Opens a marked socket ({@link PacketSocket#openMarked}) on every loop of the group, joined
     * in one fanout group in loop order.
     *
     * @param group an epoll event loop group
     * @param options the socket options (their fanout: the flow hash or the IPv4 source)
     * @param marks the firewall marks the sockets keep
     * @param handlerFactory makes the handler of each socket (called once per socket)
     * @return the group of sockets, receiving
     * @throws IOException if a socket cannot be opened (those already open are closed)
     */
    static PacketSocketGroup openMarked(IoEventLoopGroup group, PacketSocketOptions options, int[] marks,
            Function<PacketSocket, FrameHandler> handlerFactory) throws IOException {
        return openOnEach(group, (loop, size) -> PacketSocket.openMarked(loop, options, size, marks, handlerFactory));
    }

    /** Opens one socket of a fanout group of the group's size. */
    @FunctionalInterface
    private interface Opener {
        PacketSocket open(IoEventLoop loop, int fanoutSockets) throws IOException;
    }

    /** Opens a socket on every loop of the group, in loop order; closes those opened if one fails. */
    private static PacketSocketGroup openOnEach(IoEventLoopGroup group, Opener opener) throws IOException {
        List<PacketSocket> sockets = new ArrayList<>();
        int size = 0;
        for (EventExecutor ignored : group) {
            size++;
        }
        try {
            for (EventExecutor executor : group) {
                sockets.add(opener.open((IoEventLoop) executor, size));
            }
        } catch (IOException | RuntimeException e) {
            sockets.forEach(PacketSocket::close);
            throw e;
        }
        return new PacketSocketGroup(sockets);
    }

    /** @return the sockets, one per loop */
    public List<PacketSocket> sockets() {
        return sockets;
    }

    /** @return the counters of all sockets summed */
    public PacketSocketStatistics statistics() {
        PacketSocketStatistics sum = PacketSocketStatistics.zero();
        for (PacketSocket socket : sockets) {
            sum = sum.plus(socket.statistics());
        }
        return sum;
    }

    /** Closes every socket. */
    @Override
    public void close() {
        sockets.forEach(PacketSocket::close);
    }
}

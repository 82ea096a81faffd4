package io.lvs4j.transport.epoll.check.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The channel types that fit an event loop: epoll's where the loop runs Netty's epoll handler,
 * NIO's otherwise.
 *
 * @param epoll true for the epoll transport
 * @param socketType the TCP channel type
 * @param datagramType the UDP channel type
 */
public record Transport(boolean epoll, Class<? extends SocketChannel> socketType,
        Class<? extends DatagramChannel> datagramType) {

    /** Netty's native epoll transport. */
    public static final Transport EPOLL = new Transport(true, EpollSocketChannel.class, EpollDatagramChannel.class);

    /** The JDK's NIO transport. */
    public static final Transport NIO = new Transport(false, NioSocketChannel.class, NioDatagramChannel.class);

    /** @return the best I/O handler of this machine: epoll if its native library loads, else NIO */
    public static IoHandlerFactory bestHandlerFactory() {
        return Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * Returns the transport whose channels an event loop can serve.
     *
     * @param loop the loop
     * @return epoll if the loop runs the epoll handler, NIO otherwise
     */
    public static Transport of(EventLoop loop) {
        if (loop instanceof IoEventLoop io && Epoll.isAvailable() && io.isCompatible(EpollIoHandle.class)) {
            return EPOLL;
        }
        return NIO;
    }
}

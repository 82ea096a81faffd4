package io.lvs4j.transport.epoll;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * The receiving end of connection sync: a UDP socket on the sync port of the sync interface,
 * a member of the multicast group there (unless only unicast peers are configured), on one
 * event loop; each datagram is copied once into a buffer of 64 KiB and handed to the
 * {@link SyncIntake}. Control plane: a datagram costs a few objects, not a forwarded packet.
 */
final class SyncReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncReceiver.class);
    private static final int MAX_DATAGRAM = 65536;

    private final Channel channel;

    private SyncReceiver(Channel channel) {
        this.channel = channel;
    }

    /**
     * Opens the socket in the calling thread's namespace.
     *
     * @param loop the loop that reads it (whose counters the intake writes)
     * @param interfaceName the sync interface
     * @param group the group to join, or null for unicast only
     * @param port the sync port
     * @param intake the checks
     * @return the receiver, reading
     * @throws IOException if the socket cannot be bound or the group joined
     */
    static SyncReceiver open(IoEventLoop loop, String interfaceName, InetAddress group, int port, SyncIntake intake)
            throws IOException {
        byte[] bytes = new byte[MAX_DATAGRAM];
        MemorySegment memory = MemorySegment.ofArray(bytes);
        Bootstrap b = new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        InetAddress from = packet.sender().getAddress();
                        ByteBuf content = packet.content();
                        int length = Math.min(content.readableBytes(), MAX_DATAGRAM);
                        content.getBytes(content.readerIndex(), bytes, 0, length);
                        intake.onDatagram(memory, length, from instanceof Inet4Address
                                ? SyncSources.ipv4(from) : 0);
                    }
                });
        Channel ch = b.bind(new InetSocketAddress(port)).syncUninterruptibly().channel();
        try {
            if (group != null) {
                NetworkInterface nic = NetworkInterface.getByName(interfaceName);
                if (nic == null) {
                    throw new IOException("no interface " + interfaceName + " for connection sync");
                }
                ((EpollDatagramChannel) ch).joinGroup(new InetSocketAddress(group, port), nic).syncUninterruptibly();
            }
        } catch (IOException | RuntimeException e) {
            ch.close().syncUninterruptibly();
            throw e;
        }
        LOG.info("connection sync receives on {} port {}{}", interfaceName, port,
                group == null ? "" : " (group " + group.getHostAddress() + ")");
        return new SyncReceiver(ch);
    }

    /** Closes the socket. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }
}

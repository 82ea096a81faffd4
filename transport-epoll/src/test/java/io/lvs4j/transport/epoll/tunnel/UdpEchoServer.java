package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.lab.Netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP echo server for tests, bound in a namespace (to the VIP, so that answers come from it):
 * every datagram goes back to its sender unchanged. Serves on a thread of the namespace until
 * closed.
 */
final class UdpEchoServer implements AutoCloseable {

    private final DatagramChannel channel;
    private final AtomicLong received = new AtomicLong();

    private UdpEchoServer(DatagramChannel channel) {
        this.channel = channel;
    }

    static UdpEchoServer start(Netns netns, String address, int port) throws Exception {
        DatagramChannel channel = netns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(address, port)));
        UdpEchoServer server = new UdpEchoServer(channel);
        netns.executor().execute(server::serve);
        return server;
    }

    long received() {
        return received.get();
    }

    private void serve() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        try {
            while (channel.isOpen()) {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                received.incrementAndGet();
                buffer.flip();
                channel.send(buffer, from);
            }
        } catch (ClosedChannelException closed) {
            // close() ends the loop
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

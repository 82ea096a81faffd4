package io.lvs4j.transport.epoll;

import io.lvs4j.lab.Netns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP server for tests in a lab namespace: it answers every datagram with its own name, from
 * the address it is bound to (the VIP, so that DR replies come from the VIP), and counts them.
 */
final class UdpNameServer implements AutoCloseable {

    private final DatagramChannel channel;
    private final AtomicLong received = new AtomicLong();

    private UdpNameServer(DatagramChannel channel) {
        this.channel = channel;
    }

    /**
     * Binds in a namespace and serves on a thread of that namespace until closed.
     *
     * @param netns the real server's namespace
     * @param name the name to answer with
     * @param address the address to bind (the VIP)
     * @param port the port
     * @return the running server
     * @throws Exception if it cannot bind
     */
    static UdpNameServer start(Netns netns, String name, String address, int port) throws Exception {
        DatagramChannel channel = netns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(address, port)));
        UdpNameServer server = new UdpNameServer(channel);
        byte[] answer = name.getBytes(StandardCharsets.US_ASCII);
        ExecutorService executor = netns.executor();
        executor.execute(() -> server.serve(answer));
        return server;
    }

    /** @return the datagrams received so far */
    long received() {
        return received.get();
    }

    private void serve(byte[] answer) {
        ByteBuffer in = ByteBuffer.allocate(2048);
        ByteBuffer out = ByteBuffer.wrap(answer);
        try {
            while (channel.isOpen()) {
                in.clear();
                SocketAddress from = channel.receive(in);
                received.incrementAndGet();
                out.rewind();
                channel.send(out, from);
            }
        } catch (ClosedChannelException closed) {
            // close() ends the loop
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

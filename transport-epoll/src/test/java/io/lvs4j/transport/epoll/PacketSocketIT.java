package io.lvs4j.transport.epoll;

import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketSocketIT {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final int EXPERIMENTAL_ETHERTYPE = 0x88B5;

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns();
        loops = PacketSocketGroup.newEventLoopGroup(2);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldSpreadFlowsOverTheLoopsOfAFanoutGroup() throws Exception {
        try (Lab lab = Lab.builder().host("tx").host("rx").build()) {
            Host rx = lab.host("rx");
            AtomicLong udp = new AtomicLong();
            PacketSocketOptions options = PacketSocketOptions.forInterface(rx.iface());
            try (PacketSocketGroup group = rx.netns().call(() -> PacketSocketGroup.open(loops, options,
                    socket -> frame -> {
                        if (isUdpTo(frame, 9999)) {
                            udp.incrementAndGet();
                        }
                    }))) {
                int flows = 200;
                lab.host("tx").netns().call(() -> {
                    for (int i = 0; i < flows; i++) {
                        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(lab.host("tx").ip(), 0))) {
                            byte[] data = "lvs4j".getBytes(StandardCharsets.US_ASCII);
                            socket.send(new DatagramPacket(data, data.length, new InetSocketAddress(rx.ip(), 9999)));
                        }
                    }
                    return null;
                });
                await().atMost(10, TimeUnit.SECONDS).until(() -> udp.get() == flows);
                assertEquals(2, group.sockets().size());
                for (PacketSocket socket : group.sockets()) {
                    assertTrue(socket.statistics().rxFrames() > 0, "every loop of the group receives flows");
                }
                PacketSocketStatistics total = group.statistics();
                assertTrue(total.rxFrames() >= flows, total.toString());
                assertTrue(total.kernelPackets() >= total.rxFrames(), total.toString());
                assertEquals(0, total.rxTruncated());
            }
        }
    }

    @Test
    void shouldSendAFrameBuiltByTheCaller() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Host a = lab.host("a");
            Host b = lab.host("b");
            ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
            PacketSocketOptions options = PacketSocketOptions.forInterface(b.iface());
            try (PacketSocket receiver = b.netns().call(() -> PacketSocket.open(loops.next(), options, false,
                    socket -> frame -> {
                        MemorySegment buf = frame.buffer();
                        if ((buf.get(U16, frame.offset() + 12) & 0xFFFF) == EXPERIMENTAL_ETHERTYPE) {
                            byte[] payload = new byte[frame.length() - 14];
                            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, frame.offset() + 14, payload, 0,
                                    payload.length);
                            received.add(new String(payload, StandardCharsets.US_ASCII).replace("\0", ""));
                        }
                    }));
                    PacketSocket sender = a.netns().call(() -> PacketSocket.open(loops.next(),
                            PacketSocketOptions.forInterface(a.iface()), false, socket -> frame -> { }))) {
                String message = "hello-" + lab.tag();
                try (Arena arena = Arena.ofShared()) {
                    MemorySegment frame = arena.allocate(60);
                    writeMac(frame, 0, b.macBits());
                    writeMac(frame, 6, a.macBits());
                    frame.set(U16, 12, (short) EXPERIMENTAL_ETHERTYPE);
                    byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
                    MemorySegment.copy(bytes, 0, frame, ValueLayout.JAVA_BYTE, 14, bytes.length);
                    boolean sent = ((IoEventLoop) sender.loop()).submit(() -> sender.send(frame, 0, 60)).get();
                    assertTrue(sent);
                }
                await().atMost(10, TimeUnit.SECONDS).until(() -> received.contains(message));
                assertEquals(1, sender.statistics().txFrames());
                assertEquals(0, receiver.statistics().rxTruncated());
            }
        }
    }

    /**
     * A user-space forwarder between a client and a server: the client sends the server's traffic
     * to the forwarder's MAC, which rewrites both MACs and sends each frame on, GSO super-frames
     * and partial checksums included. The server must receive every byte intact.
     */
    @Test
    void shouldForwardGsoSuperFramesIntactWithVirtioNetHeaders() throws Exception {
        forwardThroughUserSpace(options -> options);
    }

    /** The same through a {@code TPACKET_V3} receive ring, sending past the queueing discipline. */
    @Test
    void shouldForwardGsoSuperFramesIntactFromAReceiveRing() throws Exception {
        PacketSocketStatistics stats = forwardThroughUserSpace(options -> options
                .withReceiveRing(PacketSocketOptions.ReceiveRing.DEFAULTS).withQdiscBypass(true));
        assertTrue(stats.rxFrames() > 0 && stats.kernelDrops() == 0, stats.toString());
    }

    private PacketSocketStatistics forwardThroughUserSpace(
            java.util.function.UnaryOperator<PacketSocketOptions> socketOptions) throws Exception {
        try (Lab lab = Lab.builder().host("client").host("fwd").host("server").build()) {
            Host client = lab.host("client");
            Host fwd = lab.host("fwd");
            Host server = lab.host("server");
            long fwdMac = fwd.macBits();
            long serverMac = server.macBits();
            int serverIp = ipv4(server.ip());
            client.exec("ip", "neigh", "replace", server.ip(), "lladdr", fwd.mac(), "dev", client.iface(), "nud",
                    "permanent").check();
            AtomicLong gso = new AtomicLong();
            AtomicLong forwarded = new AtomicLong();
            PacketSocketOptions options = socketOptions.apply(PacketSocketOptions.forInterface(fwd.iface()));
            try (PacketSocketGroup group = fwd.netns().call(() -> PacketSocketGroup.open(loops, options,
                    socket -> frame -> {
                        MemorySegment buf = frame.buffer();
                        long at = frame.offset();
                        if (frame.length() >= 34 && (buf.get(U16, at + 12) & 0xFFFF) == 0x0800
                                && buf.get(U32, at + 30) == serverIp && readMac(buf, at) == fwdMac) {
                            writeMac(buf, at, serverMac);
                            writeMac(buf, at + 6, fwdMac);
                            if (frame.gsoType() != 0) {
                                gso.incrementAndGet();
                            }
                            forwarded.incrementAndGet();
                            frame.forward();
                        }
                    }))) {
                byte[] data = new byte[5 << 20];
                new Random(42).nextBytes(data);
                byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
                ServerSocket listener = server.netns().call(() -> {
                    ServerSocket s = new ServerSocket();
                    s.bind(new InetSocketAddress(server.ip(), 7000));
                    return s;
                });
                ExecutorService inServer = server.netns().executor();
                try (listener) {
                    Future<byte[]> digest = inServer.submit(() -> {
                        try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                            MessageDigest md = MessageDigest.getInstance("SHA-256");
                            byte[] buffer = new byte[65536];
                            for (int n; (n = in.read(buffer)) > 0; ) {
                                md.update(buffer, 0, n);
                            }
                            return md.digest();
                        }
                    });
                    client.netns().call(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(server.ip(), 7000), 5000);
                            try (OutputStream out = s.getOutputStream()) {
                                out.write(data);
                            }
                        }
                        return null;
                    });
                    assertArrayEquals(expected, digest.get(30, TimeUnit.SECONDS));
                }
                PacketSocketStatistics stats = group.statistics();
                assertTrue(gso.get() > 0, "GSO super-frames reach the packet socket: " + gso.get());
                assertTrue(forwarded.get() < data.length / 1500, "super-frames are forwarded whole: " + forwarded.get());
                assertEquals(0, stats.txErrors(), stats.toString());
                assertEquals(0, stats.rxTruncated(), stats.toString());
                return stats;
            }
        }
    }

    private static boolean isUdpTo(PacketFrame frame, int port) {
        MemorySegment buf = frame.buffer();
        long at = frame.offset();
        if (frame.length() < 42 || (buf.get(U16, at + 12) & 0xFFFF) != 0x0800 || buf.get(ValueLayout.JAVA_BYTE, at + 23) != 17) {
            return false;
        }
        int ihl = (buf.get(ValueLayout.JAVA_BYTE, at + 14) & 0x0F) * 4;
        return (buf.get(U16, at + 14 + ihl + 2) & 0xFFFF) == port;
    }

    private static int ipv4(String dotted) throws Exception {
        byte[] b = java.net.InetAddress.getByName(dotted).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    private static long readMac(MemorySegment buf, long at) {
        return ((buf.get(U16, at) & 0xFFFFL) << 32) | (buf.get(U32, at + 2) & 0xFFFF_FFFFL);
    }

    private static void writeMac(MemorySegment buf, long at, long mac) {
        buf.set(U16, at, (short) (mac >>> 32));
        buf.set(U32, at + 2, (int) mac);
    }
}

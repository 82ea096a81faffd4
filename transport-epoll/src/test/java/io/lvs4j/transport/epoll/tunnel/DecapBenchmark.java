package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.RealServerSetup;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The decapsulator's throughput (a benchmark, not a test; root): while the decapsulator's loop
 * is held, a sender in another namespace fills its socket's queue (512 MiB) with small tunnel
 * packets (inner: 46-byte UDP datagrams to the VIP, no listener there, so the kernel drops them
 * after its checks, answering with rate-limited ICMP); then the loop is released, and the time it
 * takes to drain the queue (recvmmsg, checks, one TUN write per packet, and the kernel's input
 * path for the inner packet that write runs) gives packets per second on one loop, free of the
 * sender's speed; a first run warms up and is left out of the median. The bytes the loop thread
 * allocated during each drain are printed too (0 per packet once compiled). Arguments: {@code gue|ipip}, runs (3), packets per run (200000). Run with the
 * test classpath of transport-epoll, as {@code benchmarks/drain} runs its benchmark:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp CP io.lvs4j.transport.epoll.tunnel.DecapBenchmark gue 3 200000
 * </pre>
 */
public final class DecapBenchmark {

    private DecapBenchmark() {
    }

    /**
     * Runs the benchmark and prints packets/s per run and the median.
     *
     * @param args type, runs, packets per run
     * @throws Exception if the lab cannot be built or a run does not finish
     */
    public static void main(String[] args) throws Exception {
        boolean gue = args.length == 0 || !"ipip".equals(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int packets = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        NetnsGuard.assumeNetns();
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(1);
        try (Lab lab = Lab.builder().host("tx").host("rs").build()) {
            Host tx = lab.host("tx");
            Host rs = lab.host("rs");
            String vip = lab.address(203);
            String tun = "bench-" + lab.tag();
            IoEventLoop loop = (IoEventLoop) loops.next();
            InetAddress server = InetAddress.getByName(rs.ip());
            byte[] inner = new PacketBuilder().ipv4(tx.ip(), vip).udp(40000, 9).payload(new byte[18]).buildIpPacket();
            byte[] packet = gue ? GuePackets.version0(4, inner)
                    : new PacketBuilder().ipv4(tx.ip(), rs.ip()).rawTransport(4).payload(inner).buildIpPacket();
            try (TunnelDecapsulator decap = rs.netns().call(() -> {
                TunnelDecapsulator.Builder b = TunnelDecapsulator.builder().tunName(tun)
                        .families(StandardProtocolFamily.INET).receiveBufferBytes(1 << 29).loop(loop);
                return (gue ? b.gue() : b.ipip()).build().start();
            })) {
                RealServerSetup.in(rs.netns()).tunDevice(tun).vip(vip).apply();
                List<Double> rates = new ArrayList<>();
                for (int run = 0; run <= runs; run++) {
                    long before = decap.counter(DecapCounter.RECEIVED);
                    CountDownLatch release = new CountDownLatch(1);
                    CountDownLatch held = new CountDownLatch(1);
                    long[] loopThread = new long[1];
                    loop.execute(() -> {
                        loopThread[0] = Thread.currentThread().threadId();
                        held.countDown();
                        try {
                            release.await(2, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    held.await();
                    if (gue) {
                        tx.netns().call(() -> sendUdp(packet, new InetSocketAddress(server, TunnelDecapsulator.DEFAULT_GUE_PORT),
                                packets));
                    } else {
                        tx.netns().call(() -> sendRaw(packet, server, packets));
                    }
                    // let the last packets cross veth and bridge into the socket's queue
                    Thread.sleep(300);
                    long allocatedBefore = allocatedBytes(loopThread[0]);
                    long start = System.nanoTime();
                    release.countDown();
                    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(1))
                            .until(() -> decap.counter(DecapCounter.RECEIVED) - before >= packets);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    long allocated = allocatedBytes(loopThread[0]) - allocatedBefore;
                    double rate = packets / seconds;
                    if (run > 0) {
                        rates.add(rate);
                    }
                    System.out.printf(Locale.ROOT, (run == 0 ? "warm-up" : "run " + run) + ": %d %s packets drained in %.3f s: %.0f packets/s;"
                            + " the loop thread allocated %d bytes meanwhile%n",
                            packets, gue ? "GUE" : "IPIP", seconds, rate, allocated);
                }
                Collections.sort(rates);
                System.out.printf(Locale.ROOT, "median: %.0f packets/s (%s, one loop); counters %s%n",
                        rates.get(rates.size() / 2), gue ? "GUE" : "IPIP", decap.counters());
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Reads the bytes a thread has allocated so far ({@code com.sun.management.ThreadMXBean},
     * reached by reflection: the test module does not read {@code jdk.management}).
     */
    private static long allocatedBytes(long threadId) throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        return (long) Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getThreadAllocatedBytes", long.class).invoke(bean, threadId);
    }

    private static Void sendUdp(byte[] payload, InetSocketAddress to, int count) throws Exception {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(to);
            ByteBuffer buffer = ByteBuffer.allocateDirect(payload.length);
            buffer.put(payload);
            for (int i = 0; i < count; i++) {
                buffer.rewind();
                channel.write(buffer);
            }
        }
        return null;
    }

    private static Void sendRaw(byte[] packet, InetAddress to, int count) throws Exception {
        try (RawSender sender = RawSender.ipv4()) {
            for (int i = 0; i < count; i++) {
                for (int attempt = 0; ; attempt++) {
                    try {
                        sender.send(packet, to);
                        break;
                    } catch (NativeIoException e) {
                        if (e.errno() != Libc.EAGAIN || attempt == 1_000_000) {
                            throw e;
                        }
                        Thread.onSpinWait();
                    }
                }
            }
        }
        return null;
    }
}

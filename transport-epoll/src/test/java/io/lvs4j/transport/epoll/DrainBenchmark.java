package io.lvs4j.transport.epoll;

import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.lvs4j.transport.epoll.internal.Structs;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The drain benchmark of packet sockets (run by {@code benchmarks/drain}, not a test): while the
 * receiving event loop is held, a sender thread in another namespace fills the packet socket's
 * (512 MiB) queue with 60-byte frames through {@code sendmmsg}, veth and a bridge; then the loop
 * is released and the time it takes to drain the queue with {@code recvmmsg} (batches of 64,
 * a handler counting frames) gives frames/s per loop, free of the sender's speed. Arguments:
 * seconds per run (the most the sender may take), runs, frames per run.
 */
public final class DrainBenchmark {

    private DrainBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args seconds per run, runs (defaults 5 3)
     * @throws Exception if the lab cannot be built
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long frames = args.length > 2 ? Long.parseLong(args[2]) : 500_000;
        NetnsGuard.assumeNetns();
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(1);
        try (Lab lab = Lab.builder().host("tx").host("rx").build()) {
            Host tx = lab.host("tx");
            Host rx = lab.host("rx");
            long rxMac = rx.macBits();
            long txMac = tx.macBits();
            AtomicLong handled = new AtomicLong();
            AtomicLong finishedAt = new AtomicLong();
            AtomicLong target = new AtomicLong(Long.MAX_VALUE);
            long[] local = new long[1];
            PacketSocketOptions options = PacketSocketOptions.forInterface(rx.iface()).withBatchSize(64)
                    .withReceiveBufferBytes(1 << 29);
            try (PacketSocket receiver = rx.netns().call(() -> PacketSocket.open(loops.next(), options, false,
                    socket -> new FrameHandler() {
                        @Override
                        public void onFrame(PacketFrame frame) {
                            local[0]++;
                        }

                        @Override
                        public void onBatchEnd() {
                            handled.lazySet(local[0]);
                            if (local[0] >= target.get() && finishedAt.get() == 0) {
                                finishedAt.set(System.nanoTime());
                            }
                        }
                    }))) {
                List<Double> rates = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    // Hold the loop while the blaster fills the socket's queue, then time the drain alone.
                    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
                    AtomicLong startedAt = new AtomicLong();
                    receiver.statistics();
                    long before = handled.get();
                    PacketSocketStatistics start = receiver.statistics();
                    receiver.loop().execute(() -> {
                        try {
                            hold.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        startedAt.set(System.nanoTime());
                    });
                    long sent = tx.netns().call(() -> blast(tx.iface(), txMac, rxMac, seconds, frames));
                    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                            .until(() -> receiver.statistics().kernelPackets() - start.kernelPackets() >= sent);
                    PacketSocketStatistics queuedStats = receiver.statistics();
                    long queued = (queuedStats.kernelPackets() - start.kernelPackets())
                            - (queuedStats.kernelDrops() - start.kernelDrops());
                    finishedAt.set(0);
                    target.set(before + queued);
                    hold.countDown();
                    org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(10, TimeUnit.MILLISECONDS)
                            .until(() -> finishedAt.get() != 0);
                    double rate = queued / ((finishedAt.get() - startedAt.get()) / 1e9);
                    rates.add(rate);
                    System.out.printf(Locale.ROOT,
                            "run %d: sent %d, queued %d, kernel drops %d, drained at %.0f frames/s%n", run + 1, sent,
                            queued, queuedStats.kernelDrops() - start.kernelDrops(), rate);
                }
                Collections.sort(rates);
                System.out.printf(Locale.ROOT, "drain, one loop, recvmmsg batches of 64: median %.0f frames/s%n",
                        rates.get(rates.size() / 2));
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Sends 60-byte frames of a local experimental EtherType, at most a count for at most a time; returns how many. */
    private static long blast(String iface, long from, long to, int seconds, long frames) throws Exception {
        int batch = 64;
        int fd = PacketSocketFd.openPacket(LinkInfo.of(iface).index());
        try (Arena arena = Arena.ofConfined()) {
            PacketSocketFd.setInt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, 8 << 20);
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment frame = arena.allocate(60);
            for (int i = 0; i < 6; i++) {
                frame.set(ValueLayout.JAVA_BYTE, i, (byte) (to >>> (40 - 8 * i)));
                frame.set(ValueLayout.JAVA_BYTE, 6 + i, (byte) (from >>> (40 - 8 * i)));
            }
            frame.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x88);
            frame.set(ValueLayout.JAVA_BYTE, 13, (byte) 0xB5);
            MemorySegment iov = arena.allocate(Structs.IOVEC);
            iov.set(ValueLayout.ADDRESS, Structs.IOV_BASE, frame);
            iov.set(ValueLayout.JAVA_LONG, Structs.IOV_LEN, 60);
            MemorySegment vec = arena.allocate(Structs.MMSGHDR, batch);
            for (int i = 0; i < batch; i++) {
                vec.set(ValueLayout.ADDRESS, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_IOV, iov);
                vec.set(ValueLayout.JAVA_LONG, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_IOVLEN, 1);
            }
            long sent = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end && sent < frames) {
                int n = Libc.sendmmsg(cs, fd, vec, batch, 0);
                if (n > 0) {
                    sent += n;
                }
            }
            return sent;
        } finally {
            PacketSocketFd.close(fd);
        }
    }
}

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
 * a handler counting frames) gives frames/s per loop, free of the sender's speed; or, with a
 * {@code TPACKET_V3} ring instead of the queue, the time to read the ring's blocks. Arguments:
 * seconds per run (the most the sender may take), runs, frames per run, and {@code recvmmsg},
 * {@code ring} or {@code both} (alternately, a new socket per run).
 */
public final class DrainBenchmark {

    /** The ring of {@code ring} mode: room for 500,000 small frames; blocks retire after 10 ms (see e2e-udp). */
    private static final PacketSocketOptions.ReceiveRing RING = new PacketSocketOptions.ReceiveRing(256 << 10, 512, 10);

    private DrainBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args seconds per run, runs, frames, and how the socket receives: {@code recvmmsg},
     *     {@code ring} ({@code TPACKET_V3}) or {@code both}, alternately (defaults 5 3 500000 recvmmsg)
     * @throws Exception if the lab cannot be built
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long frames = args.length > 2 ? Long.parseLong(args[2]) : 500_000;
        String receive = args.length > 3 ? args[3] : "recvmmsg";
        List<Boolean> rings = switch (receive) {
            case "recvmmsg" -> List.of(false);
            case "ring" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("receive must be recvmmsg, ring or both: " + receive);
        };
        NetnsGuard.assumeNetns();
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(1);
        try (Lab lab = Lab.builder().host("tx").host("rx").build()) {
            List<List<Double>> rates = new ArrayList<>();
            rings.forEach(ring -> rates.add(new ArrayList<>()));
            for (int run = 0; run < runs; run++) {
                for (int mode = 0; mode < rings.size(); mode++) {
                    // A socket of its own per run, so that only one socket on the interface receives at a time.
                    PacketSocketOptions options = PacketSocketOptions.forInterface(lab.host("rx").iface())
                            .withBatchSize(64).withReceiveBufferBytes(1 << 29).withReceiveRing(rings.get(mode) ? RING : null);
                    double rate = drainOnce(lab.host("tx"), lab.host("rx"), loops, options, seconds, frames);
                    rates.get(mode).add(rate);
                    System.out.printf(Locale.ROOT, "run %d, %s (load %s): drained at %.0f frames/s%n", run + 1,
                            rings.get(mode) ? "ring" : "recvmmsg", load(), rate);
                }
            }
            for (int mode = 0; mode < rings.size(); mode++) {
                List<Double> sorted = new ArrayList<>(rates.get(mode));
                Collections.sort(sorted);
                System.out.printf(Locale.ROOT, "drain, one loop, %s: median %.0f frames/s, runs %s%n",
                        rings.get(mode) ? "TPACKET_V3 ring " + RING : "recvmmsg batches of 64", sorted.get(sorted.size() / 2),
                        rates.get(mode));
            }
            if (rings.size() == 2) {
                List<Double> ratios = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    ratios.add(rates.get(1).get(run) / rates.get(0).get(run));
                }
                List<Double> sorted = new ArrayList<>(ratios);
                Collections.sort(sorted);
                System.out.printf(Locale.ROOT, "ring / recvmmsg per run %s, median %.3f%n", ratios, sorted.get(sorted.size() / 2));
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One run: holds the loop while the blaster fills the socket's queue, then times the drain alone. */
    private static double drainOnce(Host tx, Host rx, MultiThreadIoEventLoopGroup loops, PacketSocketOptions options,
            int seconds, long frames) throws Exception {
        long rxMac = rx.macBits();
        long txMac = tx.macBits();
        AtomicLong finishedAt = new AtomicLong();
        AtomicLong target = new AtomicLong(Long.MAX_VALUE);
        long[] local = new long[1];
        try (PacketSocket receiver = rx.netns().call(() -> PacketSocket.open(loops.next(), options, false,
                socket -> new FrameHandler() {
                    @Override
                    public void onFrame(PacketFrame frame) {
                        local[0]++;
                    }

                    @Override
                    public void onBatchEnd() {
                        if (local[0] >= target.get() && finishedAt.get() == 0) {
                            finishedAt.set(System.nanoTime());
                        }
                    }
                }))) {
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            AtomicLong startedAt = new AtomicLong();
            AtomicLong before = new AtomicLong();
            receiver.loop().submit(() -> before.set(local[0])).get(10, TimeUnit.SECONDS);
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
            target.set(before.get() + queued);
            hold.countDown();
            org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(10, TimeUnit.MILLISECONDS)
                    .until(() -> finishedAt.get() != 0);
            System.out.printf(Locale.ROOT, "sent %d, queued %d, kernel drops %d%n", sent, queued,
                    queuedStats.kernelDrops() - start.kernelDrops());
            return queued / ((finishedAt.get() - startedAt.get()) / 1e9);
        }
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "?";
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

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * The bounded UDP end-to-end benchmark of the DR director (run by {@code benchmarks/e2e-udp},
 * not a test): in a fresh lab, a sender thread in the client namespace blasts fixed-size UDP
 * datagrams ({@code sendmmsg}, batches of 64, over several sockets: one flow each) for a fixed
 * time or count, alternately to one real server's own address (direct path) and to the VIP
 * through the in-process DR director (one UDP virtual service, that same server). What arrives
 * is counted by the real server's kernel UDP layer ({@code /proc/net/snmp}: InDatagrams, NoPorts
 * and InErrors, so a reader's speed does not matter: the bound socket is never read). Prints
 * per run the sender's rate and the received rate, then medians and the ratio DR / direct.
 * Then, as the drain benchmark does, the director's own forwarding rate free of the sender:
 * while its loops are held the sender fills their sockets' queues, then the time to forward the
 * whole queue gives datagrams/s. The director's sockets have 512 MiB receive buffers in both
 * modes, or receive through a 128 MiB {@code TPACKET_V3} ring. Arguments: seconds per run, runs,
 * event loops, flows per sender thread, UDP payload bytes, most datagrams per run, datagrams per
 * burst, sender threads, and how the director receives: {@code recvmmsg}, {@code ring}, or
 * {@code both}, which measures the bursts of both alternately, a new director for each burst.
 */
public final class UdpEndToEndBenchmark {

    static final int PORT = 9000;
    private static final int BATCH = 64;

    /** Sender threads, each with its own sockets (flows). */
    private static int senders = 1;
    /**
     * The ring of {@code ring} mode: 512 blocks of 256 KiB, room for a burst of 300,000 small
     * frames. Blocks retire after 10 ms: with 1 ms, while the loop is held, each block would be
     * retired after one millisecond of the sender's traffic (about 100 frames) and the ring would
     * be full after some 50,000 frames.
     */
    private static final PacketSocketOptions.ReceiveRing RING = new PacketSocketOptions.ReceiveRing(256 << 10, 512, 10);

    private UdpEndToEndBenchmark() {
    }

    /** One run: what was sent, in how long, and what arrived, in how long. */
    record Run(long sent, long sendNanos, long received, long receiveNanos) {
        double sentRate() {
            return sent / (sendNanos / 1e9);
        }

        double receivedRate() {
            return received / (receiveNanos / 1e9);
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args seconds per run, runs, event loops, flows, payload bytes, most datagrams per run,
     *     datagrams per burst, sender threads, receive mode (defaults 5 3 1 4 64 50000000 300000 1 recvmmsg)
     * @throws Exception if the lab cannot be built
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int loopCount = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int flows = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int payload = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        long most = args.length > 5 ? Long.parseLong(args[5]) : 50_000_000L;
        long burst = args.length > 6 ? Long.parseLong(args[6]) : 300_000L;
        senders = args.length > 7 ? Integer.parseInt(args[7]) : 1;
        String receive = args.length > 8 ? args[8] : "recvmmsg";
        List<Boolean> rings = switch (receive) {
            case "recvmmsg" -> List.of(false);
            case "ring" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("receive must be recvmmsg, ring or both: " + receive);
        };
        NetnsGuard.assumeNetns();
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(loopCount);
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs = lab.host("rs1");
            String vip = lab.address(204);
            rs.holdVipOnLoopback(vip);
            // A bound socket that nobody reads: datagrams reach it (and are counted) without an ICMP each.
            try (DatagramChannel sink = rs.netns().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress("0.0.0.0", PORT)));
                    PacketDirector dr = startDirector(director, rs, vip, loops, rings.get(0))) {
                // Let the client resolve both destinations before timing anything.
                client.exec("ping", "-c", "1", "-W", "2", rs.ip());
                client.netns().call(() -> blast(rs.ip(), 1, payload, 1, 1));
                client.netns().call(() -> blast(vip, 1, payload, 1, 1));
                System.out.printf(Locale.ROOT, "e2e-udp: %d s runs, %d runs each, %d loop(s), %d flows, %d-byte payload "
                        + "(%d-byte frames), at most %d datagrams per run, %d sender thread(s), sendmmsg batches of %d, "
                        + "director receiving by %s%n", seconds, runs, loopCount, flows, payload, payload + 42, most, senders,
                        BATCH, rings.get(0) ? "ring" : "recvmmsg");
                List<Run> direct = new ArrayList<>();
                List<Run> viaDr = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    direct.add(measure(client, rs, rs.ip(), seconds, flows, payload, most));
                    PacketSocketStatistics before = dr.socketStatistics();
                    long forwardedBefore = dr.counter(DirectorCounter.FORWARDED);
                    Run r = measure(client, rs, vip, seconds, flows, payload, most);
                    viaDr.add(r);
                    PacketSocketStatistics after = dr.socketStatistics();
                    System.out.printf(Locale.ROOT, "run %d: direct sent %.0f/s received %.0f/s (%d of %d) | via DR sent %.0f/s "
                            + "received %.0f/s (%d of %d), director forwarded %d, kernel drops %d%n", run + 1,
                            direct.get(run).sentRate(), direct.get(run).receivedRate(), direct.get(run).received(),
                            direct.get(run).sent(), r.sentRate(), r.receivedRate(), r.received(), r.sent(),
                            dr.counter(DirectorCounter.FORWARDED) - forwardedBefore,
                            after.kernelDrops() - before.kernelDrops());
                }
                double dSent = median(direct.stream().map(Run::sentRate).toList());
                double dReceived = median(direct.stream().map(Run::receivedRate).toList());
                double vSent = median(viaDr.stream().map(Run::sentRate).toList());
                double vReceived = median(viaDr.stream().map(Run::receivedRate).toList());
                System.out.printf(Locale.ROOT, "UDP datagrams/s, medians: direct received %.0f (sender %.0f)  via DR received "
                        + "%.0f (sender %.0f)  ratio %.3f%n", dReceived, dSent, vReceived, vSent, vReceived / dReceived);
                if (rings.size() == 2) {
                    // Two directors on one interface would both forward every frame: this one stops first.
                    printDirector(dr);
                    dr.close();
                }
                List<List<Double>> drained = new ArrayList<>();
                List<List<Double>> perCpu = new ArrayList<>();
                rings.forEach(ring -> drained.add(new ArrayList<>()));
                rings.forEach(ring -> perCpu.add(new ArrayList<>()));
                for (int run = 0; run < runs; run++) {
                    for (int mode = 0; mode < rings.size(); mode++) {
                        if (rings.size() == 1) {
                            double[] r = burst(client, rs, vip, dr, loops, seconds, flows, payload, Math.min(most, burst), run);
                            drained.get(mode).add(r[0]);
                            perCpu.get(mode).add(r[1]);
                            continue;
                        }
                        // Alternately, each burst with a director of its own in the mode's turn.
                        try (PacketDirector other = startDirector(director, rs, vip, loops, rings.get(mode))) {
                            System.out.printf(Locale.ROOT, "burst %d by %s (load %s):%n", run + 1,
                                    rings.get(mode) ? "ring" : "recvmmsg", load());
                            double[] r = burst(client, rs, vip, other, loops, seconds, flows, payload,
                                    Math.min(most, burst), run);
                            drained.get(mode).add(r[0]);
                            perCpu.get(mode).add(r[1]);
                        }
                    }
                }
                for (int mode = 0; mode < rings.size(); mode++) {
                    System.out.printf(Locale.ROOT, "director forwarding from a full queue (%d loop(s), %s), median %.0f "
                            + "datagrams/s, runs %s; per second of the loops' CPU time median %.0f, runs %s%n", loopCount,
                            rings.get(mode) ? "ring" : "recvmmsg", median(drained.get(mode)), drained.get(mode),
                            median(perCpu.get(mode)), perCpu.get(mode));
                }
                if (rings.size() == 2) {
                    List<Double> ratios = new ArrayList<>();
                    List<Double> cpuRatios = new ArrayList<>();
                    for (int run = 0; run < runs; run++) {
                        ratios.add(drained.get(1).get(run) / drained.get(0).get(run));
                        cpuRatios.add(perCpu.get(1).get(run) / perCpu.get(0).get(run));
                    }
                    System.out.printf(Locale.ROOT, "ring / recvmmsg per run %s, median %.3f; per CPU second %s, median %.3f%n",
                            ratios, median(ratios), cpuRatios, median(cpuRatios));
                }
                if (rings.size() == 1) {
                    printDirector(dr);
                }
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts a DR director for one UDP service in its namespace, receiving with recvmmsg or a ring. */
    private static PacketDirector startDirector(Host director, Host rs, String vip, MultiThreadIoEventLoopGroup loops,
            boolean ring) throws Exception {
        VirtualService vs = new VirtualService(Protocol.UDP, InetAddress.getByName(vip), PORT,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(rs.ip()), PORT, 1));
        PacketSocketOptions options = PacketSocketOptions.forInterface(director.iface()).withReceiveBufferBytes(1 << 29)
                .withReceiveRing(ring ? RING : null);
        PacketDirector dr = director.netns().call(() -> PacketDirector.builder().interfaceName(director.iface())
                .directorAddress(InetAddress.getByName(director.ip())).loops(loops).virtualService(vs)
                .socketOptions(options).build().start());
        await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(rs.ip())));
        return dr;
    }

    private static void printDirector(PacketDirector dr) {
        System.out.println("director: " + dr.socketStatistics());
        for (DirectorCounter counter : DirectorCounter.values()) {
            System.out.println("  " + counter + " " + dr.counter(counter));
        }
        System.out.println("  table entries " + dr.connectionCount());
    }

    static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /**
     * Forwarding without the sender on the CPU: while the director's loops are held, the sender
     * fills their sockets' queues (512 MiB receive buffers); then they are released and the time
     * until the director has forwarded every queued datagram gives datagrams/s.
     */
    private static double[] burst(Host client, Host rs, String vip, PacketDirector dr, MultiThreadIoEventLoopGroup loops,
            int seconds, int flows, int payload, long count, int run) throws Exception {
        List<java.nio.file.Path> threads = new ArrayList<>();
        for (io.netty.util.concurrent.EventExecutor loop : loops) {
            threads.add(loop.submit(() -> java.nio.file.Path.of("/proc/thread-self").toRealPath()).get(10, TimeUnit.SECONDS));
        }
        CountDownLatch hold = new CountDownLatch(1);
        AtomicLong startedAt = new AtomicLong();
        PacketSocketStatistics start = dr.socketStatistics();
        long forwardedBefore = dr.counter(DirectorCounter.FORWARDED);
        long seenBefore = udpSeen(rs);
        loops.forEach(loop -> loop.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            startedAt.compareAndSet(0, System.nanoTime());
        }));
        long sent;
        PacketSocketStatistics queuedStats;
        long cpuBefore;
        try {
            sent = send(client, vip, flows, payload, seconds, count)[0];
            await().atMost(10, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS)
                    .until(() -> dr.socketStatistics().kernelPackets() - start.kernelPackets() >= sent);
            queuedStats = dr.socketStatistics();
            cpuBefore = cpuNanos(threads);
        } finally {
            hold.countDown();
        }
        long drops = queuedStats.kernelDrops() - start.kernelDrops();
        long queued = sent - drops;
        long[] finishedAt = {0};
        long[] cpuAfter = {0};
        await().atMost(30, TimeUnit.SECONDS).pollInterval(1, TimeUnit.MILLISECONDS).until(() -> {
            if (dr.counter(DirectorCounter.FORWARDED) - forwardedBefore >= queued) {
                finishedAt[0] = System.nanoTime();
                cpuAfter[0] = cpuNanos(threads);
                return true;
            }
            return false;
        });
        await().atMost(10, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> udpSeen(rs) - seenBefore >= queued);
        double rate = queued / ((finishedAt[0] - startedAt.get()) / 1e9);
        double perCpu = queued / ((cpuAfter[0] - cpuBefore) / 1e9);
        System.out.printf(Locale.ROOT, "burst %d: sent %d to the VIP while held, queued %d (kernel drops %d), forwarded "
                + "%d, real server saw %d; forwarded at %.0f datagrams/s, %.0f per second of the loops' CPU time%n", run + 1,
                sent, queued, drops, dr.counter(DirectorCounter.FORWARDED) - forwardedBefore, udpSeen(rs) - seenBefore, rate,
                perCpu);
        return new double[] {rate, perCpu};
    }

    /** The threads' time on a CPU so far ({@code schedstat}'s first field), nanoseconds. */
    static long cpuNanos(List<java.nio.file.Path> threads) {
        long sum = 0;
        for (java.nio.file.Path thread : threads) {
            try {
                String schedstat = java.nio.file.Files.readString(thread.resolve("schedstat")).strip();
                sum += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return sum;
    }

    /** Blasts at one destination and counts what the real server's UDP layer saw, until it settles. */
    static Run measure(Host client, Host rs, String to, int seconds, int flows, int payload, long most)
            throws Exception {
        long before = udpSeen(rs);
        long start = System.nanoTime();
        long[] sent = send(client, to, flows, payload, seconds, most);
        long[] last = {udpSeen(rs), System.nanoTime()};
        // Settled: no new datagram over 200 ms (bounded: at most 10 s).
        await().atMost(10, TimeUnit.SECONDS).pollInterval(10, TimeUnit.MILLISECONDS).until(() -> {
            long now = System.nanoTime();
            long seen = udpSeen(rs);
            if (seen != last[0]) {
                last[0] = seen;
                last[1] = now;
                return false;
            }
            return now - last[1] >= TimeUnit.MILLISECONDS.toNanos(200);
        });
        return new Run(sent[0], sent[1] - start, last[0] - before, last[1] - start);
    }

    /** Datagrams the namespace's UDP layer has seen: InDatagrams + NoPorts + InErrors of /proc/net/snmp. */
    static long udpSeen(Host host) {
        String snmp = host.exec("cat", "/proc/net/snmp").check().stdout();
        String[] header = null;
        for (String line : snmp.split("\n")) {
            if (line.startsWith("Udp: ")) {
                String[] fields = line.substring(5).trim().split("\\s+");
                if (header == null) {
                    header = fields;
                } else {
                    long sum = 0;
                    for (int i = 0; i < header.length; i++) {
                        if (header[i].equals("InDatagrams") || header[i].equals("NoPorts")
                                || header[i].equals("InErrors")) {
                            sum += Long.parseLong(fields[i]);
                        }
                    }
                    return sum;
                }
            }
        }
        throw new IllegalStateException("no Udp lines in /proc/net/snmp: " + snmp);
    }

    /** Runs the sender threads in the client's namespace; returns datagrams sent and when the last one finished. */
    static long[] send(Host client, String to, int flows, int payload, int seconds, long most)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(senders, client.netns().threadFactory());
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                long share = most / senders + (i < most % senders ? 1 : 0);
                results.add(threads.submit(() -> blast(to, flows, payload, seconds, share)));
            }
            long sent = 0;
            long last = 0;
            for (Future<long[]> result : results) {
                long[] r = result.get(seconds + 30L, TimeUnit.SECONDS);
                sent += r[0];
                last = Math.max(last, r[1]);
            }
            return new long[] {sent, last};
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Sends datagrams over several UDP sockets (one flow each, batches of 64 by {@code sendmmsg})
     * for at most a time and a count; returns how many were sent and when the last one went.
     */
    private static long[] blast(String to, int flows, int payload, int seconds, long most) throws Exception {
        int[] fds = new int[flows];
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < flows; i++) {
                fds[i] = PacketSocketFd.open(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
                PacketSocketFd.setInt(fds[i], Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, 4 << 20);
            }
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment data = arena.allocate(Math.max(payload, 1));
            MemorySegment address = arena.allocate(16);
            byte[] ip = InetAddress.getByName(to).getAddress();
            address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET); // native order, as sa_family_t
            address.set(ValueLayout.JAVA_BYTE, 2, (byte) (PORT >>> 8));
            address.set(ValueLayout.JAVA_BYTE, 3, (byte) PORT);
            for (int i = 0; i < 4; i++) {
                address.set(ValueLayout.JAVA_BYTE, 4 + i, ip[i]);
            }
            MemorySegment iov = arena.allocate(Structs.IOVEC);
            iov.set(ValueLayout.ADDRESS, Structs.IOV_BASE, data);
            iov.set(ValueLayout.JAVA_LONG, Structs.IOV_LEN, payload);
            long size = Structs.MMSGHDR.byteSize();
            MemorySegment vec = arena.allocate(Structs.MMSGHDR, BATCH);
            for (int i = 0; i < BATCH; i++) {
                vec.set(ValueLayout.ADDRESS, i * size + Structs.MMSG_NAME, address);
                vec.set(ValueLayout.JAVA_INT, i * size + Structs.MMSG_NAMELEN, 16);
                vec.set(ValueLayout.ADDRESS, i * size + Structs.MMSG_IOV, iov);
                vec.set(ValueLayout.JAVA_LONG, i * size + Structs.MMSG_IOVLEN, 1);
            }
            long sent = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            int flow = 0;
            while (sent < most && System.nanoTime() < end) {
                int n = Libc.sendmmsg(cs, fds[flow], vec, (int) Math.min(BATCH, most - sent), 0);
                if (n > 0) {
                    sent += n;
                }
                flow = flow + 1 == flows ? 0 : flow + 1;
            }
            return new long[] {sent, System.nanoTime()};
        } finally {
            for (int fd : fds) {
                if (fd > 0) {
                    PacketSocketFd.close(fd);
                }
            }
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

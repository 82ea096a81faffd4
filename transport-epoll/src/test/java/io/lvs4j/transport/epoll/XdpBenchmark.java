package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The bounded AF_PACKET against AF_XDP benchmark (run by {@code benchmarks/e2e-xdp}, not a
 * test): in one lab, a {@code sendmmsg} sender in the client namespace blasts fixed-size UDP
 * datagrams at a VIP for a fixed time or count, through a DR director (one loop, in-process, in
 * its own namespace) that runs on {@link Transport#PACKET} and on {@link Transport#XDP} in turn,
 * a new director for each run, the order swapped every round so that neither always goes first.
 * The real server's kernel counts what arrives ({@code /proc/net/snmp}). Per run: the sender's
 * rate, the received rate, the director loop's CPU time per forwarded datagram, and the drops the
 * kernel reported; then medians and the ratios XDP / packet, per round and their median.
 *
 * <p>The client's transmit checksum offload is off for both transports: AF_XDP reports no
 * partial checksum, so a local sender's frames must carry full ones.
 */
public final class XdpBenchmark {

    private XdpBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args seconds per run, rounds, flows, payload bytes, most datagrams per run (defaults 5 3 4 64 20000000)
     * @throws Exception if the lab cannot be built
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int flows = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int payload = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        long most = args.length > 4 ? Long.parseLong(args[4]) : 20_000_000L;
        NetnsGuard.assumeNetns();
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(1);
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs = lab.host("rs1");
            String vip = lab.address(204);
            rs.holdVipOnLoopback(vip);
            if (TxChecksumOffload.set(client, false)) {
                throw new IllegalStateException("the client's transmit checksum offload stays on");
            }
            Path loop = loops.next().submit(() -> Path.of("/proc/thread-self").toRealPath()).get(10, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "e2e-xdp: %d s runs, %d rounds, 1 director loop, %d flows, %d-byte payload "
                    + "(%d-byte frames), at most %d datagrams per run; load %s%n", seconds, rounds, flows, payload,
                    payload + 42, most, UdpEndToEndBenchmark.load());
            List<List<double[]>> results = List.of(new ArrayList<>(), new ArrayList<>());
            try (DatagramChannel sink = rs.netns().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress("0.0.0.0", UdpEndToEndBenchmark.PORT)))) {
                client.exec("ping", "-c", "1", "-W", "2", rs.ip());
                for (int round = 0; round < rounds; round++) {
                    for (int k = 0; k < 2; k++) {
                        int t = (round + k) % 2;
                        Transport transport = Transport.values()[t];
                        results.get(t).add(run(client, director, rs, vip, loops, loop, transport, seconds, flows, payload,
                                most, round));
                    }
                }
            }
            summarize(results, rounds);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One run on one transport: {received/s, sent/s, loop CPU ns per forwarded datagram}. */
    private static double[] run(Host client, Host director, Host rs, String vip, MultiThreadIoEventLoopGroup loops,
            Path loop, Transport transport, int seconds, int flows, int payload, long most, int round) throws Exception {
        VirtualService vs = new VirtualService(Protocol.UDP, InetAddress.getByName(vip), UdpEndToEndBenchmark.PORT,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(rs.ip()), UdpEndToEndBenchmark.PORT, 1));
        PacketSocketOptions options = PacketSocketOptions.forInterface(director.iface()).withReceiveBufferBytes(1 << 29);
        try (PacketDirector dr = director.netns().call(() -> PacketDirector.builder().interfaceName(director.iface())
                .directorAddress(InetAddress.getByName(director.ip())).loops(loops).virtualService(vs)
                .socketOptions(options).transport(transport).build().start())) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(rs.ip())));
            if (transport == Transport.XDP && dr.xdp() == null) {
                throw new IllegalStateException("AF_XDP was refused: see the log");
            }
            // The client learns the VIP's MAC before anything is timed.
            UdpEndToEndBenchmark.send(client, vip, 1, payload, 1, 64);
            String load = UdpEndToEndBenchmark.load();
            PacketSocketStatistics before = dr.socketStatistics();
            long forwardedBefore = dr.counter(DirectorCounter.FORWARDED);
            long cpuBefore = UdpEndToEndBenchmark.cpuNanos(List.of(loop));
            UdpEndToEndBenchmark.Run r = UdpEndToEndBenchmark.measure(client, rs, vip, seconds, flows, payload, most);
            long cpu = UdpEndToEndBenchmark.cpuNanos(List.of(loop)) - cpuBefore;
            long forwarded = dr.counter(DirectorCounter.FORWARDED) - forwardedBefore;
            PacketSocketStatistics after = dr.socketStatistics();
            double perDatagram = forwarded == 0 ? Double.NaN : (double) cpu / forwarded;
            System.out.printf(Locale.ROOT, "round %d %-6s (%s): sent %.0f/s, received %.0f/s (%d of %d), forwarded %d,"
                    + " loop CPU %.0f ns per forwarded datagram, kernel drops %d, transmit drops %d; load %s%n", round + 1,
                    transport == Transport.XDP ? dr.transport() : "packet", transport, r.sentRate(), r.receivedRate(),
                    r.received(), r.sent(), forwarded, perDatagram, after.kernelDrops() - before.kernelDrops(),
                    after.txDropped() - before.txDropped(), load);
            return new double[] {r.receivedRate(), r.sentRate(), perDatagram};
        }
    }

    private static void summarize(List<List<double[]>> results, int rounds) {
        String[] what = {"received datagrams/s", "sender datagrams/s", "loop CPU ns per datagram"};
        for (int m = 0; m < what.length; m++) {
            List<Double> packet = new ArrayList<>();
            List<Double> xdp = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                packet.add(results.get(0).get(round)[m]);
                xdp.add(results.get(1).get(round)[m]);
                ratios.add(xdp.get(round) / packet.get(round));
            }
            System.out.printf(Locale.ROOT, "%s: packet median %.0f %s | xdp median %.0f %s | xdp/packet per round %s,"
                    + " median %.3f%n", what[m], UdpEndToEndBenchmark.median(packet), rounded(packet),
                    UdpEndToEndBenchmark.median(xdp), rounded(xdp), rounded3(ratios), UdpEndToEndBenchmark.median(ratios));
        }
        System.out.println("load at the end: " + UdpEndToEndBenchmark.load());
    }

    private static List<Long> rounded(List<Double> values) {
        return values.stream().map(Math::round).toList();
    }

    private static List<String> rounded3(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList();
    }
}

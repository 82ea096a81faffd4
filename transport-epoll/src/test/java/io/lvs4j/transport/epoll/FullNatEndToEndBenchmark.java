package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.testkit.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NamedHttpServer;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The bounded end-to-end benchmark of full-NAT (a main, not a test; run it as
 * {@code benchmarks/e2e-dr} runs {@link DrEndToEndBenchmark}): in a fresh lab, wrk from the
 * client namespace measures requests/s to one real server directly and through the in-process
 * director forwarding one full-NAT service to that same server (from the local address
 * 198.18.1.251 to .254, which the server reaches through its second address
 * 198.18.1.7/24; four of them, so that the new-connection runs, whose closed connections hold
 * their local port for IPVS's 2-minute TIME_WAIT, do not run out of ports),
 * alternating, in runs of a fixed length; it prints the medians and their ratio, with
 * keep-alive and with a new connection per request. Arguments: seconds per run, runs, loops,
 * wrk connections.
 */
public final class FullNatEndToEndBenchmark {

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private FullNatEndToEndBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args seconds per run, runs, event loops, wrk connections (defaults 5 3 1 32)
     * @throws Exception if the lab cannot be built
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int loopCount = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        NetnsGuard.assumeNetns("wrk", "nginx");
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(loopCount);
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs = lab.host("rs1");
            String vip = lab.address(200);
            rs.exec("ip", "addr", "add", "198.18.1.7/24", "dev", rs.iface()).check();
            director.exec("ip", "addr", "add", "198.18.1.2/24", "dev", director.iface()).check();
            // New-connection runs open ~10^5 connections in seconds: let the client use every port and
            // keep the server's TIME_WAIT sockets from refusing a reused client port (both paths alike).
            client.exec("sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65000").check();
            rs.exec("sysctl", "-q", "-w", "net.ipv4.tcp_max_tw_buckets=0").check();
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.1.7"), 80, 1));
            try (NamedHttpServer server = NamedHttpServer.start(rs, "nginx1", 80);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder().interfaceName(director.iface())
                            .directorAddress(InetAddress.getByName("198.18.1.2")).loops(loops)
                            .virtualService(vs, Forwarding.fullNat()).localAddresses(InetAddress.getByName("198.18.1.254"), InetAddress.getByName("198.18.1.253"),
                                    InetAddress.getByName("198.18.1.252"), InetAddress.getByName("198.18.1.251"))
                            .build().start())) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName("198.18.1.7")));
                System.out.printf(Locale.ROOT, "e2e-fnat: %d s runs, %d runs each, %d loop(s), %d wrk connections, server %s%n",
                        seconds, runs, loopCount, connections, server.kind());
                for (boolean keepAlive : new boolean[] {true, false}) {
                    List<Double> direct = new ArrayList<>();
                    List<Double> viaFullNat = new ArrayList<>();
                    for (int run = 0; run < runs; run++) {
                        direct.add(wrk(client, rs.ip(), seconds, connections, keepAlive));
                        viaFullNat.add(wrk(client, vip, seconds, connections, keepAlive));
                    }
                    double d = median(direct);
                    double v = median(viaFullNat);
                    System.out.printf(Locale.ROOT, "%-26s direct %10.0f req/s  via FNAT %10.0f req/s  ratio %.3f%n",
                            keepAlive ? "keep-alive requests:" : "new connections (close):", d, v, v / d);
                    System.out.printf(Locale.ROOT, "  runs direct %s via FNAT %s%n", direct, viaFullNat);
                }
                System.out.println("director: forwarded " + dr.counter(DirectorCounter.FORWARDED) + " frames, "
                        + dr.counter(DirectorCounter.NEW_CONNECTIONS) + " connections; " + dr.socketStatistics());
                for (DirectorCounter counter : DirectorCounter.values()) {
                    System.out.println("  " + counter + " " + dr.counter(counter));
                }
                System.out.println("  table entries " + dr.connectionCount());
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static double wrk(Host client, String ip, int seconds, int connections, boolean keepAlive) {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", "2", "-c", Integer.toString(connections), "-d",
                seconds + "s"));
        if (!keepAlive) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.add("http://" + ip + "/");
        String out = client.netns().exec(Duration.ofSeconds(seconds + 30), command.toArray(String[]::new)).check()
                .stdout();
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no Requests/sec in wrk output: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

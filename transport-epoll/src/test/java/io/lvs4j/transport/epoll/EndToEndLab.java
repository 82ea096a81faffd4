package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.lab.RealServerSetup;
import io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The lab of the end-to-end benchmark: one bridge, {@code 198.18.0.0/24}, a client, the lvs4j
 * director, a kernel router and one real server running nginx, with every requested
 * {@link EndToEndPath} set up at once, each on its own destination address, so that one run
 * measures them alternately on the same hosts.
 *
 * <ul>
 *   <li>direct: the real server's own address;</li>
 *   <li>DNAT: a VIP held by the router namespace, whose nftables rule rewrites it to the real
 *       server (prerouting {@code dnat}, no masquerade); the client reaches that VIP from an
 *       address of its own, which the real server routes back through the router, so the
 *       router's conntrack rewrites the replies back;</li>
 *   <li>DR: a VIP the director owns in user space; the real server holds it on {@code lo}.</li>
 *   <li>NAT: a VIP the director owns, rewritten to the real server's address; as for DNAT the
 *       client uses an address of its own (a third one), which the real server routes back
 *       through the director, whose kernel forwards nothing ({@code ip_forward=0}, the
 *       namespace's default), so only the user-space director rewrites the replies.</li>
 *   <li>TUN (IPIP, GUE): a VIP each, held by the real server on {@code lo}; the real server runs
 *       the user-space decapsulator ({@link TunnelDecapsulator}, one per encapsulation, each
 *       with its TUN device, on an event loop of its own) and answers the client directly.</li>
 *   <li>full-NAT: a VIP and a local address the director owns; the real server answers the
 *       local address, on its own network, and needs no route back through the director.</li>
 *   <li>DR and NAT through a ring: the same on VIPs (and, for NAT, a client address) of their own,
 *       through a second lvs4j director in a namespace of its own whose packet sockets receive
 *       from a {@code TPACKET_V3} ring instead of {@code recvmmsg}, so one run compares both.</li>
 * </ul>
 *
 * Both directors (the user-space one and the router) see only the traffic of their own paths.
 * New-connection runs open about 10^5 connections in seconds, so the client may use every
 * port and reuse its ports in TIME_WAIT ({@code tcp_tw_reuse=1}), the real server keeps no
 * TIME_WAIT sockets, and the router keeps conntrack entries in TIME_WAIT for one second (all
 * paths alike). Without {@code tcp_tw_reuse} the client's connects slow down to a crawl once its
 * TIME_WAIT sockets towards one destination fill the port range; how many it makes depends on
 * timing (wrk closes first when the server's FIN comes a few microseconds late, as it does
 * through a forwarder running on another core), so that would penalise some paths and not
 * others. Everything is torn down by {@link #close()}, also
 * when the setup fails half-way.
 */
final class EndToEndLab implements AutoCloseable {

    /** The HTTP port of the real server and of every VIP. */
    static final int PORT = 80;
    /** The real server's GUE port. */
    static final int GUE_PORT = 6080;
    private static final String SERVER_NAME = "nginx1";

    private final List<EndToEndPath> paths;
    private final Map<EndToEndPath, String> targets = new EnumMap<>(EndToEndPath.class);
    private final Lab lab;
    private final Host client;
    private final Host rs;
    private Host router;
    private NamedHttpServer server;
    private PacketDirector director;
    private PacketDirector ringDirector;
    private MultiThreadIoEventLoopGroup ringLoops;
    /** The director's and the decapsulators' event loop threads, whose CPU time the benchmark reads. */
    private final List<Path> directorThreads = new ArrayList<>();
    private final List<Path> decapThreads = new ArrayList<>();
    private MultiThreadIoEventLoopGroup decapLoops;
    private final List<TunnelDecapsulator> decapsulators = new ArrayList<>();

    /**
     * Builds the lab and starts the real server, the router and the director as the paths need.
     *
     * @param paths the paths to set up (direct among them)
     * @param loops the director's event loops
     * @return the running lab
     * @throws Exception if any part cannot be set up (what was made is torn down)
     */
    static EndToEndLab start(List<EndToEndPath> paths, MultiThreadIoEventLoopGroup loops) throws Exception {
        Lab.Builder builder = Lab.builder().host("client").host("director").host("router").host("rs1");
        if (paths.stream().anyMatch(EndToEndPath::viaRing)) {
            builder.host("ringdir");
        }
        EndToEndLab lab = new EndToEndLab(paths, builder.build());
        try {
            lab.setUp(loops);
            return lab;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    private EndToEndLab(List<EndToEndPath> paths, Lab lab) {
        this.paths = List.copyOf(paths);
        this.lab = lab;
        this.client = lab.host("client");
        this.rs = lab.host("rs1");
    }

    private void setUp(MultiThreadIoEventLoopGroup loops) throws Exception {
        client.exec("sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65000").check();
        client.exec("sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1").check();
        rs.exec("sysctl", "-q", "-w", "net.ipv4.tcp_max_tw_buckets=0").check();
        server = NamedHttpServer.start(rs, SERVER_NAME, PORT);
        targets.put(EndToEndPath.DIRECT, rs.ip());
        if (paths.contains(EndToEndPath.DNAT)) {
            setUpKernelDnat();
        }
        if (paths.contains(EndToEndPath.DR)) {
            String vip = lab.address(200);
            rs.holdVipOnLoopback(vip);
            targets.put(EndToEndPath.DR, vip);
        }
        if (paths.contains(EndToEndPath.NAT)) {
            setUpNat(EndToEndPath.NAT, lab.host("director"), lab.address(201), lab.address(102));
        }
        if (paths.contains(EndToEndPath.DR_RING)) {
            String vip = lab.address(210);
            rs.holdVipOnLoopback(vip);
            targets.put(EndToEndPath.DR_RING, vip);
        }
        if (paths.contains(EndToEndPath.NAT_RING)) {
            setUpNat(EndToEndPath.NAT_RING, lab.host("ringdir"), lab.address(211), lab.address(103));
        }
        if (paths.contains(EndToEndPath.IPIP)) {
            startDecapsulator(EndToEndPath.IPIP, lab.address(202), "lvs4j-ipip");
        }
        if (paths.contains(EndToEndPath.GUE)) {
            startDecapsulator(EndToEndPath.GUE, lab.address(203), "lvs4j-gue");
        }
        if (paths.contains(EndToEndPath.FULL_NAT)) {
            targets.put(EndToEndPath.FULL_NAT, lab.address(204));
        }
        if (paths.stream().anyMatch(p -> p.viaDirector() && !p.viaRing())) {
            director = startDirector(lab.host("director"), loops, false);
        }
        if (paths.stream().anyMatch(EndToEndPath::viaRing)) {
            int count = 0;
            for (EventExecutor ignored : loops) {
                count++;
            }
            ringLoops = PacketSocketGroup.newEventLoopGroup(count);
            ringDirector = startDirector(lab.host("ringdir"), ringLoops, true);
        }
    }

    /** A NAT path: the client reaches the VIP from an address of its own, which the real server routes back through the director. */
    private void setUpNat(EndToEndPath path, Host director, String vip, String clientSource) {
        client.exec("ip", "addr", "add", clientSource + "/" + Lab.PREFIX_LENGTH, "dev", client.iface()).check();
        client.exec("ip", "route", "add", vip + "/32", "dev", client.iface(), "src", clientSource).check();
        rs.exec("ip", "route", "add", clientSource + "/32", "via", director.ip()).check();
        director.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=0").check();
        targets.put(path, vip);
    }

    /**
     * The kernel reference for NAT: the router holds the VIP, DNATs it to the real server in
     * prerouting and forwards out of the same interface (so it must send no ICMP redirects);
     * the client talks to that VIP from its own second address, which the real server routes
     * through the router, where conntrack rewrites the replies' source back to the VIP.
     */
    private void setUpKernelDnat() {
        router = lab.host("router");
        String vip = lab.address(205);
        String clientSource = lab.address(101);
        router.exec("ip", "addr", "add", vip + "/32", "dev", router.iface()).check();
        router.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1").check();
        for (String scope : new String[] {"all", "default", router.iface()}) {
            router.exec("sysctl", "-q", "-w", "net.ipv4.conf." + scope + ".send_redirects=0").check();
        }
        String rules = """
                table ip lvs4jbench {
                    chain prerouting {
                        type nat hook prerouting priority dstnat; policy accept;
                        ip daddr %s tcp dport %d counter dnat to %s:%d
                    }
                }
                """.formatted(vip, PORT, rs.ip(), PORT);
        Path file = writeTemp(rules);
        try {
            router.exec("nft", "-f", file.toString()).check();
        } finally {
            file.toFile().delete();
        }
        // Loaded with the first NAT rule: new-connection runs would fill the table with TIME_WAIT entries.
        router.exec("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_tcp_timeout_time_wait=1").check();
        client.exec("ip", "addr", "add", clientSource + "/" + Lab.PREFIX_LENGTH, "dev", client.iface()).check();
        client.exec("ip", "route", "add", vip + "/32", "dev", client.iface(), "src", clientSource).check();
        rs.exec("ip", "route", "add", clientSource + "/32", "via", router.ip()).check();
        targets.put(EndToEndPath.DNAT, vip);
    }

    /** The real server's side of a tunnel: a decapsulator into its own TUN device, the VIP on {@code lo}. */
    private void startDecapsulator(EndToEndPath path, String vip, String tun) throws Exception {
        if (decapLoops == null) {
            decapLoops = PacketSocketGroup.newEventLoopGroup(1);
        }
        IoEventLoop loop = (IoEventLoop) decapLoops.next();
        TunnelDecapsulator.Builder builder = TunnelDecapsulator.builder().tunName(tun)
                .families(StandardProtocolFamily.INET).loop(loop);
        if (path == EndToEndPath.GUE) {
            builder.gue(GUE_PORT);
        } else {
            builder.ipip();
        }
        decapsulators.add(rs.netns().call(() -> builder.build().start()));
        if (decapThreads.isEmpty()) {
            decapThreads.addAll(threads(decapLoops));
        }
        RealServerSetup.in(rs.netns()).tunDevice(tun).vip(vip).apply();
        targets.put(path, vip);
    }

    private PacketDirector startDirector(Host host, MultiThreadIoEventLoopGroup loops, boolean ring) throws Exception {
        InetAddress rsAddress = InetAddress.getByName(rs.ip());
        PacketDirectorBuilder builder = PacketDirector.builder().interfaceName(host.iface())
                .directorAddress(InetAddress.getByName(host.ip())).loops(loops);
        if (ring) {
            builder.socketOptions(PacketSocketOptions.forInterface(host.iface())
                    .withFanout(PacketSocketOptions.Fanout.IPV4_SOURCE)
                    .withReceiveRing(PacketSocketOptions.ReceiveRing.DEFAULTS));
        }
        for (EndToEndPath path : paths) {
            if (path.viaRing() != ring) {
                continue;
            }
            Forwarding forwarding = switch (path) {
                case DR, DR_RING -> Forwarding.directRoute();
                case NAT, NAT_RING -> Forwarding.masquerade();
                case IPIP -> Forwarding.ipip();
                case GUE -> Forwarding.gue(GUE_PORT);
                case FULL_NAT -> Forwarding.fullNat();
                case DIRECT, DNAT -> null;
            };
            if (forwarding != null) {
                VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(targets.get(path)), PORT,
                        Schedulers.create("rr", SchedulerOptions.DEFAULTS));
                vs.addRealServer(RealServer.of(rsAddress, PORT, 1));
                builder.virtualService(vs, forwarding);
            }
        }
        if (paths.contains(EndToEndPath.FULL_NAT) && !ring) {
            builder.localAddresses(InetAddress.getByName(lab.address(150)));
        }
        PacketDirector started = host.netns().call(() -> builder.build().start());
        directorThreads.addAll(threads(loops));
        await().atMost(10, TimeUnit.SECONDS).until(() -> started.resolved(rsAddress));
        return started;
    }

    /** The {@code /proc} directories of a group's threads ({@code /proc/PID/task/TID}), asked of each thread. */
    private static List<Path> threads(MultiThreadIoEventLoopGroup group) throws Exception {
        List<Path> threads = new ArrayList<>();
        for (EventExecutor loop : group) {
            threads.add(loop.submit(() -> Path.of("/proc/thread-self").toRealPath()).get(10, TimeUnit.SECONDS));
        }
        return threads;
    }

    /**
     * Returns the CPU time the director's event loops have used so far, in user space and in the
     * kernel (which includes the receiving namespace's work that each send carries in that thread).
     *
     * @return nanoseconds, or 0 without a director
     */
    long directorCpuNanos() {
        return cpuNanos(directorThreads);
    }

    /** @return the CPU time the real server's decapsulator loop has used so far, in nanoseconds (0 without one) */
    long decapsulatorCpuNanos() {
        return cpuNanos(decapThreads);
    }

    /** Sums the threads' time on a CPU ({@code schedstat}'s first field, nanoseconds). */
    private static long cpuNanos(List<Path> threads) {
        long sum = 0;
        for (Path thread : threads) {
            try {
                String schedstat = Files.readString(thread.resolve("schedstat")).strip();
                sum += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sum;
    }

    private static Path writeTemp(String content) {
        try {
            Path file = Files.createTempFile("lvs4j-bench-", ".nft");
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the client host, where wrk runs */
    Host client() {
        return client;
    }

    /** @return what serves on the real server ({@code nginx} or {@code netty}) */
    String serverKind() {
        return server.kind();
    }

    /**
     * Returns the address the client connects to for a path.
     *
     * @param path a path of this lab
     * @return the IPv4 address
     */
    String target(EndToEndPath path) {
        String target = targets.get(path);
        if (target == null) {
            throw new IllegalArgumentException("path not set up: " + path);
        }
        return target;
    }

    /**
     * Checks that a path reaches the real server: one request with curl must return its name.
     *
     * @param path a path of this lab
     */
    void verify(EndToEndPath path) {
        String body = client.netns().exec(Duration.ofSeconds(15), "curl", "-sS", "-m", "5",
                "http://" + target(path) + ":" + PORT + "/").check().stdout().strip();
        if (!body.equals(SERVER_NAME)) {
            throw new IllegalStateException(path.label() + " answered '" + body + "', not " + SERVER_NAME);
        }
    }

    /**
     * Prints what the directors counted: the lvs4j director's counters and socket statistics,
     * the router's nftables rule counter.
     *
     * @param out where to print
     */
    void report(PrintStream out) {
        report(out, "lvs4j director", director);
        report(out, "lvs4j director receiving from a ring", ringDirector);
        for (TunnelDecapsulator decap : decapsulators) {
            out.println("real server's decapsulator " + decap.tunName() + ": " + nonZero(decap.counters()));
        }
        if (router != null) {
            String rules = router.exec("nft", "list", "table", "ip", "lvs4jbench").check().stdout();
            for (String ruleLine : rules.split("\n")) {
                if (ruleLine.contains("counter")) {
                    out.println("router nftables rule: " + ruleLine.strip());
                }
            }
            String count = router.exec("sysctl", "-n", "net.netfilter.nf_conntrack_count").stdout().strip();
            out.println("router conntrack entries now: " + count);
        }
    }

    private static void report(PrintStream out, String name, PacketDirector director) {
        if (director != null) {
            out.println(name + ": " + director.socketStatistics() + ", table entries "
                    + director.connectionCount());
            StringBuilder line = new StringBuilder(" ");
            for (DirectorCounter counter : DirectorCounter.values()) {
                long value = director.counter(counter);
                if (value != 0) {
                    line.append(' ').append(counter).append('=').append(value);
                }
            }
            for (DropReason reason : DropReason.values()) {
                long value = director.drops(reason);
                if (value != 0) {
                    line.append(" drop ").append(reason).append('=').append(value);
                }
            }
            out.println(line);
        }
    }

    private static String nonZero(Map<?, Long> counters) {
        StringBuilder line = new StringBuilder();
        counters.forEach((name, value) -> {
            if (value != 0) {
                line.append(line.isEmpty() ? "" : " ").append(name).append('=').append(value);
            }
        });
        return line.toString();
    }

    /** Stops the director, the decapsulators and the real server and deletes every namespace; idempotent. */
    @Override
    public void close() {
        List<AutoCloseable> parts = new ArrayList<>();
        if (director != null) {
            parts.add(director);
        }
        if (ringDirector != null) {
            parts.add(ringDirector);
        }
        if (ringLoops != null) {
            parts.add(() -> ringLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        }
        parts.addAll(decapsulators);
        if (server != null) {
            parts.add(server);
        }
        if (decapLoops != null) {
            parts.add(() -> decapLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        }
        parts.add(lab);
        RuntimeException failure = null;
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("tear-down failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

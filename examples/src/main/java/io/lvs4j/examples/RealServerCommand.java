package io.lvs4j.examples;

import io.lvs4j.lab.RealServerSetup;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.lvs4j.transport.epoll.tunnel.DecapCounter;
import io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./lvs4j realserver --decap ipip|gue [--port N] [--vip ADDR]... [--director ADDR]...
 * [--tun-name NAME]}: the
 * real server of LVS tunnelling on a kernel without the {@code ipip}/{@code fou} modules. Runs a
 * {@link TunnelDecapsulator} (raw IPIP and IPv6-in-IPv6 sockets, or GUE on a UDP port) into a
 * TUN device, prepares the host with {@link RealServerSetup} (VIPs on {@code lo},
 * {@code arp_ignore}/{@code arp_announce}, {@code rp_filter} off for the TUN device), and runs
 * until SIGINT or SIGTERM; then it logs the counters, removes the VIPs and closes the device.
 * Needs root (or {@code CAP_NET_ADMIN} and {@code CAP_NET_RAW}).
 */
@Command(name = "realserver", mixinStandardHelpOptions = true,
        description = {"Runs the real server of LVS tunnelling in user space until SIGTERM (root):",
            "IPIP / IPv6-in-IPv6 or GUE packets in, their inner packets into a TUN device;",
            "VIPs on lo, arp_ignore=1, arp_announce=2, rp_filter off for the TUN device.",
            "Logs the counters (packets, bytes, drops by reason) at exit."})
public final class RealServerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RealServerCommand.class);

    /** The tunnel types of {@code --decap}. */
    enum Decap {
        /** IP-in-IP: IPv4 in IPv4 (protocol 4), IPv6 in IPv6 (protocol 41). */
        ipip,
        /** Generic UDP Encapsulation on {@code --port}. */
        gue
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--decap", required = true, paramLabel = "ipip|gue",
            description = "The tunnel: ${COMPLETION-CANDIDATES}.")
    private Decap decap;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + TunnelDecapsulator.DEFAULT_GUE_PORT,
            description = "The UDP port of GUE (default ${DEFAULT-VALUE}, as commonly given to IPVS's --tun-port).")
    private int port;

    @Option(names = "--vip", paramLabel = "ADDR",
            description = "A VIP this server answers for, IPv4 or IPv6 (repeatable); held on lo while running.")
    private List<InetAddress> vips = new ArrayList<>();

    @Option(names = "--director", paramLabel = "ADDR",
            description = "Take tunnel packets only from this director (repeatable); default: from any source.")
    private List<InetAddress> directors = new ArrayList<>();

    @Option(names = "--tun-name", paramLabel = "NAME", defaultValue = TunnelDecapsulator.DEFAULT_TUN_NAME,
            description = "The TUN device to create (default ${DEFAULT-VALUE}).")
    private String tunName;

    @Option(names = "--family", paramLabel = "4|6", split = ",",
            description = "Outer address families to receive (default 4,6).")
    private List<Integer> familyNumbers = new ArrayList<>(List.of(4, 6));

    @Option(names = "--no-setup", description = "Leave VIPs, ARP and rp_filter settings to the administrator.")
    private boolean noSetup;

    /** Creates the command; picocli fills its fields. */
    public RealServerCommand() {
    }

    /**
     * Runs until SIGINT or SIGTERM.
     *
     * @return 0 after a clean stop, 1 if the decapsulator or the setup failed, 2 for bad options
     */
    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("stopping (signal)");
            stop.countDown();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lvs4j-realserver-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return serve(stop, null);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM is already stopping: the hook is running
            }
        }
    }

    /**
     * Runs the decapsulator until {@code stop} opens; the body of {@link #call()}, and what tests
     * drive.
     *
     * @param stop opened to stop
     * @param started given the running decapsulator, or {@code null}
     * @return the exit code
     * @throws InterruptedException if interrupted while waiting
     */
    int serve(CountDownLatch stop, java.util.function.Consumer<TunnelDecapsulator> started) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        TunnelDecapsulator.Builder builder;
        try {
            builder = TunnelDecapsulator.builder().tunName(tunName).families(families())
                    .allowedSources(directors.toArray(InetAddress[]::new));
            if (decap == Decap.gue) {
                builder.gue(port);
            } else {
                builder.ipip();
            }
        } catch (IllegalArgumentException e) {
            err.println("realserver: " + e.getMessage());
            err.flush();
            return 2;
        }
        MultiThreadIoEventLoopGroup loops = PacketSocketGroup.newEventLoopGroup(1);
        TunnelDecapsulator decapsulator = null;
        RealServerSetup setup = null;
        try {
            decapsulator = builder.loop(loops.next()).build().start();
            if (!noSetup) {
                setup = RealServerSetup.local().tunDevice(tunName);
                for (InetAddress vip : vips) {
                    setup.vip(vip);
                }
                setup.apply();
            }
            LOG.info("real server ready: {} into {}, VIPs {}", decap == Decap.gue ? "GUE on port " + port : "IPIP",
                    tunName, vips.stream().map(NetUtil::toAddressString).toList());
            if (started != null) {
                started.accept(decapsulator);
            }
            stop.await();
            LOG.info("counters: {}", format(decapsulator.counters()));
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("realserver: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            if (setup != null) {
                setup.undo();
            }
            if (decapsulator != null) {
                decapsulator.close();
            }
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private StandardProtocolFamily[] families() {
        List<StandardProtocolFamily> list = new ArrayList<>();
        for (int n : familyNumbers) {
            switch (n) {
                case 4 -> list.add(StandardProtocolFamily.INET);
                case 6 -> list.add(StandardProtocolFamily.INET6);
                default -> throw new IllegalArgumentException("--family must be 4 or 6: " + n);
            }
        }
        return list.toArray(StandardProtocolFamily[]::new);
    }

    /**
     * Formats counters as {@code NAME=value} pairs, zeros left out except the first four.
     *
     * @param counters the counters
     * @return one line
     */
    static String format(Map<DecapCounter, Long> counters) {
        StringJoiner line = new StringJoiner(" ");
        counters.forEach((c, v) -> {
            if (v != 0 || c.ordinal() <= DecapCounter.DECAPSULATED_BYTES.ordinal()) {
                line.add(c.name().toLowerCase(java.util.Locale.ROOT) + "=" + v);
            }
        });
        return line.toString();
    }
}

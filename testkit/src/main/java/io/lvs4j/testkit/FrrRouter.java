package io.lvs4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A router running FRR ({@code zebra} and {@code bgpd}) inside a lab namespace: it accepts BGP
 * sessions from any address of a range (FRR's dynamic neighbors, {@code bgp listen range}), from
 * one remote AS, and installs up to 8 equal paths per prefix in the kernel, so that ECMP spreads
 * flows over every director that announces a VIP. The kernel hashes on the L4 header
 * ({@code fib_multipath_hash_policy=1}) and forwards. Its configuration, sockets, pid files and
 * logs live in a fresh temporary directory (deleted on close). Thread-safe.
 */
public final class FrrRouter implements AutoCloseable {

    /** Where Debian's {@code frr} package puts its daemons. */
    public static final Path FRR = Path.of("/usr/lib/frr");
    private static final Pattern VIA = Pattern.compile("via (\\S+)");

    private final Netns netns;
    private final Path dir;
    private final List<Process> daemons = new ArrayList<>();

    private FrrRouter(Netns netns, Path dir) {
        this.netns = netns;
        this.dir = dir;
    }

    /** @return {@code true} if FRR's zebra, bgpd and vtysh are installed */
    public static boolean isInstalled() {
        return Files.isExecutable(FRR.resolve("zebra")) && Files.isExecutable(FRR.resolve("bgpd"))
                && Command.onPath("vtysh");
    }

    /**
     * Writes the router's {@code bgpd.conf}: one peer group per family whose members are whoever
     * connects from its range.
     *
     * @param localAs the router's AS
     * @param routerId the router id
     * @param remoteAs the directors' AS
     * @param holdSeconds the hold time it offers (the session takes the smaller of both sides')
     * @param ranges the prefixes directors connect from, such as {@code 198.18.0.0/24}
     * @return the text
     */
    public static String bgpdConfig(long localAs, String routerId, long remoteAs, int holdSeconds,
            List<String> ranges) {
        StringBuilder s = new StringBuilder();
        s.append("router bgp ").append(localAs).append('\n');
        s.append(" bgp router-id ").append(routerId).append('\n');
        s.append(" no bgp ebgp-requires-policy\n");
        s.append(" no bgp default ipv4-unicast\n");
        for (int i = 0; i < ranges.size(); i++) {
            String group = "DIRECTORS" + i;
            s.append(" neighbor ").append(group).append(" peer-group\n");
            s.append(" neighbor ").append(group).append(" remote-as ").append(remoteAs).append('\n');
            s.append(" neighbor ").append(group).append(" timers ").append(Math.max(1, holdSeconds / 3)).append(' ')
                    .append(holdSeconds).append('\n');
            s.append(" bgp listen range ").append(ranges.get(i)).append(" peer-group ").append(group).append('\n');
        }
        for (String family : List.of("ipv4", "ipv6")) {
            StringBuilder groups = new StringBuilder();
            for (int i = 0; i < ranges.size(); i++) {
                if (ranges.get(i).contains(":") == family.equals("ipv6")) {
                    groups.append("  neighbor DIRECTORS").append(i).append(" activate\n");
                }
            }
            if (!groups.isEmpty()) {
                s.append(" address-family ").append(family).append(" unicast\n").append("  maximum-paths 8\n")
                        .append(groups).append(" exit-address-family\n");
            }
        }
        return s.toString();
    }

    /**
     * Starts zebra and bgpd in a namespace with a configuration of {@link #bgpdConfig}, and
     * turns on forwarding with the L4 multipath hash.
     *
     * @param netns the router's namespace
     * @param bgpdConfig the configuration
     * @return the router, its daemons started (sessions come as directors connect)
     * @throws IOException if its directory cannot be written
     */
    public static FrrRouter start(Netns netns, String bgpdConfig) throws IOException {
        netns.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1").check();
        netns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1").check();
        netns.exec("sysctl", "-q", "-w", "net.ipv4.fib_multipath_hash_policy=1").check();
        netns.exec("sysctl", "-q", "-w", "net.ipv6.fib_multipath_hash_policy=1").check();
        Path dir = Files.createTempDirectory("lvs4j-frr-router-");
        FrrRouter router = new FrrRouter(netns, dir);
        try {
            String d = dir.toString();
            Files.writeString(dir.resolve("zebra.conf"), "");
            Files.writeString(dir.resolve("bgpd.conf"), bgpdConfig);
            router.daemon(List.of(FRR.resolve("zebra").toString(), "-u", "root", "-g", "frrvty", "-P", "0",
                    "-f", d + "/zebra.conf", "-i", d + "/zebra.pid", "-z", d + "/zserv.api", "--vty_socket", d,
                    "--log", "file:" + d + "/zebra.log"), "zebra");
            router.await("zserv.api");
            router.daemon(List.of(FRR.resolve("bgpd").toString(), "-S", "-P", "0", "-f", d + "/bgpd.conf",
                    "-i", d + "/bgpd.pid", "-z", d + "/zserv.api", "--vty_socket", d,
                    "--log", "file:" + d + "/bgpd.log"), "bgpd");
            router.await("bgpd.vty");
            return router;
        } catch (IOException | RuntimeException e) {
            router.close();
            throw e;
        }
    }

    private void daemon(List<String> command, String name) {
        daemons.add(netns.start(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile())));
    }

    private void await(String socket) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dir.resolve(socket))) {
            if (System.nanoTime() > deadline || daemons.stream().anyMatch(p -> !p.isAlive())) {
                throw new IOException("FRR did not open " + socket + ": " + log());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /**
     * Lists the next hops the router's kernel forwards a prefix to.
     *
     * @param prefix such as {@code 198.18.2.10} (IPv4 or IPv6)
     * @return the gateways, in the kernel's order; empty if there is no route
     */
    public List<String> nextHops(String prefix) {
        Command.Result r = netns.exec(prefix.contains(":") ? new String[] {"ip", "-6", "route", "show", prefix}
                : new String[] {"ip", "route", "show", prefix});
        List<String> hops = new ArrayList<>();
        Matcher m = VIA.matcher(r.check().stdout());
        while (m.find()) {
            hops.add(m.group(1));
        }
        return hops;
    }

    /**
     * Runs vtysh commands on the router's bgpd.
     *
     * @param commands the commands
     * @return what it printed
     */
    public String vtysh(String... commands) {
        List<String> line = new ArrayList<>(List.of("vtysh", "--vty_socket", dir.toString(), "-d", "bgpd"));
        for (String c : commands) {
            line.add("-c");
            line.add(c);
        }
        return netns.exec(Duration.ofSeconds(10), line.toArray(String[]::new)).check().stdout();
    }

    /** @return the tail of bgpd's log, for failure messages */
    public String log() {
        try {
            Path log = dir.resolve("bgpd.log");
            if (!Files.exists(log)) {
                return "(no bgpd log)";
            }
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable bgpd log: " + e + ")";
        }
    }

    /** Stops bgpd and zebra (SIGTERM, then SIGKILL) and deletes the directory; idempotent. */
    @Override
    public synchronized void close() {
        for (Process p : daemons.reversed()) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        daemons.clear();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

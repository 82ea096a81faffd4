package io.lvs4j.transport.epoll.bgp;

import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.config.BgpNeighbor;
import io.lvs4j.core.status.AnnouncementStatus;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FRR as the director's BGP speaker: {@code zebra} and {@code bgpd} (which needs zebra for its
 * interfaces' addresses, the IPv6 next hop) run as the director's children with their
 * configuration, sockets, pid files and logs in {@code run_dir}; {@code bgpd} installs nothing in
 * the kernel ({@code -n}), listens on no port ({@code -p 0}: it connects to the routers) and has
 * no TCP vty. lvs4j adds and removes {@code network} statements through {@code vtysh} on the
 * daemon's socket in {@code run_dir}. Daemons left by an earlier run of the same {@code run_dir}
 * are killed first. Not thread-safe: the announcer's thread calls it.
 */
final class FrrSpeaker implements RouteSpeaker {

    private static final Logger LOG = LoggerFactory.getLogger(FrrSpeaker.class);
    private static final long SOCKET_WAIT_MILLIS = 10_000;
    private static final long VTYSH_TIMEOUT_MILLIS = 10_000;
    private static final String VTY_GROUP = "frrvty";

    private final BgpConfig config;
    private final Inet4Address routerId;
    private final Path dir;
    private ChildDaemon zebra;
    private ChildDaemon bgpd;

    /**
     * Prepares the speaker; nothing runs before {@link #start()}.
     *
     * @param config the block, FRR's
     * @param routerId the router id when the block sets none
     */
    FrrSpeaker(BgpConfig config, Inet4Address routerId) {
        this.config = config;
        this.routerId = config.routerId().orElse(routerId);
        this.dir = config.runDirectory();
    }

    @Override
    public String name() {
        return "frr";
    }

    @Override
    public void start() throws IOException {
        stop();
        Files.createDirectories(dir);
        for (String daemon : List.of("bgpd", "zebra")) {
            killLeftOver(daemon);
        }
        for (String file : List.of("zserv.api", "zebra.vty", "bgpd.vty")) {
            Files.deleteIfExists(dir.resolve(file));
        }
        Files.writeString(dir.resolve("zebra.conf"), "! Written by lvs4j: zebra tells bgpd the interfaces.\n");
        Files.writeString(dir.resolve("bgpd.conf"), FrrConfig.bgpd(config, routerId));
        String d = dir.toString();
        List<String> zebraLine = new ArrayList<>(List.of(config.frrDirectory().resolve("zebra").toString(),
                "-f", d + "/zebra.conf", "-i", d + "/zebra.pid", "-z", d + "/zserv.api", "--vty_socket", d,
                "-P", "0", "--log", "file:" + d + "/zebra.log"));
        zebraLine.addAll(runAs());
        zebra = new ChildDaemon("zebra", zebraLine, dir.resolve("zebra.out"));
        zebra.start();
        await("zserv.api", zebra);
        bgpd = new ChildDaemon("bgpd", List.of(config.frrDirectory().resolve("bgpd").toString(), "-S", "-n",
                "-p", "0", "-P", "0", "-f", d + "/bgpd.conf", "-i", d + "/bgpd.pid", "-z", d + "/zserv.api",
                "--vty_socket", d, "--log", "file:" + d + "/bgpd.log"), dir.resolve("bgpd.out"));
        bgpd.start();
        await("bgpd.vty", bgpd);
    }

    /** zebra cannot skip its user change as bgpd can: it stays this user, with FRR's vty group. */
    private static List<String> runAs() throws IOException {
        String user = System.getProperty("user.name");
        boolean group = Files.readAllLines(Path.of("/etc/group")).stream().anyMatch(l -> l.startsWith(VTY_GROUP + ":"));
        return group ? List.of("-u", user, "-g", VTY_GROUP) : List.of("-u", user, "-g", user);
    }

    private void await(String socket, ChildDaemon daemon) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOCKET_WAIT_MILLIS);
        while (!Files.exists(dir.resolve(socket))) {
            if (!daemon.alive()) {
                throw new IOException("FRR's daemon ended with " + daemon.exitCode() + " before opening " + socket
                        + ": see " + dir);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("FRR's daemon opened no " + socket + " in " + SOCKET_WAIT_MILLIS + " ms: see " + dir);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + socket, e);
            }
        }
    }

    /** Kills a daemon an earlier run left (it holds this run_dir in its command line). */
    private void killLeftOver(String daemon) throws IOException {
        Path pidFile = dir.resolve(daemon + ".pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String text = Files.readString(pidFile).strip();
        Files.deleteIfExists(pidFile);
        if (!text.matches("[0-9]{1,10}")) {
            return;
        }
        Optional<ProcessHandle> old = ProcessHandle.of(Long.parseLong(text));
        if (old.isPresent() && old.get().info().arguments().map(a -> String.join(" ", a).contains(dir.toString()))
                .orElse(false)) {
            LOG.warn("killing {} (pid {}) left by an earlier run in {}", daemon, text, dir);
            old.get().destroyForcibly();
            old.get().onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    @Override
    public boolean running() {
        return zebra != null && zebra.alive() && bgpd != null && bgpd.alive();
    }

    @Override
    public void announce(InetAddress vip) throws IOException {
        vtysh(FrrConfig.network(config, vip, true));
    }

    @Override
    public void withdraw(InetAddress vip) throws IOException {
        vtysh(FrrConfig.network(config, vip, false));
    }

    @Override
    public List<AnnouncementStatus.Peer> peers() {
        String json;
        try {
            json = vtysh(List.of("show bgp neighbors json"));
        } catch (IOException e) {
            LOG.debug("cannot ask bgpd for its sessions", e);
            return List.of();
        }
        return parsePeers(json, config.neighbors());
    }

    /**
     * Reads each neighbor's state from {@code show bgp neighbors json}.
     *
     * @param json the daemon's answer
     * @param neighbors the configured neighbors
     * @return one peer per neighbor, {@code Unknown} if the answer does not name it
     */
    static List<AnnouncementStatus.Peer> parsePeers(String json, List<BgpNeighbor> neighbors) {
        List<AnnouncementStatus.Peer> result = new ArrayList<>();
        for (BgpNeighbor n : neighbors) {
            String address = Prefixes.text(n.address());
            String state = "Unknown";
            int at = json.indexOf("\"" + address + "\":{");
            if (at >= 0) {
                Matcher m = Pattern.compile("\"bgpState\":\"([A-Za-z]+)\"").matcher(json);
                if (m.find(at)) {
                    state = m.group(1);
                }
            }
            result.add(new AnnouncementStatus.Peer(address, state));
        }
        return result;
    }

    private String vtysh(List<String> commands) throws IOException {
        List<String> line = new ArrayList<>(List.of(config.vtysh().toString(), "--vty_socket", dir.toString(),
                "-d", "bgpd"));
        for (String c : commands) {
            line.add("-c");
            line.add(c);
        }
        Path answer = dir.resolve("vtysh.out");
        Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(answer.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        try {
            if (!p.waitFor(VTYSH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("vtysh did not answer in " + VTYSH_TIMEOUT_MILLIS + " ms");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking vtysh", e);
        }
        String text = Files.readString(answer, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || text.lines().anyMatch(l -> l.startsWith("%"))) {
            throw new IOException("vtysh " + String.join(" / ", commands) + " failed (" + p.exitValue() + "): "
                    + text.strip());
        }
        return text;
    }

    @Override
    public void stop() {
        if (bgpd != null) {
            bgpd.stop(5_000);
        }
        if (zebra != null) {
            zebra.stop(5_000);
        }
    }
}

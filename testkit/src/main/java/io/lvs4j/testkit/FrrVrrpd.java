package io.lvs4j.testkit;

import io.lvs4j.lab.Command;
import io.lvs4j.lab.Host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * FRR's VRRP daemon ({@code zebra} and {@code vrrpd}) as a VRRPv3 router of one lab host, for
 * one virtual router with an IPv4 and an IPv6 address. vrrpd sends from, and puts its virtual
 * MAC on, macvlan devices that must exist before it starts (FRR's VRRP documentation): one per
 * family on the host's interface, in bridge mode (so that the parent still receives the other
 * routers' adverts), with the virtual MAC of RFC 5798 ({@code 00:00:5e:00:01:VRID} and
 * {@code 00:00:5e:00:02:VRID}), the virtual address on it, and a random IPv6 link-local address
 * (one derived from the shared virtual MAC would be the same on every router). Every interface
 * of the host answers ARP for its own addresses alone ({@code arp_ignore=1}), as keepalived's
 * notes on virtual MACs advise, so that a client learns the virtual MAC. The configuration,
 * sockets, pid files and logs live in a temporary directory, deleted on close. Thread-safe.
 */
public final class FrrVrrpd implements AutoCloseable {

    /** Where Debian's {@code frr} package puts its daemons. */
    public static final Path DAEMONS = Path.of("/usr/lib/frr");
    private static final Pattern STATUS = Pattern.compile("Status \\(v([46])\\)\\s+(\\S+)");

    private final Host host;
    private final int vrid;
    private final Path dir;
    private final List<Process> daemons = new ArrayList<>();

    private FrrVrrpd(Host host, int vrid, Path dir) {
        this.host = host;
        this.vrid = vrid;
        this.dir = dir;
    }

    /** @return whether FRR's zebra, vrrpd and vtysh are installed */
    public static boolean isInstalled() {
        return Files.isExecutable(DAEMONS.resolve("zebra")) && Files.isExecutable(DAEMONS.resolve("vrrpd"))
                && Command.onPath("vtysh");
    }

    /**
     * Makes the macvlan devices of a virtual router on a host and starts zebra and vrrpd there.
     *
     * @param host the host (its interface is the virtual router's)
     * @param vrid the virtual router id
     * @param priority vrrpd's priority, 1 to 254
     * @param advertMillis the advertisement interval in milliseconds (a multiple of 10)
     * @param vip4 the IPv4 virtual address
     * @param vip6 the IPv6 virtual address
     * @return the running daemon
     * @throws IOException if its directory cannot be written or a daemon does not start
     */
    public static FrrVrrpd start(Host host, int vrid, int priority, int advertMillis, String vip4, String vip6)
            throws IOException {
        // Each interface answers ARP for its own addresses alone, so that a client resolves the VIP
        // to the IPv4 macvlan's virtual MAC (Linux answers for any local address on any interface,
        // and in bridge mode every macvlan and the parent see the request).
        host.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1").check();
        macvlan(host, "vrrp4-" + vrid, String.format(Locale.ROOT, "00:00:5e:00:01:%02x", vrid), vip4 + "/24");
        macvlan(host, "vrrp6-" + vrid, String.format(Locale.ROOT, "00:00:5e:00:02:%02x", vrid), vip6 + "/64");
        Path dir = Files.createTempDirectory("lvs4j-frr-vrrpd-");
        FrrVrrpd frr = new FrrVrrpd(host, vrid, dir);
        try {
            String d = dir.toString();
            Files.writeString(dir.resolve("zebra.conf"), "");
            Files.writeString(dir.resolve("vrrpd.conf"), "interface " + host.iface() + "\n"
                    + " vrrp " + vrid + " version 3\n"
                    + " vrrp " + vrid + " priority " + priority + "\n"
                    + " vrrp " + vrid + " advertisement-interval " + advertMillis + "\n"
                    + " vrrp " + vrid + " ip " + vip4 + "\n"
                    + " vrrp " + vrid + " ipv6 " + vip6 + "\n");
            frr.daemon("zebra", "-P", "0", "-f", d + "/zebra.conf", "-i", d + "/zebra.pid", "-z", d + "/zserv.api",
                    "--vty_socket", d, "--log", "file:" + d + "/zebra.log");
            frr.await("zserv.api");
            frr.daemon("vrrpd", "-P", "0", "-f", d + "/vrrpd.conf", "-i", d + "/vrrpd.pid", "-z", d + "/zserv.api",
                    "--vty_socket", d, "--log", "file:" + d + "/vrrpd.log");
            frr.await("vrrpd.vty");
            return frr;
        } catch (IOException | RuntimeException e) {
            frr.close();
            throw e;
        }
    }

    /** Creates a macvlan device as FRR's vrrpd needs it; the random link-local mode is set before it comes up. */
    private static void macvlan(Host host, String name, String mac, String address) {
        host.exec("ip", "link", "add", name, "link", host.iface(), "type", "macvlan", "mode", "bridge").check();
        host.exec("ip", "link", "set", "dev", name, "addrgenmode", "random").check();
        host.exec("ip", "link", "set", "dev", name, "address", mac).check();
        if (address.contains(":")) {
            host.exec("sysctl", "-q", "-w", "net.ipv6.conf." + name + ".accept_dad=0").check();
            host.exec("ip", "addr", "add", address, "dev", name, "nodad").check();
        } else {
            host.exec("sysctl", "-q", "-w", "net.ipv6.conf." + name + ".disable_ipv6=1").check();
            host.exec("ip", "addr", "add", address, "dev", name).check();
        }
        host.exec("ip", "link", "set", "dev", name, "up").check();
    }

    private void daemon(String name, String... arguments) {
        List<String> command = new ArrayList<>(List.of(DAEMONS.resolve(name).toString(), "-u", "root", "-g", "frrvty"));
        command.addAll(List.of(arguments));
        daemons.add(host.netns().start(new ProcessBuilder(command).redirectErrorStream(true)
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
     * Reads vrrpd's state of one family, as {@code show vrrp} prints it.
     *
     * @param ipv6 the IPv6 virtual router rather than the IPv4 one
     * @return {@code Master}, {@code Backup} or {@code Initialize}; empty if vrrpd does not answer
     */
    public String state(boolean ipv6) {
        Command.Result r = vtysh("show vrrp interface " + host.iface() + " " + vrid);
        Matcher m = STATUS.matcher(r.stdout());
        while (m.find()) {
            if (m.group(1).equals(ipv6 ? "6" : "4")) {
                return m.group(2);
            }
        }
        return "";
    }

    /**
     * Runs one vtysh command against this vrrpd.
     *
     * @param command the command
     * @return its result
     */
    public Command.Result vtysh(String command) {
        return host.exec("vtysh", "--vty_socket", dir.toString(), "-c", command);
    }

    /** @return whether both daemons still run */
    public boolean alive() {
        return daemons.stream().allMatch(Process::isAlive);
    }

    /** @return the daemons' logs and output, for messages */
    public String log() {
        StringBuilder s = new StringBuilder();
        for (String f : List.of("zebra.out", "vrrpd.out", "zebra.log", "vrrpd.log")) {
            try {
                Path p = dir.resolve(f);
                if (Files.exists(p)) {
                    s.append("== ").append(f).append('\n').append(Files.readString(p));
                }
            } catch (IOException e) {
                s.append(e).append('\n');
            }
        }
        return s.toString();
    }

    /** Stops the daemons (vrrpd first) and deletes the directory; the macvlans go with the lab. */
    @Override
    public void close() {
        for (Process p : daemons.reversed()) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.lvs4j.lab;

import io.netty.util.NetUtil;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Prepares a host as the real server of an LVS tunnel whose packets a user-space decapsulator
 * ({@code io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator}) injects into a TUN device, with
 * the {@code ip} and {@code sysctl} commands an administrator would type:
 * <pre>
 * sysctl -w net.ipv4.conf.all.arp_ignore=1        # never answer ARP for the VIP ...
 * sysctl -w net.ipv4.conf.all.arp_announce=2      # ... nor use it as an ARP source
 * sysctl -w net.ipv4.conf.all.rp_filter=0         # the effective value is the larger of
 * sysctl -w net.ipv4.conf.TUN.rp_filter=0         #   "all" and the device's own
 * sysctl -w net.ipv6.conf.TUN.disable_ipv6=0      # only with an IPv6 VIP
 * ip link set TUN up
 * ip addr replace VIP/32 dev lo                   # or dev TUN; IPv6: VIP/128 ... nodad
 * </pre>
 * {@code rp_filter} must be off for the TUN device because the inner packets come in through it
 * from clients that the host routes through another interface: strict reverse-path filtering
 * would drop every one. The VIP is held on {@code lo} (or on the TUN device) so that the kernel
 * accepts packets for it and answers from it, and ARP is kept quiet for it, as for every LVS-DR
 * and LVS-TUN real server. Only {@code all}'s {@code rp_filter} is lowered: other interfaces keep
 * their own value. Run it after the decapsulator has started (the TUN device exists only while
 * it runs); {@link #undo()} removes the VIPs again (sysctls are left as they are).
 *
 * <p>Commands run in the calling process's namespace ({@link #local()}) or in a {@link Netns}
 * ({@link #in(Netns)}). Needs root. Not thread-safe.
 */
public final class RealServerSetup {

    private final Function<List<String>, Command.Result> runner;
    private final List<InetAddress> vips = new ArrayList<>();
    private String tunName;
    private boolean vipOnTun;

    private RealServerSetup(Function<List<String>, Command.Result> runner) {
        this.runner = runner;
    }

    /** @return a setup whose commands run in this process's network namespace */
    public static RealServerSetup local() {
        return new RealServerSetup(line -> Command.run(Duration.ofSeconds(30), line));
    }

    /**
     * Makes a setup whose commands run inside a namespace.
     *
     * @param netns the namespace of the real server
     * @return the setup
     */
    public static RealServerSetup in(Netns netns) {
        Objects.requireNonNull(netns, "netns");
        return new RealServerSetup(line -> netns.exec(line.toArray(String[]::new)));
    }

    /**
     * Names the TUN device the decapsulator writes into.
     *
     * @param name the device name
     * @return this
     */
    public RealServerSetup tunDevice(String name) {
        this.tunName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Adds a VIP the host serves.
     *
     * @param address an IPv4 or IPv6 address literal
     * @return this
     */
    public RealServerSetup vip(String address) {
        try {
            vips.add(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + address, e);
        }
        return this;
    }

    /**
     * Adds a VIP the host serves.
     *
     * @param address an IPv4 or IPv6 address
     * @return this
     */
    public RealServerSetup vip(InetAddress address) {
        vips.add(Objects.requireNonNull(address, "address"));
        return this;
    }

    /**
     * Holds the VIPs on the TUN device instead of {@code lo}.
     *
     * @param onTun {@code true} for the TUN device
     * @return this
     */
    public RealServerSetup vipOnTunDevice(boolean onTun) {
        this.vipOnTun = onTun;
        return this;
    }

    /** @return the commands {@link #apply()} runs, in order */
    public List<List<String>> commands() {
        if (tunName == null) {
            throw new IllegalStateException("tunDevice(name) is required");
        }
        List<List<String>> lines = new ArrayList<>();
        boolean v4 = vips.stream().anyMatch(a -> !(a instanceof Inet6Address));
        boolean v6 = vips.stream().anyMatch(a -> a instanceof Inet6Address);
        if (v4) {
            lines.add(sysctl("net.ipv4.conf.all.arp_ignore=1"));
            lines.add(sysctl("net.ipv4.conf.all.arp_announce=2"));
        }
        lines.add(sysctl("net.ipv4.conf.all.rp_filter=0"));
        lines.add(sysctl("net.ipv4.conf." + tunName + ".rp_filter=0"));
        if (v6) {
            lines.add(sysctl("net.ipv6.conf." + tunName + ".disable_ipv6=0"));
        }
        lines.add(List.of("ip", "link", "set", tunName, "up"));
        for (InetAddress vip : vips) {
            lines.add(address("replace", vip));
        }
        return lines;
    }

    /**
     * Runs the commands.
     *
     * @throws IllegalStateException naming the first command that failed
     */
    public void apply() {
        for (List<String> line : commands()) {
            runner.apply(line).check();
        }
    }

    /** Removes the VIPs that {@link #apply()} added; a VIP already gone is no error. */
    public void undo() {
        for (InetAddress vip : vips) {
            runner.apply(address("del", vip));
        }
    }

    private List<String> address(String verb, InetAddress vip) {
        String device = vipOnTun ? tunName : "lo";
        if (vip instanceof Inet6Address) {
            List<String> line = new ArrayList<>(List.of("ip", "-6", "addr", verb, NetUtil.toAddressString(vip) + "/128",
                    "dev", device));
            if (!"del".equals(verb)) {
                line.add("nodad");
            }
            return line;
        }
        return List.of("ip", "addr", verb, vip.getHostAddress() + "/32", "dev", device);
    }

    private static List<String> sysctl(String setting) {
        return List.of("sysctl", "-q", "-w", setting);
    }
}

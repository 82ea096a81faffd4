package io.lvs4j.lab;

import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host of a lab: a namespace with one interface on the lab's bridge. Thread-safe.
 *
 * @param role the host's role in the lab
 * @param netns its namespace
 * @param iface its interface on the bridge
 * @param ip its IPv4 address on that interface
 */
public record Host(String role, Netns netns, String iface, String ip) {

    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");

    /**
     * Reads the MAC address of the host's interface.
     *
     * @return {@code aa:bb:cc:dd:ee:ff}
     */
    public String mac() {
        String out = netns.exec("ip", "-o", "link", "show", iface).check().stdout();
        Matcher m = MAC.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no MAC address in: " + out);
        }
        return m.group(1);
    }

    /** @return the MAC address of the host's interface in the low 48 bits */
    public long macBits() {
        return HexFormat.fromHexDigitsToLong(mac().replace(":", ""));
    }

    /**
     * Runs a command inside the host's namespace.
     *
     * @param command the program and its arguments
     * @return the result, whatever the exit code
     */
    public Command.Result exec(String... command) {
        return netns.exec(command);
    }

    /**
     * Prepares the host as an LVS direct-routing or tunnel real server: the VIP on {@code lo}
     * (so the host accepts packets for it) and {@code arp_ignore=1}, {@code arp_announce=2} (so it
     * never answers ARP for it nor announces it).
     *
     * @param vip the virtual IP address
     */
    public void holdVipOnLoopback(String vip) {
        for (String scope : new String[] {"all", "lo", iface}) {
            exec("sysctl", "-q", "-w", "net.ipv4.conf." + scope + ".arp_ignore=1").check();
            exec("sysctl", "-q", "-w", "net.ipv4.conf." + scope + ".arp_announce=2").check();
        }
        exec("ip", "addr", "add", vip + "/32", "dev", "lo").check();
    }
}

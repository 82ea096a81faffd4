package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.VrrpInstanceConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The addresses the kernel holds on an interface of the calling thread's network namespace: a
 * director's own address there, the source of a VRRP instance's adverts.
 */
final class InterfaceAddresses {

    private InterfaceAddresses() {
    }

    /**
     * @param instances VRRP instances
     * @return every address of their {@code virtual_ipaddress} blocks, which are never the
     *     director's own
     */
    static Set<InetAddress> virtualAddresses(Collection<VrrpInstanceConfig> instances) {
        return instances.stream().flatMap(i -> i.virtualIpAddresses().stream()).map(v -> v.address())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param interfaceName the interface
     * @param excluded addresses not to take, such as VRRP virtual addresses a crashed master left
     *     on the interface (a restarted director must not take one for its own)
     * @return its first IPv4 address that is not excluded
     * @throws IOException if there is no such interface or it has no such address
     */
    static InetAddress ipv4(String interfaceName, Set<InetAddress> excluded) throws IOException {
        try {
            NetworkInterface ni = NetworkInterface.getByName(interfaceName);
            if (ni == null) {
                throw new IOException("no interface " + interfaceName);
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !excluded.contains(a)) {
                    return a;
                }
            }
            throw new IOException("interface " + interfaceName + " has no IPv4 address");
        } catch (SocketException e) {
            throw new IOException("cannot read interface " + interfaceName, e);
        }
    }

    /**
     * Finds an IPv6 address of the interface in {@code /proc/thread-self/net/if_inet6}: the
     * calling thread's network namespace, which {@link NetworkInterface} does not read for IPv6
     * (it reads the process's).
     *
     * @param interfaceName the interface
     * @param linkLocal {@code true} for its link-local address (a VRRP source), {@code false} for
     *     its first global one, else its link-local one
     * @return the address
     * @throws IOException if it has none
     */
    static Inet6Address ipv6(String interfaceName, boolean linkLocal) throws IOException {
        Path table = Path.of("/proc/thread-self/net/if_inet6");
        Inet6Address local = null;
        for (String line : Files.readAllLines(Files.exists(table) ? table : Path.of("/proc/net/if_inet6"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[5].equals(interfaceName) || f[0].length() != 32) {
                continue;
            }
            Inet6Address address = (Inet6Address) InetAddress.getByAddress(HexFormat.of().parseHex(f[0]));
            if (!address.isLinkLocalAddress() && !linkLocal) {
                return address;
            }
            if (address.isLinkLocalAddress() && local == null) {
                local = address;
            }
        }
        if (local == null) {
            throw new IOException("interface " + interfaceName + " has no " + (linkLocal ? "link-local " : "")
                    + "IPv6 address");
        }
        return local;
    }
}

package io.lvs4j.transport.epoll;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;

/** The addresses a {@link Director} sends from when it is given none: its interface's own. */
final class InterfaceAddresses {

    private InterfaceAddresses() {
    }

    /** @return the interface's first IPv4 address */
    static InetAddress primary(String interfaceName) throws IOException {
        try {
            NetworkInterface ni = NetworkInterface.getByName(interfaceName);
            if (ni == null) {
                throw new IOException("no interface " + interfaceName);
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a;
                }
            }
            throw new IOException("interface " + interfaceName + " has no IPv4 address");
        } catch (SocketException e) {
            throw new IOException("cannot read interface " + interfaceName, e);
        }
    }

    /**
     * Finds the interface's IPv6 address, global before link-local, in
     * {@code /proc/thread-self/net/if_inet6}: the calling thread's network namespace, which
     * {@link NetworkInterface} does not read for IPv6 (it reads the process's).
     */
    static Inet6Address primary6(String interfaceName) throws IOException {
        Path table = Path.of("/proc/thread-self/net/if_inet6");
        Inet6Address linkLocal = null;
        for (String line : Files.readAllLines(Files.exists(table) ? table : Path.of("/proc/net/if_inet6"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[5].equals(interfaceName) || f[0].length() != 32) {
                continue;
            }
            Inet6Address address = (Inet6Address) InetAddress.getByAddress(HexFormat.of().parseHex(f[0]));
            if (!address.isLinkLocalAddress()) {
                return address;
            }
            if (linkLocal == null) {
                linkLocal = address;
            }
        }
        if (linkLocal == null) {
            throw new IOException("interface " + interfaceName + " has no IPv6 address for the IPv6 services");
        }
        return linkLocal;
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.testkit.Host;
import io.lvs4j.testkit.Lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IPv6 on a {@link Lab}: every host gets {@code PREFIX + (10 + n)} on its lab interface (the
 * n-th host, as for IPv4), duplicate address detection off so that addresses work at once, and
 * the bridge floods multicast (no MLD snooping), so that solicitations reach a director that
 * owns a VIP in user space without joining its solicited-node group.
 */
final class Ipv6Lab {

    /** The lab's IPv6 prefix, documentation space; host {@code n} gets {@code PREFIX + (10 + n)}. */
    static final String PREFIX = "2001:db8:6::";

    private final Map<String, String> addresses;

    private Ipv6Lab(Map<String, String> addresses) {
        this.addresses = addresses;
    }

    /** Adds IPv6 to every host of a lab. @return the addresses by role */
    static Ipv6Lab of(Lab lab) {
        lab.bridgeNamespace().exec("ip", "link", "set", lab.bridge(), "type", "bridge", "mcast_snooping", "0").check();
        Map<String, String> addresses = new LinkedHashMap<>();
        int n = 0;
        for (Host host : lab.hosts()) {
            n++;
            for (String scope : new String[] {"all", "default", host.iface()}) {
                host.exec("sysctl", "-q", "-w", "net.ipv6.conf." + scope + ".accept_dad=0").check();
            }
            String address = PREFIX + Integer.toHexString(10 + n);
            host.exec("ip", "-6", "addr", "add", address + "/64", "dev", host.iface(), "nodad").check();
            addresses.put(host.role(), address);
        }
        return new Ipv6Lab(addresses);
    }

    /** @return the IPv6 address of a host */
    String address(Host host) {
        return addresses.get(host.role());
    }

    /** @return an address of the lab's IPv6 network that no host has, for a VIP */
    static String vip(int n) {
        return PREFIX + Integer.toHexString(n);
    }

    /** Holds an IPv6 VIP on a real server's {@code lo}, as for LVS-DR (the kernel then never answers solicitations for it). */
    static void holdVipOnLoopback(Host host, String vip) {
        host.exec("ip", "-6", "addr", "add", vip + "/128", "dev", "lo", "nodad").check();
    }
}

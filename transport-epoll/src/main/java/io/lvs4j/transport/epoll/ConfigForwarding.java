package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.RealServerConfig;
import io.lvs4j.core.config.SorryServerConfig;
import io.lvs4j.core.config.TunnelConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@link Forwarding} of a keepalived virtual server, as {@link Director#fromConfig} gives it
 * to the data path, with a refusal naming the virtual server for what one forwarding per service
 * cannot express.
 */
final class ConfigForwarding {

    private ConfigForwarding() {
    }

    /**
     * Maps a virtual server's {@code lb_kind} and tunnel options.
     *
     * @param vs the virtual server
     * @return the forwarding of the whole service
     * @throws IllegalArgumentException if real servers use different methods, a tunnel crosses
     *     address families, or a GUE checksum option is asked for
     */
    static Forwarding map(VirtualServerConfig vs) {
        String name = "virtual_server " + vs.displayName();
        for (RealServerConfig rs : vs.realServers()) {
            same(name, "real_server " + rs.address().getHostAddress(), vs.forwardingOf(rs), vs.tunnelOf(rs), vs);
            sameFamily(name, "real_server", rs.address(), vs);
        }
        if (vs.sorryServer().isPresent()) {
            SorryServerConfig s = vs.sorryServer().get();
            same(name, "sorry_server " + s.address().getHostAddress(), s.forwarding().orElse(vs.forwarding()),
                    s.forwarding().isPresent() ? s.tunnel() : vs.tunnel(), vs);
            sameFamily(name, "sorry_server", s.address(), vs);
        }
        return switch (vs.forwarding()) {
            case DIRECT_ROUTE -> Forwarding.directRoute();
            case MASQUERADE -> Forwarding.masquerade();
            case FULL_NAT -> Forwarding.fullNat();
            case TUNNEL -> tunnel(name, vs.tunnel().orElse(TunnelConfig.IPIP));
        };
    }

    /**
     * Returns the local addresses of the configuration's full-NAT virtual servers: the addresses
     * of the {@code local_address_group}s they name, of each service's family (the data path
     * sends from one set of local addresses per family for all its full-NAT services).
     *
     * @param conf the configuration
     * @return the IPv4 addresses, then the IPv6 ones; empty if no virtual server is full-NAT
     * @throws IllegalArgumentException if two full-NAT virtual servers of one family name groups
     *     with different addresses of that family
     */
    static List<InetAddress> localAddresses(DirectorConfig conf) {
        Map<Boolean, List<InetAddress>> chosen = new TreeMap<>(Comparator.reverseOrder());
        Map<Boolean, VirtualServerConfig> first = new HashMap<>();
        for (VirtualServerConfig vs : conf.virtualServers()) {
            if (!vs.usesFullNat() || vs.address().isEmpty()) {
                continue;
            }
            boolean ipv4 = vs.address().get() instanceof Inet4Address;
            List<InetAddress> addresses = conf.localAddressesOf(vs).stream()
                    .filter(a -> (a instanceof Inet4Address) == ipv4).toList();
            List<InetAddress> previous = chosen.putIfAbsent(ipv4, addresses);
            first.putIfAbsent(ipv4, vs);
            if (previous != null && !previous.equals(addresses)) {
                VirtualServerConfig other = first.get(ipv4);
                throw new IllegalArgumentException("virtual_server " + vs.displayName() + " names local_address_group "
                        + vs.localAddressGroup().orElse("") + " and virtual_server " + other.displayName() + " "
                        + other.localAddressGroup().orElse("") + ", whose " + (ipv4 ? "IPv4" : "IPv6")
                        + " addresses differ; lvs4j's full-NAT sends from one set of local addresses per address"
                        + " family for the whole director");
            }
        }
        List<InetAddress> all = new ArrayList<>();
        chosen.values().forEach(all::addAll);
        return all;
    }

    private static Forwarding tunnel(String name, TunnelConfig t) {
        if (t.checksum() != TunnelConfig.Checksum.NOCSUM) {
            throw new IllegalArgumentException(name + ": the GUE option " + t.checksum().name().toLowerCase(
                    java.util.Locale.ROOT) + " is not supported by lvs4j; it sends GUE over IPv4 without an outer"
                    + " UDP checksum (nocsum)");
        }
        return t.type() == TunnelConfig.Type.GUE ? Forwarding.gue(t.port()) : Forwarding.ipip();
    }

    private static void same(String name, String server, ForwardingMethod method, Optional<TunnelConfig> tunnel,
            VirtualServerConfig vs) {
        if (method != vs.forwarding() || !tunnel.equals(vs.tunnel())) {
            throw new IllegalArgumentException(name + ": " + server + " uses lvs_method " + describe(method, tunnel)
                    + " and the virtual server " + describe(vs.forwarding(), vs.tunnel())
                    + "; lvs4j forwards all servers of a virtual server by one method");
        }
    }

    private static void sameFamily(String name, String what, InetAddress server, VirtualServerConfig vs) {
        if (vs.address().isPresent()
                && (server instanceof Inet4Address) != (vs.address().get() instanceof Inet4Address)) {
            throw new IllegalArgumentException(name + ": " + what + " " + server.getHostAddress()
                    + " is of another address family; lvs4j does not tunnel between IPv4 and IPv6");
        }
    }

    private static String describe(ForwardingMethod method, Optional<TunnelConfig> tunnel) {
        return keyword(method) + tunnel.map(t -> " " + t).orElse("");
    }

    private static String keyword(ForwardingMethod method) {
        return switch (method) {
            case DIRECT_ROUTE -> "DR";
            case MASQUERADE -> "NAT";
            case TUNNEL -> "TUN";
            case FULL_NAT -> "FNAT";
        };
    }
}

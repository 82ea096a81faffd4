package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.RealServerConfig;
import io.lvs4j.core.config.SorryServerConfig;
import io.lvs4j.core.config.TunnelConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.VirtualService;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Forwarding} of a keepalived virtual server, as {@link Director#fromConfig} gives it
 * to the data path, with a refusal naming the virtual server for what the data path cannot do.
 */
final class ConfigForwarding {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigForwarding.class);

    private ConfigForwarding() {
    }

    /**
     * Maps a virtual server's {@code lb_kind} and tunnel options, and checks that the data path
     * takes the method.
     *
     * @param vs the virtual server
     * @param service its virtual service, to ask the data path whether it takes the method
     * @return the forwarding of the whole service
     * @throws IllegalArgumentException if real servers use different methods (lvs4j forwards a
     *     service by one method), a tunnel crosses address families, a GUE checksum option is
     *     asked for, or the data path does not offer the method
     */
    static Forwarding of(VirtualServerConfig vs, VirtualService service) {
        Forwarding forwarding = map(vs);
        try {
            PacketDirector.builder().virtualService(service, forwarding);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("virtual_server " + vs.displayName() + ": lb_kind "
                    + keyword(vs.forwarding()) + " is refused by the data path: " + e.getMessage(), e);
        }
        return forwarding;
    }

    /**
     * Maps a virtual server's {@code lb_kind} and tunnel options, whatever the data path offers.
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
     * Returns the local addresses of the configuration's full-NAT virtual servers: the IPv4
     * addresses of the {@code local_address_group} they name (the data path sends from one set
     * of local addresses for all its full-NAT services, and from IPv4 ones only).
     *
     * @param conf the configuration
     * @return the addresses; empty if no virtual server is full-NAT
     * @throws IllegalArgumentException if two full-NAT virtual servers name groups with different
     *     addresses
     */
    static List<InetAddress> localAddresses(DirectorConfig conf) {
        List<InetAddress> chosen = null;
        VirtualServerConfig first = null;
        for (VirtualServerConfig vs : conf.virtualServers()) {
            if (!vs.usesFullNat()) {
                continue;
            }
            List<InetAddress> addresses = conf.localAddressesOf(vs);
            if (chosen == null) {
                chosen = addresses;
                first = vs;
            } else if (!chosen.equals(addresses)) {
                throw new IllegalArgumentException("virtual_server " + vs.displayName() + " names local_address_group "
                        + vs.localAddressGroup().orElse("") + " and virtual_server " + first.displayName() + " "
                        + first.localAddressGroup().orElse("") + ", with other addresses; lvs4j's full-NAT sends"
                        + " from one set of local addresses for the whole director");
            }
        }
        if (chosen == null) {
            return List.of();
        }
        List<InetAddress> ipv4 = chosen.stream().filter(a -> a instanceof Inet4Address).toList();
        if (ipv4.size() < chosen.size()) {
            LOG.warn("local_address_group {}: its IPv6 addresses are left out (full-NAT sends from IPv4 local"
                    + " addresses)", first.localAddressGroup().orElse(""));
        }
        return ipv4;
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

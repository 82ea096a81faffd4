package io.lvs4j.transport.epoll.bgp;

import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.config.BgpNeighbor;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The configuration lvs4j writes for FRR's {@code bgpd}: one eBGP (or iBGP) session per
 * {@code neighbor}, IPv4 neighbors carrying the IPv4 VIPs and IPv6 ones the IPv6 VIPs, nothing
 * accepted from the routers (the director needs no routes), {@code network} statements without
 * the RIB check (the VIP is on no kernel interface), and the BGP timers of {@code hold_time}.
 * The {@code network} statements themselves come and go through {@code vtysh}.
 */
final class FrrConfig {

    /** The route map that refuses every route a router sends. */
    static final String REFUSE_ALL = "LVS4J-ACCEPT-NONE";

    private FrrConfig() {
    }

    /**
     * Writes {@code bgpd.conf}.
     *
     * @param config the block
     * @param routerId the router id
     * @return the text
     */
    static String bgpd(BgpConfig config, Inet4Address routerId) {
        long hold = config.holdTime().toSeconds();
        StringBuilder s = new StringBuilder();
        s.append("! Written by lvs4j from bgp_announce; lvs4j adds and removes the network statements.\n");
        s.append("router bgp ").append(config.localAs()).append('\n');
        s.append(" bgp router-id ").append(routerId.getHostAddress()).append('\n');
        s.append(" no bgp ebgp-requires-policy\n");
        s.append(" no bgp network import-check\n");
        s.append(" no bgp default ipv4-unicast\n");
        s.append(" timers bgp ").append(Math.max(1, hold / 3)).append(' ').append(hold).append('\n');
        for (BgpNeighbor n : config.neighbors()) {
            String peer = Prefixes.text(n.address());
            s.append(" neighbor ").append(peer).append(" remote-as ").append(n.remoteAs()).append('\n');
            s.append(" neighbor ").append(peer).append(" timers connect 1\n");
        }
        family(s, "ipv4", config.neighbors().stream().filter(n -> n.address() instanceof Inet4Address)
                .map(BgpNeighbor::address).toList());
        family(s, "ipv6", config.neighbors().stream().filter(n -> !(n.address() instanceof Inet4Address))
                .map(BgpNeighbor::address).toList());
        s.append("exit\n");
        s.append("route-map ").append(REFUSE_ALL).append(" deny 10\n");
        s.append("exit\n");
        return s.toString();
    }

    private static void family(StringBuilder s, String family, List<InetAddress> peers) {
        if (peers.isEmpty()) {
            return;
        }
        s.append(" address-family ").append(family).append(" unicast\n");
        for (InetAddress a : peers) {
            String peer = Prefixes.text(a);
            s.append("  neighbor ").append(peer).append(" activate\n");
            s.append("  neighbor ").append(peer).append(" route-map ").append(REFUSE_ALL).append(" in\n");
        }
        s.append(" exit-address-family\n");
    }

    /**
     * Returns the {@code vtysh} commands that announce or withdraw a VIP.
     *
     * @param config the block
     * @param vip the VIP
     * @param announce true to announce, false to withdraw
     * @return the commands, one {@code -c} each
     */
    static List<String> network(BgpConfig config, InetAddress vip, boolean announce) {
        return List.of("configure terminal", "router bgp " + config.localAs(),
                "address-family " + (vip instanceof Inet4Address ? "ipv4" : "ipv6") + " unicast",
                (announce ? "" : "no ") + "network " + Prefixes.of(vip), "end");
    }
}

package io.lvs4j.transport.epoll.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.config.BgpNeighbor;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.status.AnnouncementStatus;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What lvs4j tells FRR and other daemons: bgpd.conf, the vtysh commands, the peers' states, the command words. */
class FrrConfigTest {

    private static final BgpConfig CONFIG = BgpConfig.builder().localAs(65001)
            .neighbor(new BgpNeighbor(InetAddress.ofLiteral("198.18.0.1"), 65000))
            .neighbor(new BgpNeighbor(InetAddress.ofLiteral("2001:db8:0:0:0:0:0:1"), 65000))
            .holdTime(Duration.ofSeconds(3)).build();

    @Test
    void shouldWriteOneSessionPerNeighborAcceptingNothing() {
        assertEquals("""
                ! Written by lvs4j from bgp_announce; lvs4j adds and removes the network statements.
                router bgp 65001
                 bgp router-id 198.18.0.21
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                 no bgp default ipv4-unicast
                 timers bgp 1 3
                 neighbor 198.18.0.1 remote-as 65000
                 neighbor 198.18.0.1 timers connect 1
                 neighbor 2001:db8::1 remote-as 65000
                 neighbor 2001:db8::1 timers connect 1
                 address-family ipv4 unicast
                  neighbor 198.18.0.1 activate
                  neighbor 198.18.0.1 route-map LVS4J-ACCEPT-NONE in
                 exit-address-family
                 address-family ipv6 unicast
                  neighbor 2001:db8::1 activate
                  neighbor 2001:db8::1 route-map LVS4J-ACCEPT-NONE in
                 exit-address-family
                exit
                route-map LVS4J-ACCEPT-NONE deny 10
                exit
                """, FrrConfig.bgpd(CONFIG, (Inet4Address) InetAddress.ofLiteral("198.18.0.21")));
    }

    @Test
    void shouldAddAndRemoveNetworkStatementsInTheVipsFamily() {
        assertEquals(List.of("configure terminal", "router bgp 65001", "address-family ipv4 unicast",
                "network 198.18.0.10/32", "end"), FrrConfig.network(CONFIG, InetAddress.ofLiteral("198.18.0.10"), true));
        assertEquals(List.of("configure terminal", "router bgp 65001", "address-family ipv6 unicast",
                "no network 2001:db8::10/128", "end"),
                FrrConfig.network(CONFIG, InetAddress.ofLiteral("2001:db8::10"), false));
    }

    @Test
    void shouldReadEachNeighborsStateFromBgpdsJson() {
        String json = """
                {
                  "198.18.0.1":{
                    "remoteAs":65000,
                    "bgpState":"Established",
                    "bgpTimerLastRead":322000
                  },
                  "2001:db8::1":{
                    "remoteAs":65000,
                    "bgpState":"Active"
                  }
                }
                """;
        assertEquals(List.of(new AnnouncementStatus.Peer("198.18.0.1", "Established"),
                new AnnouncementStatus.Peer("2001:db8::1", "Active")), FrrSpeaker.parsePeers(json, CONFIG.neighbors()));
        assertEquals(List.of(new AnnouncementStatus.Peer("198.18.0.1", "Unknown"),
                new AnnouncementStatus.Peer("2001:db8::1", "Unknown")), FrrSpeaker.parsePeers("{}", CONFIG.neighbors()));
    }

    @Test
    void shouldWriteIpv6AsDaemonsDo() {
        assertEquals("2001:db8::10", Prefixes.text(InetAddress.ofLiteral("2001:db8:0:0:0:0:0:10")));
        assertEquals("2001:0:0:1::1", Prefixes.text(InetAddress.ofLiteral("2001:0:0:1:0:0:0:1")));
        assertEquals("::1", Prefixes.text(InetAddress.ofLiteral("::1")));
        assertEquals("2001:db8:1:2:3:4:5:6", Prefixes.text(InetAddress.ofLiteral("2001:db8:1:2:3:4:5:6")));
        assertEquals("2001:db8:0:1:1:1:1:1", Prefixes.text(InetAddress.ofLiteral("2001:db8:0:1:1:1:1:1")));
        assertEquals("fe80::/128".replace("/128", ""), Prefixes.text(InetAddress.ofLiteral("fe80::")));
        assertEquals("198.18.0.10/32", Prefixes.of(InetAddress.ofLiteral("198.18.0.10")));
    }

    @Test
    void shouldFillTheCommandsPlaceholders() {
        Script add = Script.of("/usr/bin/gobgp global rib add -a %family% %prefix% # %address%");
        assertEquals(List.of("/usr/bin/gobgp", "global", "rib", "add", "-a", "ipv6", "2001:db8::10/128", "#",
                "2001:db8::10"), CommandSpeaker.words(add, InetAddress.ofLiteral("2001:db8::10")));
    }
}

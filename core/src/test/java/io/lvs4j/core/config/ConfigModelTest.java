package io.lvs4j.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.RealServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The configuration records check their values and apply keepalived's defaults. */
class ConfigModelTest {

    private static final InetAddress VIP = InetAddress.ofLiteral("198.18.0.10");

    private static VrrpInstanceConfig.Builder instance() {
        return VrrpInstanceConfig.builder("VI_1").interfaceName("eth0").virtualRouterId(51);
    }

    @Test
    void shouldApplyKeepalivedInstanceDefaults() {
        VrrpInstanceConfig vi = instance().build();

        assertEquals(VrrpInitialState.BACKUP, vi.initialState());
        assertEquals(100, vi.priority());
        assertEquals(Duration.ofSeconds(1), vi.advertInterval());
        assertEquals(2, vi.version());
        assertEquals(GarpConfig.DEFAULTS, vi.garp());
        assertEquals(true, vi.preempt());
    }

    @Test
    void shouldInheritGlobalVrrpDefaults() {
        GlobalDefs globals = GlobalDefs.builder().vrrpVersion(3).vrrpStrict(true)
                .garp(GarpConfig.builder().masterRepeat(2).build()).build();

        VrrpInstanceConfig vi = VrrpInstanceConfig.builder("VI_1", globals).interfaceName("eth0")
                .virtualRouterId(1).build();

        assertEquals(3, vi.version());
        assertEquals(true, vi.strictMode());
        assertEquals(2, vi.garp().masterRepeat());
        assertEquals(2, vi.garp().lowerPrioRepeat(), "lower-priority repeat follows the master repeat");
    }

    @Test
    void shouldRefuseFractionalAdvertIntervalForVersion2() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> instance().advertInterval(Duration.ofMillis(500)).build());

        assertEquals("advert_int of VRRP version 2 must be whole seconds 1-255: PT0.5S", e.getMessage());
    }

    @Test
    void shouldRefuseAuthenticationWithVersion3() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> instance().version(3).authPass("secret").build());

        assertEquals("authentication requires VRRP version 2", e.getMessage());
    }

    @Test
    void shouldPadThePasswordToEightBytes() {
        assertArrayEquals(new byte[] {'1', '1', '1', '1', 0, 0, 0, 0},
                new VrrpAuthentication("1111").authenticationData());
        assertThrows(IllegalArgumentException.class, () -> new VrrpAuthentication("123456789"));
    }

    @Test
    void shouldRefuseDanglingReferencesInTheDirector() {
        VrrpInstanceConfig tracking = instance()
                .trackScript(VrrpScriptConfig.builder("chk").script("/bin/true").build()).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DirectorConfig.builder().vrrpInstance(tracking).build());

        assertEquals("vrrp_instance VI_1 tracks vrrp_script chk, which is not declared", e.getMessage());
    }

    @Test
    void shouldRefuseAnInstanceInTwoSyncGroups() {
        DirectorConfig.Builder b = DirectorConfig.builder().vrrpInstance(instance().build())
                .vrrpSyncGroup(VrrpSyncGroupConfig.builder("A").instance("VI_1").build())
                .vrrpSyncGroup(VrrpSyncGroupConfig.builder("B").instance("VI_1").build());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);

        assertEquals("vrrp_instance VI_1 is in vrrp_sync_group A and B", e.getMessage());
    }

    @Test
    void shouldApplyCheckerDefaultsPerType() {
        CheckerTiming tcp = CheckerTiming.defaults(CheckerType.TCP_CHECK);
        CheckerTiming http = CheckerTiming.defaults(CheckerType.HTTP_GET);
        CheckerTiming dns = CheckerTiming.builder(CheckerType.DNS_CHECK).delayLoop(Duration.ofSeconds(7)).build();

        assertEquals(Duration.ofSeconds(5), tcp.connectTimeout());
        assertEquals(1, tcp.retry());
        assertEquals(Duration.ofSeconds(1), tcp.delayBeforeRetry());
        assertEquals(Duration.ofSeconds(60), tcp.delayLoop());
        assertEquals(Duration.ofSeconds(60), tcp.warmup());
        assertEquals(Duration.ofSeconds(3), http.delayBeforeRetry());
        assertEquals(3, dns.retry());
        assertEquals(Duration.ofSeconds(7), dns.delayBeforeRetry());
        assertEquals(0, MiscCheckConfig.of("/bin/true").timing().retry());
    }

    @Test
    void shouldRefuseAVirtualServerWithoutPortUnlessPersistent() {
        assertThrows(IllegalArgumentException.class, () -> VirtualServerConfig.builder(VIP, 0).build());

        VirtualServerConfig persistent = VirtualServerConfig.builder(VIP, 0)
                .persistenceTimeout(Duration.ofSeconds(300)).build();

        assertEquals("wlc", persistent.scheduler());
        assertEquals(ForwardingMethod.MASQUERADE, persistent.forwarding());
    }

    @Test
    void shouldMakeTheCoreRealServerWithInheritedPortAndForwarding() {
        RealServerConfig rs = RealServerConfig.builder(InetAddress.ofLiteral("198.18.0.11"), 0).weight(5).build();
        VirtualServerConfig vs = VirtualServerConfig.builder(VIP, 80).forwarding(ForwardingMethod.DIRECT_ROUTE)
                .realServer(rs).build();

        assertEquals(new RealServer(InetAddress.ofLiteral("198.18.0.11"), 80, 5, 0, 0,
                ForwardingMethod.DIRECT_ROUTE), rs.toRealServer(vs));
    }

    @Test
    void shouldRefuseMalformedUrlSettings() {
        assertThrows(IllegalArgumentException.class, () -> HttpUrl.of("health"));
        assertThrows(IllegalArgumentException.class, () -> new StatusCodeRange(300, 200));
        assertThrows(IllegalArgumentException.class, () -> HttpGetCheckConfig.httpGet().build());
    }

    @Test
    void shouldGiveTunnelMethodsIpipByDefaultAndRefuseStrayTunnelOptions() {
        VirtualServerConfig tun = VirtualServerConfig.builder(VIP, 80).forwarding(ForwardingMethod.TUNNEL).build();
        assertEquals(Optional.of(TunnelConfig.IPIP), tun.tunnel());

        VirtualServerConfig back = VirtualServerConfig.builder(VIP, 80).tunnel(TunnelConfig.gue(6080))
                .forwarding(ForwardingMethod.DIRECT_ROUTE).build();
        assertEquals(Optional.empty(), back.tunnel(), "another method drops the tunnel options");

        InetAddress rs = InetAddress.ofLiteral("198.18.0.11");
        assertThrows(IllegalArgumentException.class, () -> new RealServerConfig(rs, 80, 1,
                Optional.of(ForwardingMethod.MASQUERADE), Optional.of(TunnelConfig.IPIP), 0, 0, false,
                Optional.empty(), Optional.empty(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TunnelConfig(TunnelConfig.Type.GUE, 0,
                TunnelConfig.Checksum.NOCSUM));
        assertThrows(IllegalArgumentException.class, () -> new TunnelConfig(TunnelConfig.Type.IPIP, 0,
                TunnelConfig.Checksum.CSUM));
        assertThrows(IllegalArgumentException.class, () -> new TunnelConfig(TunnelConfig.Type.IPIP, 6080,
                TunnelConfig.Checksum.NOCSUM));
    }

    @Test
    void shouldRequireDeclaredLocalAddressesOfTheRealServersFamilyForFullNat() {
        RealServerConfig v6 = RealServerConfig.builder(InetAddress.ofLiteral("2001:db8::11"), 8080)
                .forwarding(ForwardingMethod.FULL_NAT).build();
        assertThrows(IllegalArgumentException.class, () -> VirtualServerConfig.builder(VIP, 80).realServer(v6)
                .build(), "full-NAT without laddr_group_name");
        VirtualServerConfig vs = VirtualServerConfig.builder(InetAddress.ofLiteral("2001:db8::10"), 80)
                .localAddressGroup("g1").realServer(v6).build();
        LocalAddressGroupConfig v4Only = new LocalAddressGroupConfig("g1", List.of(InetAddress.ofLiteral("198.18.0.50")));
        LocalAddressGroupConfig both = new LocalAddressGroupConfig("g1", List.of(InetAddress.ofLiteral("198.18.0.50"),
                InetAddress.ofLiteral("2001:db8::50")));

        assertThrows(IllegalArgumentException.class, () -> DirectorConfig.builder().virtualServer(vs).build(),
                "no such group");
        assertThrows(IllegalArgumentException.class, () -> DirectorConfig.builder().virtualServer(vs)
                .localAddressGroup(v4Only).build(), "no IPv6 local address");
        DirectorConfig ok = DirectorConfig.builder().virtualServer(vs).localAddressGroup(both).build();
        assertEquals(both.addresses(), ok.localAddressesOf(vs));
        assertEquals(List.of(InetAddress.ofLiteral("2001:db8::50")), both.addresses(false));
        assertThrows(IllegalArgumentException.class, () -> new LocalAddressGroupConfig("g2", List.of()));
    }
}

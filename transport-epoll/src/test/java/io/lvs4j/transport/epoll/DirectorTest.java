package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.config.SyncDaemonConfig;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.VirtualService;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link Director#fromConfig} maps a keepalived configuration; nothing is started. */
class DirectorTest {

    private static DirectorConfig parse(String text) throws Exception {
        return KeepalivedConfigParser.create().parse(Path.of("test.conf"), text).config();
    }

    private static final String VRRP = """
            vrrp_instance VI_1 {
                interface eth7
                virtual_router_id 51
                priority 100
                virtual_ipaddress { 198.18.0.10 }
            }
            """;

    @Test
    void shouldTakeTheDataPathInterfaceFromTheFirstVrrpInstanceWhenNoneIsGiven() throws Exception {
        Director d = Director.fromConfig(parse(VRRP + """
                virtual_server 198.18.0.10 80 {
                    lb_algo rr
                    lb_kind DR
                    real_server 198.18.0.11 80 { TCP_CHECK { } }
                }
                """), null).build();
        assertEquals(List.of("VI_1"), d.instances());
        assertEquals(1, d.services().size());
        assertEquals("TCP 198.18.0.10:80 rr", d.services().getFirst().toString());
        assertTrue(d.services().getFirst().destinations().isEmpty(), "the health checks put the servers in at start");
    }

    @Test
    void shouldNameTheOtherInstancesInterfacesAsServerInterfacesOfTheNatPair() throws Exception {
        DirectorConfig pair = parse("""
                vrrp_sync_group VG {
                    group {
                        VI_OUT
                        VI_IN
                    }
                }
                vrrp_instance VI_OUT {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    virtual_ipaddress { 198.18.0.10/24 }
                }
                vrrp_instance VI_IN {
                    interface eth1
                    virtual_router_id 52
                    priority 100
                    virtual_ipaddress { 198.19.1.1/24 }
                }
                virtual_server 198.18.0.10 80 {
                    lb_kind NAT
                    real_server 198.19.1.11 80 { }
                }
                """);
        assertEquals("eth0", Director.fromConfig(pair, null).interfaceName());
        assertEquals(List.of("eth1"), Director.fromConfig(pair, null).serverInterfaces);
        DirectorBuilder renamed = Director.fromConfig(pair, "outside0");
        assertEquals("outside0", renamed.interfaceName());
        assertEquals(List.of("eth1"), renamed.serverInterfaces, "the inside instance keeps its interface");
        assertEquals(List.of(), Director.fromConfig(parse(VRRP), null).serverInterfaces,
                "one interface: no server interface");
    }

    @Test
    void shouldForwardEachVirtualServerByItsLbKindWithNatPortMapping() throws Exception {
        Director d = Director.fromConfig(parse("""
                virtual_server 198.18.0.10 80 {
                    lb_kind NAT
                    real_server 198.18.0.11 8080 { }
                }
                virtual_server 198.18.0.10 443 {
                    lb_kind DR
                    real_server 198.18.0.11 443 { }
                }
                virtual_server 2001:db8::10 80 {
                    lb_kind NAT
                    real_server 2001:db8::11 8080 { }
                }
                """), "eth0").build();

        assertEquals(Forwarding.masquerade(), d.forwardingOf(d.services().get(0)));
        assertEquals(Forwarding.directRoute(), d.forwardingOf(d.services().get(1)));
        assertEquals(Forwarding.masquerade(), d.forwardingOf(d.services().get(2)));
        assertEquals(InetAddress.ofLiteral("2001:db8::10"), d.services().get(2).address());
    }

    @Test
    void shouldMapTunnelAndFullNatMethodsToTheirForwarding() throws Exception {
        DirectorConfig conf = parse("""
                local_address_group laddr_g1 {
                    198.18.0.50-51
                }
                virtual_server 198.18.0.10 80 {
                    lb_kind TUN type gue port 6080
                    real_server 198.18.0.11 80 { }
                }
                virtual_server 198.18.0.10 81 {
                    lb_kind TUN
                    real_server 198.18.0.11 81 { lvs_method TUN type ipip }
                }
                virtual_server 198.18.0.10 82 {
                    lb_kind FNAT
                    laddr_group_name laddr_g1
                    real_server 198.18.0.11 8082 { }
                }
                """);

        assertEquals(List.of(Forwarding.gue(6080), Forwarding.ipip(), Forwarding.fullNat()),
                conf.virtualServers().stream().map(ConfigForwarding::map).toList());
    }

    @Test
    void shouldRefuseWhatOneForwardingPerServiceCannotExpress() throws Exception {
        DirectorConfig mixed = parse("""
                virtual_server 198.18.0.10 80 {
                    lb_kind NAT
                    real_server 198.18.0.11 80 { }
                    real_server 198.18.0.12 80 { lvs_method DR }
                }
                """);
        DirectorConfig checksum = parse("""
                virtual_server 198.18.0.10 80 {
                    lb_kind TUN type gue port 6080 csum
                    real_server 198.18.0.11 80 { }
                }
                """);
        DirectorConfig families = parse("""
                virtual_server 198.18.0.10 80 {
                    lb_kind TUN
                    real_server 2001:db8::11 80 { }
                }
                """);

        assertEquals("virtual_server [198.18.0.10]:tcp:80: real_server 198.18.0.12 uses lvs_method DR and the"
                + " virtual server NAT; lvs4j forwards all servers of a virtual server by one method",
                assertThrows(IllegalArgumentException.class, () -> Director.fromConfig(mixed, "eth0")).getMessage());
        assertEquals("virtual_server [198.18.0.10]:tcp:80: the GUE option csum is not supported by lvs4j; it sends"
                + " GUE over IPv4 without an outer UDP checksum (nocsum)",
                assertThrows(IllegalArgumentException.class, () -> Director.fromConfig(checksum, "eth0")).getMessage());
        assertEquals("virtual_server [198.18.0.10]:tcp:80: real_server 2001:db8:0:0:0:0:0:11 is of another address"
                + " family; lvs4j does not tunnel between IPv4 and IPv6",
                assertThrows(IllegalArgumentException.class, () -> Director.fromConfig(families, "eth0")).getMessage());
    }

    @Test
    void shouldServeIpv6VirtualServersWithAWholeAddressPersistenceByDefault() throws Exception {
        Director d = Director.fromConfig(parse("""
                virtual_server 2001:db8::10 80 {
                    lb_kind DR
                    persistence_timeout 60
                    real_server 2001:db8::11 80 { }
                }
                """), "eth0").build();

        VirtualService service = d.services().getFirst();
        assertEquals(InetAddress.ofLiteral("2001:db8::10"), service.address());
        assertEquals(Forwarding.directRoute(), d.forwardingOf(service));
        assertEquals(128, service.persistenceGranularity());
    }

    @Test
    void shouldGiveFullNatTheAddressesOfItsLocalAddressGroupsByFamily() throws Exception {
        Director d = Director.fromConfig(parse("""
                local_address_group laddr_g1 {
                    198.18.1.50-51
                    2001:db8::50
                }
                virtual_server 198.18.0.10 80 {
                    lb_kind FNAT
                    laddr_group_name laddr_g1
                    real_server 198.18.1.11 8080 { }
                }
                virtual_server 198.18.0.10 443 {
                    lb_kind FNAT
                    laddr_group_name laddr_g1
                    real_server 198.18.1.11 8443 { }
                }
                virtual_server 198.18.0.10 8080 {
                    lb_kind DR
                    real_server 198.18.0.12 8080 { }
                }
                local_address_group laddr_v6 {
                    2001:db8:1::50
                }
                virtual_server 2001:db8::10 80 {
                    lb_kind FNAT
                    laddr_group_name laddr_v6
                    real_server 2001:db8:1::11 8080 { }
                }
                """), "eth0").build();

        assertEquals(Forwarding.fullNat(), d.forwardingOf(d.services().getFirst()));
        assertEquals(Forwarding.fullNat(), d.forwardingOf(d.services().get(3)));
        assertEquals(List.of(InetAddress.ofLiteral("198.18.1.50"), InetAddress.ofLiteral("198.18.1.51"),
                InetAddress.ofLiteral("2001:db8:1::50")), d.localAddresses(),
                "each service's family from its group; laddr_g1's IPv6 address serves no IPv6 service");
    }

    @Test
    void shouldRefuseFullNatServicesWithDifferentLocalAddresses() throws Exception {
        DirectorConfig conf = parse("""
                local_address_group g1 {
                    198.18.1.50
                }
                local_address_group g2 {
                    198.18.2.50
                }
                virtual_server 198.18.0.10 80 {
                    lb_kind FNAT
                    laddr_group_name g1
                    real_server 198.18.1.11 8080 { }
                }
                virtual_server 198.18.0.10 443 {
                    lb_kind FNAT
                    laddr_group_name g2
                    real_server 198.18.2.11 8443 { }
                }
                """);

        assertEquals("virtual_server [198.18.0.10]:tcp:443 names local_address_group g2 and virtual_server"
                + " [198.18.0.10]:tcp:80 g1, whose IPv4 addresses differ; lvs4j's full-NAT sends from one set of"
                + " local addresses per address family for the whole director",
                assertThrows(IllegalArgumentException.class, () -> Director.fromConfig(conf, "eth0")).getMessage());
    }

    @Test
    void shouldSyncConnectionsOnTheDataPathInterfaceFollowingTheNamedInstance() throws Exception {
        DirectorBuilder b = Director.fromConfig(parse("""
                global_defs {
                    lvs_sync_daemon eth7 VI_1 id 9 maxlen 1200
                }
                """ + VRRP + """
                virtual_server 198.18.0.10 80 {
                    lb_algo rr
                    lb_kind DR
                    real_server 198.18.0.11 80 { TCP_CHECK { } }
                }
                """), "veth7");
        assertEquals(new SyncDaemonConfig("veth7", "VI_1", 9, 1200, 8848, 1, Optional.empty(), List.of()),
                b.syncDaemon(), "the sync interface follows the first instance's onto the one given");
        DirectorBuilder other = Director.builder().interfaceName("eth0")
                .vrrpInstance(b.build().vrrp().instances().getFirst()).syncDaemon(SyncDaemonConfig.of("eth0", "VI_9"));
        assertEquals("lvs_sync_daemon follows VRRP instance VI_9, which this director does not have",
                assertThrows(IllegalStateException.class, other::build).getMessage());
    }

    @Test
    void shouldRefuseAConfigurationWithNeitherInterfaceNorVrrpInstance() throws Exception {
        DirectorConfig config = parse("""
                virtual_server 198.18.0.10 80 {
                    lb_kind DR
                    real_server 198.18.0.11 80 { }
                }
                """);
        assertThrows(IllegalArgumentException.class, () -> Director.fromConfig(config, null));
    }

    @Test
    void shouldMakeAServiceWithPersistenceTimeoutPersistent() throws Exception {
        Director d = Director.fromConfig(parse("""
                virtual_server 198.18.0.10 80 {
                    lb_kind DR
                    persistence_timeout 120
                    persistence_granularity 255.255.255.0
                    real_server 198.18.0.11 80 { }
                }
                virtual_server 198.18.0.10 443 {
                    lb_kind DR
                    persistence_timeout 100000
                    real_server 198.18.0.11 443 { }
                }
                virtual_server 198.18.0.10 8080 {
                    lb_kind DR
                    real_server 198.18.0.11 8080 { }
                }
                """), "eth0").build();
        assertEquals(120, d.services().get(0).persistenceSeconds());
        assertEquals(24, d.services().get(0).persistenceGranularity());
        assertEquals(65535, d.services().get(1).persistenceSeconds(), "cut to the most a template holds");
        assertEquals(32, d.services().get(1).persistenceGranularity());
        assertEquals(0, d.services().get(2).persistenceSeconds());
    }
}

package io.lvs4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Configurations in the style of keepalived's own samples (doc/samples), written for these
 * tests: each feature either loads to the expected model or is refused or skipped precisely.
 */
class KeepalivedFeaturesTest {

    private static LoadedConfig parse(String text) throws ConfigException {
        return KeepalivedConfigParser.withoutConfigId().parse(Path.of("sample.conf"), text);
    }

    private static InetAddress ip(String text) {
        return InetAddress.ofLiteral(text);
    }

    private static List<String> warnings(LoadedConfig loaded) {
        return loaded.warnings().stream().map(w -> w.position().line() + ": " + w.message()).toList();
    }

    @Test
    void shouldReadHttpGetWithDigestsPortsAndStatusCodes() throws ConfigException {
        VirtualServerConfig vs = parse("""
                virtual_server 10.20.30.40 443 {
                    delay_loop 10
                    lb_algo wlc
                    lb_kind NAT
                    persistence_timeout
                    persistence_granularity 255.255.255.0
                    virtualhost www.example.org
                    real_server 10.0.0.1 8443 {
                        weight 3
                        HTTP_GET {
                            url {
                                path /health
                                digest 9B3A0C85A887A256D6939DA88AABD8CD
                            }
                            url {
                                path /ready
                                status_code 200-299 301 503
                                virtualhost ready.example.org
                            }
                            connect_port 8080
                            nb_get_retry 2
                            http_protocol 1.1
                        }
                    }
                }
                """).config().virtualServers().getFirst();

        HttpGetCheckConfig http = (HttpGetCheckConfig) vs.realServers().getFirst().checkers().getFirst();
        assertEquals(Duration.ofSeconds(360), vs.persistenceTimeout());
        assertEquals(OptionalInt.of(24), vs.persistenceGranularity());
        assertEquals(CheckerType.HTTP_GET, http.type());
        assertEquals(Optional.of("9b3a0c85a887a256d6939da88aabd8cd"), http.urls().get(0).digest());
        assertEquals(List.of(new StatusCodeRange(200, 299), StatusCodeRange.of(301), StatusCodeRange.of(503)),
                http.urls().get(1).statusCodes());
        assertTrue(http.urls().get(1).accepts(503));
        assertFalse(http.urls().get(1).accepts(404));
        assertEquals(Optional.of("www.example.org"), http.virtualhost());
        assertEquals(Optional.of("ready.example.org"), http.urls().get(1).virtualhost());
        assertEquals(8080, http.timing().connectPort());
        assertEquals(2, http.timing().retry());
        assertEquals(Duration.ofSeconds(3), http.timing().delayBeforeRetry());
        assertEquals(Duration.ofSeconds(10), http.timing().delayLoop());
        assertEquals(HttpProtocolVersion.HTTP_1_1, http.httpProtocol());
    }

    @Test
    void shouldReadSslGetWithSni() throws ConfigException {
        RealServerConfig rs = parse("""
                virtual_server 10.20.30.40 443 {
                    real_server 10.0.0.1 443 {
                        SSL_GET {
                            url {
                                path /
                            }
                            enable_sni
                            sni_name api.example.org
                        }
                    }
                }
                """).config().virtualServers().getFirst().realServers().getFirst();

        HttpGetCheckConfig ssl = (HttpGetCheckConfig) rs.checkers().getFirst();
        assertEquals(CheckerType.SSL_GET, ssl.type());
        assertTrue(ssl.enableSni());
        assertEquals(Optional.of("api.example.org"), ssl.sniName());
        assertEquals(List.of(StatusCodeRange.SUCCESS), ssl.urls().getFirst().statusCodes());
    }

    @Test
    void shouldReadQuorumSorryServerAndAlphaOmega() throws ConfigException {
        VirtualServerConfig vs = parse("""
                virtual_server 10.0.1.1 80 {
                    lb_algo wrr
                    lb_kind NAT
                    alpha
                    omega
                    quorum 7
                    hysteresis 2
                    quorum_up /usr/local/sbin/quorum-up.sh
                    quorum_down "/usr/local/sbin/quorum-down.sh now" nobody
                    sorry_server 10.0.0.99 8080
                    sorry_server_lvs_method DR
                    inhibit_on_failure
                    real_server 10.0.0.1 8080 {
                        TCP_CHECK {
                            connect_port 80
                        }
                    }
                    real_server 10.0.0.2 8080 {
                        inhibit_on_failure off
                    }
                }
                """).config().virtualServers().getFirst();

        assertTrue(vs.alpha());
        assertTrue(vs.omega());
        assertEquals(7, vs.quorum());
        assertEquals(2, vs.hysteresis());
        assertEquals(Optional.of(Script.of("/usr/local/sbin/quorum-up.sh")), vs.quorumUp());
        assertEquals(Optional.of(new Script("/usr/local/sbin/quorum-down.sh now", Optional.of("nobody"))),
                vs.quorumDown());
        assertEquals(Optional.of(new SorryServerConfig(ip("10.0.0.99"), 80,
                Optional.of(ForwardingMethod.DIRECT_ROUTE), Optional.empty(), false)), vs.sorryServer(),
                "as keepalived does, a DR sorry server gets the virtual server's port");
        assertTrue(vs.realServers().get(0).inhibitOnFailure());
        assertFalse(vs.realServers().get(1).inhibitOnFailure());
        assertTrue(vs.realServers().get(0).checkers().getFirst().timing().alpha(), "alpha is inherited");
        assertTrue(vs.realServers().get(1).checkers().isEmpty());
    }

    @Test
    void shouldReadFwmarkServicesWithTunnelledServers() throws ConfigException {
        VirtualServerConfig vs = parse("""
                virtual_server fwmark 1 {
                    lb_algo sh
                    sh-port
                    sh-fallback
                    lb_kind TUN type ipip
                    persistence_timeout 50
                    real_server 192.168.201.100 0 {
                        weight 2
                        uthreshold 100
                        lthreshold 20
                    }
                }
                """).config().virtualServers().getFirst();

        assertTrue(vs.isFwmark());
        assertEquals("FWM 1", vs.displayName());
        assertEquals(java.util.Set.of("sh-port", "sh-fallback"), vs.schedulerFlags());
        assertEquals(ForwardingMethod.TUNNEL, vs.forwarding());
        RealServerConfig rs = vs.realServers().getFirst();
        assertEquals(100, rs.upperThreshold());
        assertEquals(20, rs.lowerThreshold());
    }

    @Test
    void shouldReadMiscUdpAndDnsCheckers() throws ConfigException {
        List<CheckerConfig> checkers = parse("""
                virtual_server 10.0.0.53 53 {
                    protocol UDP
                    ops
                    lb_kind DR
                    delay_loop 5
                    real_server 10.0.0.1 53 {
                        MISC_CHECK {
                            misc_path "/usr/local/bin/check_dns.sh 10.0.0.1 53"
                            misc_timeout 4
                            misc_dynamic
                            user nobody
                        }
                        UDP_CHECK {
                            payload Ab12f 3 456
                            require_reply 00x1
                            max_reply_length 512
                        }
                        DNS_CHECK {
                            type A
                            name www.example.org
                        }
                    }
                }
                """).config().virtualServers().getFirst().realServers().getFirst().checkers();

        MiscCheckConfig misc = (MiscCheckConfig) checkers.get(0);
        assertEquals(new Script("/usr/local/bin/check_dns.sh 10.0.0.1 53", Optional.of("nobody")), misc.script());
        assertEquals(Duration.ofSeconds(4), misc.timeout());
        assertTrue(misc.dynamic());
        assertEquals(0, misc.timing().retry());
        UdpCheckConfig udp = (UdpCheckConfig) checkers.get(1);
        assertEquals(Optional.of("ab120f034506"), udp.payload());
        assertEquals(Optional.of("00x1"), udp.replyPattern());
        assertEquals(512, udp.maxReplyLength());
        DnsCheckConfig dns = (DnsCheckConfig) checkers.get(2);
        assertEquals(DnsQueryType.A, dns.queryType());
        assertEquals("www.example.org", dns.name());
        assertEquals(3, dns.timing().retry());
        assertEquals(Duration.ofSeconds(5), dns.timing().delayBeforeRetry(), "DNS retries after delay_loop");
    }

    @Test
    void shouldReadIpv6ServicesAndVirtualServerGroups() throws ConfigException {
        LoadedConfig loaded = parse("""
                virtual_server_group V6 {
                    2001:db8::2-9 80
                }
                virtual_server group V6 {
                    lb_kind NAT
                }
                virtual_server 2001:db8::1 80 {
                    lb_kind NAT
                    real_server 2001:db8::10 25 {
                        SMTP_CHECK {
                            helo_name "foo.example.org"
                        }
                        PING_CHECK {
                        }
                    }
                }
                """);

        assertEquals(List.of(
                "10: 'SMTP_CHECK' in real_server is not supported by lvs4j; ignored with its block",
                "13: 'PING_CHECK' in real_server is not supported by lvs4j; ignored with its block"),
                warnings(loaded));
        assertEquals(9, loaded.config().virtualServers().size(), "the group's eight members and one more");
        assertEquals(ip("2001:db8::9"), loaded.config().virtualServers().get(7).address().orElseThrow());
        VirtualServerConfig vs = loaded.config().virtualServers().getLast();
        assertEquals(ip("2001:db8::1"), vs.address().orElseThrow());
        assertTrue(vs.realServers().getFirst().checkers().isEmpty());
    }

    @Test
    void shouldReadVrrpScriptsTrackingAndSyncGroups() throws ConfigException {
        DirectorConfig config = parse("""
                vrrp_script chk_haproxy {
                    script "killall -0 haproxy"
                    interval 2
                    weight -20 reverse
                    rise 2
                    fall 3
                }
                vrrp_sync_group G1 {
                    group {
                        VI_1
                        VI_2
                    }
                    notify_master "/usr/local/bin/vrrp.mast arg1 arg2"
                    notify "/usr/local/bin/notify.sh" root:root
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    advert_int 3
                    nopreempt
                    preempt_delay 300
                    unicast_src_ip 198.18.0.8
                    unicast_peer {
                        198.18.0.9
                    }
                    track_interface {
                        eth1
                        eth2 weight -10 noreverse
                    }
                    track_script {
                        chk_haproxy
                        chk_haproxy weight 5
                    }
                    garp_master_delay 10
                    garp_master_refresh 60
                    virtual_ipaddress {
                        198.18.0.10/24 dev eth0 label eth0:vip brd 198.18.0.255
                    }
                }
                vrrp_instance VI_2 {
                    interface eth1
                    virtual_router_id 51
                    version 3
                    advert_int 0.25
                    virtual_ipaddress {
                        2001:db8::10/64
                    }
                }
                """).config();

        VrrpScriptConfig chk = config.vrrpScript("chk_haproxy").orElseThrow();
        assertEquals(new VrrpScriptConfig("chk_haproxy", Script.of("killall -0 haproxy"), Duration.ofSeconds(2),
                Duration.ofSeconds(2), -20, true, 2, 3, false), chk);
        VrrpInstanceConfig vi1 = config.vrrpInstance("VI_1").orElseThrow();
        assertFalse(vi1.preempt());
        assertEquals(Duration.ofSeconds(300), vi1.preemptDelay());
        assertTrue(vi1.unicast());
        assertEquals(List.of(TrackedInterface.of("eth1"), new TrackedInterface("eth2", -10, false)),
                vi1.trackInterfaces());
        assertEquals(List.of(chk, chk.withWeight(5, true)), vi1.trackScripts(),
                "the script's own weight, then the line's (reversed as the script is)");
        assertEquals(Duration.ofSeconds(10), vi1.garp().masterDelay());
        assertEquals(Duration.ofSeconds(5), vi1.garp().lowerPrioDelay(), "the global lower-priority delay");
        assertEquals(Duration.ofSeconds(60), vi1.garp().masterRefresh());
        VrrpInstanceConfig vi2 = config.vrrpInstance("VI_2").orElseThrow();
        assertEquals(3, vi2.version());
        assertEquals(Duration.ofMillis(250), vi2.advertInterval());
        VrrpSyncGroupConfig g1 = config.syncGroupOf("VI_2").orElseThrow();
        assertEquals(List.of("VI_1", "VI_2"), g1.instances());
        assertEquals(Optional.of(new Script("/usr/local/bin/notify.sh", Optional.of("root:root"))),
                g1.notifyScripts().any());
    }

    @Test
    void shouldReadConditionalConfigurationForTheGivenConfigId() throws ConfigException {
        String text = """
                @high net_namespace high
                vrrp_script check_VI_0 {
                @high   script /etc/keepalived/scripts/check_high.sh
                @low    script /etc/keepalived/scripts/check_low.sh
                    interval 1
                }
                """;

        LoadedConfig high = KeepalivedConfigParser.withConfigId("high").parse(Path.of("c.conf"), text);
        ConfigException none = assertThrows(ConfigException.class,
                () -> KeepalivedConfigParser.withConfigId("other").parse(Path.of("c.conf"), text));

        assertEquals("/etc/keepalived/scripts/check_high.sh",
                high.config().vrrpScript("check_VI_0").orElseThrow().script().command());
        assertEquals(List.of("1: 'net_namespace' in the top level is not supported by lvs4j; ignored"),
                warnings(high));
        assertEquals("c.conf:2:1: vrrp_script check_VI_0 has no 'script'", none.getMessage());
    }

    @Test
    void shouldRoundFractionalVersion2AdvertIntervalsAsKeepalivedDoes() throws ConfigException {
        LoadedConfig loaded = parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 9
                    advert_int 1.6
                    authentication {
                        auth_type PASS
                        auth_pass 123456789
                    }
                }
                """);

        VrrpInstanceConfig vi = loaded.config().vrrpInstances().getFirst();
        assertEquals(Duration.ofSeconds(2), vi.advertInterval());
        assertEquals("12345678", vi.authentication().orElseThrow().password());
        assertEquals(List.of("4: advert_int 1.6 rounded to 2 s: VRRP version 2 counts whole seconds",
                "7: auth_pass is longer than 8 characters; only the first 8 are used, as keepalived does"),
                warnings(loaded));
    }

    @Test
    void shouldInheritGarpSettingsAsKeepalivedDoes() throws ConfigException {
        DirectorConfig config = parse("""
                global_defs {
                    vrrp_garp_master_delay 8
                    vrrp_garp_master_repeat 3
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    garp_master_repeat 1
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 2
                    strict_mode
                    virtual_ipaddress {
                        198.18.0.20
                    }
                }
                """).config();

        GarpConfig global = config.globalDefs().garp();
        GarpConfig vi1 = config.vrrpInstance("VI_1").orElseThrow().garp();
        GarpConfig vi2 = config.vrrpInstance("VI_2").orElseThrow().garp();
        assertEquals(Duration.ofSeconds(8), global.lowerPrioDelay(), "global lower-priority delay follows the master delay");
        assertEquals(3, global.lowerPrioRepeat());
        assertEquals(1, vi1.masterRepeat());
        assertEquals(3, vi1.lowerPrioRepeat(), "an instance inherits the global lower-priority repeat");
        assertEquals(Duration.ofSeconds(8), vi1.masterDelay());
        assertEquals(0, vi2.lowerPrioRepeat(), "strict mode repeats no gratuitous ARPs");
        assertEquals(Duration.ZERO, vi2.lowerPrioDelay());
        assertEquals(3, vi2.masterRepeat());
    }

    @Test
    void shouldReadKeepalived2TunnelOptionsAndPerServerMethods() throws ConfigException {
        VirtualServerConfig vs = parse("""
                virtual_server 198.18.0.10 80 {
                    lvs_method TUN type gue port 6080 csum
                    real_server 198.18.0.11 80 {
                    }
                    real_server 198.18.0.12 80 {
                        lvs_method TUN
                    }
                    real_server 198.18.0.13 80 {
                        lvs_method TUN port 5555 remcsum type gue
                    }
                    real_server 2001:db8::14 80 {
                    }
                    real_server 198.18.0.15 80 {
                        lvs_method DR
                    }
                }
                """).config().virtualServers().getFirst();

        assertEquals(ForwardingMethod.TUNNEL, vs.forwarding());
        assertEquals(Optional.of(new TunnelConfig(TunnelConfig.Type.GUE, 6080, TunnelConfig.Checksum.CSUM)),
                vs.tunnel());
        List<RealServerConfig> rs = vs.realServers();
        assertEquals(vs.tunnel(), vs.tunnelOf(rs.get(0)), "a server without lvs_method takes the virtual server's");
        assertEquals(Optional.of(TunnelConfig.IPIP), vs.tunnelOf(rs.get(1)), "its own lvs_method TUN is ipip");
        assertEquals(Optional.of(new TunnelConfig(TunnelConfig.Type.GUE, 5555, TunnelConfig.Checksum.REMCSUM)),
                vs.tunnelOf(rs.get(2)), "options in any order");
        assertEquals(ForwardingMethod.TUNNEL, vs.forwardingOf(rs.get(3)), "a tunnelled server may be IPv6");
        assertEquals(ForwardingMethod.DIRECT_ROUTE, vs.forwardingOf(rs.get(4)));
        assertEquals(Optional.empty(), vs.tunnelOf(rs.get(4)));
        assertEquals("type gue port 6080 csum", vs.tunnel().orElseThrow().toString());
    }

    @Test
    void shouldMapNatPortsAndResetDirectRoutePortsAsKeepalivedDoes() throws ConfigException {
        LoadedConfig loaded = parse("""
                virtual_server 2001:db8::10 80 {
                    lb_kind NAT
                    persistence_timeout 60
                    persistence_granularity 64
                    real_server 2001:db8::11 8080 {
                    }
                    real_server 2001:db8::12 8080 {
                        lvs_method DR
                    }
                    real_server 2001:db8::13 8080 {
                        lvs_method TUN
                    }
                }
                virtual_server fwmark 7 {
                    lb_kind DR
                    real_server 198.18.0.11 443 {
                    }
                }
                """);

        VirtualServerConfig v6 = loaded.config().virtualServers().get(0);
        assertEquals(ip("2001:db8::10"), v6.address().orElseThrow());
        assertEquals(OptionalInt.of(64), v6.persistenceGranularity(), "an IPv6 service takes a prefix up to 128");
        assertEquals(List.of(8080, 80, 80), v6.realServers().stream().map(RealServerConfig::port).toList());
        assertEquals(0, loaded.config().virtualServers().get(1).realServers().getFirst().port());
        assertEquals(List.of(
                "7: real_server 2001:db8:0:0:0:0:0:12 port 8080 does not match the virtual server's port 80; 80 is"
                        + " used: DR cannot map ports (IPVS ignores the port of a DR or TUN server)",
                "10: real_server 2001:db8:0:0:0:0:0:13 port 8080 does not match the virtual server's port 80; 80 is"
                        + " used: TUN cannot map ports (IPVS ignores the port of a DR or TUN server)",
                "16: real_server 198.18.0.11 port 443 is cleared: DR cannot map ports (IPVS ignores the port of a DR"
                        + " or TUN server)"), warnings(loaded));
    }

    @Test
    void shouldIgnoreLocalAddressGroupNameWithoutFullNat() throws ConfigException {
        LoadedConfig loaded = parse("""
                virtual_server 198.18.0.10 80 {
                    lb_kind DR
                    laddr_group_name nowhere
                }
                """);

        assertEquals(Optional.empty(), loaded.config().virtualServers().getFirst().localAddressGroup());
        assertEquals(List.of("3: laddr_group_name nowhere is ignored: only full-NAT (lb_kind FNAT) uses local"
                + " addresses"), warnings(loaded));
    }

    @Test
    void shouldAcceptFullNatWithDpvsLocalAddressGroups() throws ConfigException {
        LoadedConfig loaded = parse("""
                local_address_group laddr_g1 {
                    198.18.0.50 dpdk0
                    198.18.0.51-53 dpdk0
                    2001:db8::50-52
                }
                virtual_server 198.18.0.10 80 {
                    lb_kind FNAT
                    protocol SCTP
                    laddr_group_name laddr_g1
                    syn_proxy
                    real_server 198.18.0.11 8080 {
                    }
                }
                """);

        DirectorConfig config = loaded.config();
        VirtualServerConfig vs = config.virtualServers().getFirst();
        assertEquals(ForwardingMethod.FULL_NAT, vs.forwarding());
        assertEquals(Protocol.SCTP, vs.protocol());
        assertEquals(Optional.of("laddr_g1"), vs.localAddressGroup());
        assertEquals(8080, vs.realServers().getFirst().port(), "full-NAT maps ports as NAT does");
        assertEquals(List.of(ip("198.18.0.50"), ip("198.18.0.51"), ip("198.18.0.52"), ip("198.18.0.53"),
                ip("2001:db8::50"), ip("2001:db8::51"), ip("2001:db8::52")), config.localAddressesOf(vs));
        assertEquals(List.of(ip("2001:db8::50"), ip("2001:db8::51"), ip("2001:db8::52")),
                config.localAddressGroup("laddr_g1").orElseThrow().addresses(false));
        assertEquals(List.of(
                "2: the interface 'dpdk0' of local_address_group laddr_g1 is ignored: lvs4j sends full-NAT packets"
                        + " on the director's interface",
                "10: 'syn_proxy' in virtual_server is not supported by lvs4j; ignored"), warnings(loaded));
    }

    @Test
    void shouldRefuseSyncGroupMembersOutsideAGroupBlock() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 2
                }
                vrrp_sync_group VG1 {
                    VI_2
                }
                """));

        assertEquals("sample.conf:6:5: vrrp_instance VI_2 must be listed inside 'group { ... }' of vrrp_sync_group"
                + " VG1", e.getMessage());
    }
}

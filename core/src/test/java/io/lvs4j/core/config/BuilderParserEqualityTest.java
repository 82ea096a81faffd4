package io.lvs4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A director using most features gives the same model from the builders and from keepalived.conf. */
class BuilderParserEqualityTest {

    private static final String CONF = """
            global_defs {
                router_id LVS1
                vrrp_version 3
                vrrp_garp_master_refresh 60
                script_user nobody
                enable_script_security
            }
            vrrp_script chk_lb {
                script "/usr/local/bin/check-lb --quick"
                interval 0.5
                timeout 2
                weight -30
                fall 2
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 200
                advert_int 0.5
                nopreempt
                unicast_src_ip 198.18.0.8
                unicast_peer {
                    198.18.0.9
                }
                virtual_ipaddress {
                    198.18.0.10/24 dev eth0
                }
                track_interface {
                    eth1 weight -50
                }
                track_script {
                    chk_lb
                }
                notify_master "/usr/local/bin/became master"
            }
            vrrp_sync_group LB {
                group {
                    VI_1
                }
            }
            virtual_server 198.18.0.10 443 {
                delay_loop 5
                lb_algo mh
                mh-port
                lb_kind NAT
                persistence_timeout 600
                persistence_granularity 255.255.255.0
                protocol TCP
                quorum 2
                hysteresis 1
                sorry_server 198.18.0.99 443
                connect_timeout 2
                real_server 198.18.0.11 443 {
                    weight 10
                    lvs_method TUN type gue port 6080
                    inhibit_on_failure
                    notify_down /usr/local/bin/rs-down
                    SSL_GET {
                        url {
                            path /healthz
                            status_code 200
                        }
                        enable_sni
                        rise 3
                        fall 2
                    }
                }
            }
            """;

    private static InetAddress ip(String text) {
        return InetAddress.ofLiteral(text);
    }

    private static DirectorConfig built() {
        GlobalDefs globals = GlobalDefs.builder().routerId("LVS1").vrrpVersion(3)
                .garp(GarpConfig.builder().masterRefresh(Duration.ofSeconds(60)).build())
                .scriptUser("nobody").enableScriptSecurity(true).build();
        VrrpScriptConfig chk = VrrpScriptConfig.builder("chk_lb").script("/usr/local/bin/check-lb --quick")
                .interval(Duration.ofMillis(500)).timeout(Duration.ofSeconds(2)).weight(-30, false).fall(2).build();
        VrrpInstanceConfig vi = VrrpInstanceConfig.builder("VI_1", globals)
                .initialState(VrrpInitialState.MASTER).interfaceName("eth0").virtualRouterId(51).priority(200)
                .advertInterval(Duration.ofMillis(500)).preempt(false)
                .sourceAddress(ip("198.18.0.8")).unicastPeer(ip("198.18.0.9"))
                .virtualIpAddress(new VirtualIpAddress(ip("198.18.0.10"), 24, Optional.of("eth0"), Optional.empty()))
                .trackInterface(new TrackedInterface("eth1", -50, false))
                .trackScript(chk)
                .notifyMaster(Script.of("/usr/local/bin/became master"))
                .build();
        CheckerTiming timing = CheckerTiming.builder(CheckerType.SSL_GET).connectTimeout(Duration.ofSeconds(2))
                .delayLoop(Duration.ofSeconds(5)).rise(3).fall(2).build();
        HttpGetCheckConfig ssl = HttpGetCheckConfig.sslGet().timing(timing).enableSni(true)
                .url(new HttpUrl("/healthz", Optional.empty(), java.util.List.of(StatusCodeRange.of(200)),
                        Optional.empty()))
                .build();
        VirtualServerConfig vs = VirtualServerConfig.builder(ip("198.18.0.10"), 443)
                .delayLoop(Duration.ofSeconds(5)).scheduler("mh").schedulerFlag("mh-port")
                .forwarding(ForwardingMethod.MASQUERADE).persistenceTimeout(Duration.ofSeconds(600))
                .persistenceGranularity(24).protocol(Protocol.TCP).quorum(2).hysteresis(1)
                .sorryServer(SorryServerConfig.of(ip("198.18.0.99"), 443))
                .realServer(RealServerConfig.builder(ip("198.18.0.11"), 443).weight(10)
                        .tunnel(TunnelConfig.gue(6080)).inhibitOnFailure(true)
                        .notifyDown(Script.of("/usr/local/bin/rs-down")).checker(ssl).build())
                .build();
        return DirectorConfig.builder().globalDefs(globals).vrrpScript(chk).vrrpInstance(vi)
                .vrrpSyncGroup(VrrpSyncGroupConfig.builder("LB").instance("VI_1").build())
                .virtualServer(vs).build();
    }

    @Test
    void shouldGiveTheSameModelFromBuildersAndFromTheFile() throws ConfigException {
        DirectorConfig parsed = KeepalivedConfigParser.withoutConfigId().parse(Path.of("lb.conf"), CONF).config();

        assertEquals(built(), parsed);
    }

    @Test
    void shouldSeeADifferenceOfOneValue() throws ConfigException {
        DirectorConfig parsed = KeepalivedConfigParser.withoutConfigId()
                .parse(Path.of("lb.conf"), CONF.replace("fall 2\n        }", "fall 3\n        }")).config();

        assertNotEquals(built(), parsed);
    }
}

package io.lvs4j.core.config;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keepalived's {@code virtual_server_group}: members, ranges, fwmarks, and the errors. */
class VirtualServerGroupTest {

    private static LoadedConfig parse(String text) throws ConfigException {
        return KeepalivedConfigParser.withoutConfigId().parse(Path.of("group.conf"), text);
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
    }

    private static String endpoint(VirtualServerConfig vs) {
        return vs.address().map(InetAddress::getHostAddress).orElse("fwmark " + vs.fwmark()) + " " + vs.port();
    }

    @Test
    void shouldExpandAGroupIntoOneServicePerMemberWithTheBlocksSettings() throws ConfigException {
        LoadedConfig loaded = parse("""
                virtual_server group WEB {
                    lb_algo sh
                    lb_kind DR
                    protocol UDP
                    persistence_timeout 30
                    real_server 198.18.0.21 53 {
                        weight 3
                        TCP_CHECK {
                            connect_timeout 2
                        }
                    }
                    real_server 198.18.0.22 53 {
                    }
                }
                virtual_server_group WEB {
                    198.18.0.10-12 53
                    198.18.0.30 53
                }
                """);

        List<VirtualServerConfig> services = loaded.config().virtualServers();
        assertEquals(List.of("198.18.0.10 53", "198.18.0.11 53", "198.18.0.12 53", "198.18.0.30 53"),
                services.stream().map(VirtualServerGroupTest::endpoint).toList(),
                "members in the group's order, the range ends included; a group may follow its use");
        for (VirtualServerConfig vs : services) {
            assertEquals("sh", vs.scheduler());
            assertEquals(ForwardingMethod.DIRECT_ROUTE, vs.forwarding());
            assertEquals(Protocol.UDP, vs.protocol());
            assertEquals(Duration.ofSeconds(30), vs.persistenceTimeout());
            assertEquals(services.getFirst().realServers(), vs.realServers(), "the same real servers and checks");
            assertEquals(3, vs.realServers().getFirst().weight());
            assertEquals(1, vs.realServers().getFirst().checkers().size());
        }
        assertTrue(loaded.warnings().isEmpty(), loaded.warnings().toString());
    }

    @Test
    void shouldReadIpv6RangesInHexadecimalAndFwmarkMembers() throws ConfigException {
        List<VirtualServerConfig> services = parse("""
                virtual_server_group V6 {
                    2001:db8::e-11 443
                    2001:db8::20
                    fwmark 7
                }
                virtual_server group V6 {
                    lb_kind DR
                    persistence_timeout 60
                }
                """).config().virtualServers();

        assertEquals(List.of("2001:db8:0:0:0:0:0:e 443", "2001:db8:0:0:0:0:0:f 443", "2001:db8:0:0:0:0:0:10 443",
                "2001:db8:0:0:0:0:0:11 443", "2001:db8:0:0:0:0:0:20 0", "fwmark 7 0"), services.stream().map(VirtualServerGroupTest::endpoint).toList());
    }

    @Test
    void shouldWarnOnceForTheBlockOfAGroupOfManyMembers() throws ConfigException {
        LoadedConfig loaded = parse("""
                virtual_server_group G {
                    198.18.0.10-14 80
                }
                virtual_server group G {
                    lb_kind DR
                    smtp_alert
                }
                """);

        assertEquals(5, loaded.config().virtualServers().size());
        assertEquals(List.of("6: 'smtp_alert' in virtual_server is not supported by lvs4j; ignored"),
                loaded.warnings().stream().map(w -> w.position().line() + ": " + w.message()).toList());
    }

    @Test
    void shouldRefuseWhatKeepalivedCannotMeanEither() {
        assertEquals("group.conf:1:22: virtual_server group NONE names no virtual_server_group",
                error("virtual_server group NONE {\n}\n"));
        assertEquals("group.conf:2:5: the range 198.18.0.20-10 must end at or above its start 20 and at most at 255",
                error("virtual_server_group G {\n    198.18.0.20-10 80\n}\n"));
        assertEquals("group.conf:2:5: the range 198.18.0.1-256 must end at or above its start 1 and at most at 255",
                error("virtual_server_group G {\n    198.18.0.1-256 80\n}\n"));
        assertEquals("group.conf:2:5: a virtual_server_group member must be an address or a range such as"
                + " 198.18.0.10-20, not 'www-1'", error("virtual_server_group G {\n    www-1 80\n}\n"));
        assertEquals("group.conf:3:5: virtual_server_group member 198.18.0.11 80 is listed twice",
                error("virtual_server_group G {\n    198.18.0.10-12 80\n    198.18.0.11 80\n}\n"));
        assertEquals("group.conf:4:22: virtual_server_group G is already declared at group.conf:1:1",
                error("virtual_server_group G {\n    198.18.0.10 80\n}\nvirtual_server_group G {\n    198.18.0.11 80\n}\n"));
        assertEquals("group.conf:1:1: virtual_server_group G has no member", error("virtual_server_group G {\n}\n"));
        assertEquals("group.conf:6:1: virtual_server [198.18.0.10]:tcp:80 is already declared at group.conf:4:1",
                error("""
                virtual_server_group G {
                    198.18.0.10 80
                }
                virtual_server 198.18.0.10 80 {
                }
                virtual_server group G {
                }
                """));
        assertEquals("group.conf:6:5: a virtual_server_group may have at most 1024 members (services)",
                error("virtual_server_group G {\n    198.18.0.0-255 80\n    198.18.1.0-255 80\n"
                + "    198.18.2.0-255 80\n    198.18.3.0-255 80\n    198.18.4.0-255 80\n}\n")
                );
    }
}

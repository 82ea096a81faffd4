package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

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
    void shouldRefuseVirtualServersThatAreNotDirectRouting() throws Exception {
        DirectorConfig nat = parse("""
                virtual_server 198.18.0.10 80 {
                    lb_kind NAT
                    real_server 198.18.0.11 80 { }
                }
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Director.fromConfig(nat, "eth0"));
        assertTrue(e.getMessage().contains("only lb_kind DR"), e.getMessage());
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

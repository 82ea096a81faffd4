package io.lvs4j.core.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keepalived's {@code lvs_sync_daemon} read as keepalived 2 writes it, with lvs4j's {@code peer}. */
class SyncDaemonConfigTest {

    private static final String VRRP = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress { 198.18.0.10 }
            }
            """;

    private static DirectorConfig parse(String text) throws ConfigException {
        return KeepalivedConfigParser.withoutConfigId().parse(Path.of("sync.conf"), text).config();
    }

    @Test
    void shouldReadTheDaemonWithIpvsDefaults() throws ConfigException {
        SyncDaemonConfig sync = parse("global_defs {\n    lvs_sync_daemon eth0 VI_1\n}\n" + VRRP).globalDefs()
                .syncDaemon().orElseThrow();
        assertEquals(SyncDaemonConfig.of("eth0", "VI_1"), sync);
        assertEquals(8848, sync.port());
        assertEquals(1, sync.ttl());
        assertEquals(InetAddress.ofLiteral("224.0.0.81"), sync.groupOrDefault());
    }

    @Test
    void shouldReadEveryOption() throws ConfigException {
        SyncDaemonConfig sync = parse("global_defs {\n    lvs_sync_daemon eth1 VI_1 id 7 maxlen 1400 port 9000"
                + " ttl 3 group 239.1.1.1 peer 198.18.0.9 peer 198.18.0.10\n}\n" + VRRP).globalDefs().syncDaemon()
                .orElseThrow();
        assertEquals(new SyncDaemonConfig("eth1", "VI_1", 7, 1400, 9000, 3,
                Optional.of(InetAddress.ofLiteral("239.1.1.1")),
                List.of(InetAddress.ofLiteral("198.18.0.9"), InetAddress.ofLiteral("198.18.0.10"))), sync);
    }

    @Test
    void shouldRefuseAnUnknownInstanceOrOptionWithItsPosition() {
        ConfigException instance = assertThrows(ConfigException.class,
                () -> parse("global_defs {\n    lvs_sync_daemon eth0 VI_9\n}\n" + VRRP));
        assertTrue(instance.getMessage().contains("sync.conf:2:26") && instance.getMessage().contains("VI_9"),
                instance.getMessage());
        ConfigException option = assertThrows(ConfigException.class,
                () -> parse("global_defs {\n    lvs_sync_daemon eth0 VI_1 speed 9\n}\n" + VRRP));
        assertTrue(option.getMessage().contains("unknown lvs_sync_daemon option"), option.getMessage());
        ConfigException id = assertThrows(ConfigException.class,
                () -> parse("global_defs {\n    lvs_sync_daemon eth0 VI_1 id 300\n}\n" + VRRP));
        assertTrue(id.getMessage().contains("sync id"), id.getMessage());
    }
}

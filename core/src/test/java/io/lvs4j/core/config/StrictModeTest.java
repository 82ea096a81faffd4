package io.lvs4j.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keepalived's {@code vrrp_strict} / {@code strict_mode} checks: what strict mode forbids is
 * refused with {@code file:line:column} or corrected with a warning, as keepalived does.
 */
class StrictModeTest {

    private static final Path FILE = Path.of("s.conf");

    private static LoadedConfig parse(String text) throws ConfigException {
        return KeepalivedConfigParser.withoutConfigId().parse(FILE, text);
    }

    private static List<String> warnings(LoadedConfig loaded) {
        return loaded.warnings().stream().map(w -> w.position().line() + ":" + w.position().column() + ": "
                + w.message()).toList();
    }

    private static String instance(String body) {
        return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n" + body + "}\n";
    }

    @Test
    void shouldRefuseUnicastPeersInStrictModeWhereverItIsSwitchedOn() {
        String peers = "    unicast_peer {\n        198.18.0.9\n    }\n    virtual_ipaddress {\n        198.18.0.10\n    }\n";
        ConfigException global = assertThrows(ConfigException.class,
                () -> parse("global_defs {\n    vrrp_strict\n}\n" + instance(peers)));
        assertEquals("s.conf:7:5: vrrp_instance VI_1: unicast peers are not allowed in strict mode (vrrp_strict or"
                + " strict_mode), as in keepalived", global.getMessage());
        ConfigException local = assertThrows(ConfigException.class,
                () -> parse(instance("    strict_mode\n" + peers)));
        assertTrue(local.getMessage().startsWith("s.conf:5:5: vrrp_instance VI_1: unicast peers are not allowed"),
                local.getMessage());
    }

    @Test
    void shouldLetAnInstanceSwitchOffTheGlobalStrictMode() throws ConfigException {
        LoadedConfig loaded = parse("global_defs {\n    vrrp_strict\n}\n" + instance("    strict_mode off\n"
                + "    unicast_peer {\n        198.18.0.9\n    }\n    virtual_ipaddress {\n        198.18.0.10\n"
                + "    }\n"));
        VrrpInstanceConfig vi = loaded.config().vrrpInstance("VI_1").orElseThrow();
        assertFalse(vi.strictMode());
        assertTrue(vi.unicast());
    }

    @Test
    void shouldRefuseAnInstanceWithoutVirtualAddressInStrictMode() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(instance("    strict_mode on\n")));
        assertEquals("s.conf:1:1: vrrp_instance VI_1 has no virtual_ipaddress: strict mode requires at least one,"
                + " as in keepalived", e.getMessage());
    }

    @Test
    void shouldCorrectWhatStrictModeForbidsWithAWarning() throws ConfigException {
        LoadedConfig loaded = parse(instance("""
                    strict_mode
                    state MASTER
                    priority 100
                    preempt_delay 30
                    garp_lower_prio_repeat 3
                    authentication {
                        auth_type PASS
                        auth_pass secret
                    }
                    virtual_ipaddress {
                        198.18.0.10
                    }
                """));
        VrrpInstanceConfig vi = loaded.config().vrrpInstance("VI_1").orElseThrow();
        assertEquals(List.of(
                "4:5: strict mode is acted on (see the migration guide), except that lvs4j installs no firewall rule"
                        + " dropping traffic to a virtual_ipaddress it puts on the kernel interface (keepalived's"
                        + " no_accept)",
                "5:11: state MASTER with priority 100: in strict mode only the address owner (priority 255) is MASTER;"
                        + " state BACKUP used, as keepalived does",
                "7:5: preempt_delay is not allowed in strict mode; cleared, as keepalived does",
                "8:5: strict mode sends no repeated gratuitous ARPs after a lower-priority advert;"
                        + " garp_lower_prio_repeat cleared, as keepalived does",
                "9:5: authentication is not allowed in strict mode; ignored, as keepalived does"),
                warnings(loaded));
        assertEquals(VrrpInitialState.BACKUP, vi.initialState());
        assertEquals(Duration.ZERO, vi.preemptDelay());
        assertEquals(0, vi.garp().lowerPrioRepeat());
        assertEquals(Duration.ZERO, vi.garp().lowerPrioDelay());
        assertEquals(Optional.empty(), vi.authentication());
        assertTrue(vi.lowerPrioNoAdvert(), "strict mode: a master does not answer a lower-priority advert");
        assertTrue(vi.strictMode());
    }

    @Test
    void shouldKeepWhatStrictModeAllowsAndWarnOfANonLinkLocalFirstIpv6Address() throws ConfigException {
        LoadedConfig loaded = parse("global_defs {\n    vrrp_strict\n}\n" + instance("""
                    state MASTER
                    priority 255
                    virtual_ipaddress {
                        2001:db8::10
                    }
                """));
        VrrpInstanceConfig vi = loaded.config().vrrpInstance("VI_1").orElseThrow();
        assertEquals(VrrpInitialState.MASTER, vi.initialState());
        assertEquals(3, vi.version());
        assertEquals(List.of("2:5", "10:9"), loaded.warnings().stream()
                .map(w -> w.position().line() + ":" + w.position().column()).toList());
        assertTrue(loaded.warnings().getLast().message().startsWith("in strict mode the first IPv6 virtual_ipaddress"
                + " must be link-local"), loaded.warnings().getLast().message());
    }

    @Test
    void shouldMoveTheAddressesAnAdvertCannotHoldToTheExcludedOnes() throws ConfigException {
        StringBuilder vips = new StringBuilder("    virtual_ipaddress {\n");
        for (int i = 0; i < 300; i++) {
            vips.append("        198.18.").append(1 + i / 250).append('.').append(1 + i % 250).append('\n');
        }
        vips.append("    }\n");
        LoadedConfig loaded = parse(instance(vips.toString()));
        VrrpInstanceConfig vi = loaded.config().vrrpInstance("VI_1").orElseThrow();
        assertEquals(255, vi.virtualIpAddresses().size());
        assertEquals(45, vi.virtualIpAddressesExcluded().size());
        assertEquals(List.of("260:9: vrrp_instance VI_1 has 300 virtual_ipaddress, more than an advert holds (255);"
                + " the rest are moved to virtual_ipaddress_excluded, as keepalived does"), warnings(loaded));
    }
}

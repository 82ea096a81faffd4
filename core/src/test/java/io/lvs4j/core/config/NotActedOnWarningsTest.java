package io.lvs4j.core.config;

import io.lvs4j.core.check.ServiceChecks;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keywords lvs4j reads but does not (fully) act on warn, so that {@code check-config} never
 * calls a configuration fine that will not behave as it says; switched off, they say nothing.
 */
class NotActedOnWarningsTest {

    private static List<String> warnings(String text) throws ConfigException {
        return KeepalivedConfigParser.withoutConfigId().parse(Path.of("w.conf"), text).warnings().stream()
                .map(w -> w.position().line() + ": " + w.message()).toList();
    }

    @Test
    void shouldWarnOfEveryKeywordThatDoesNothingButOmegaAndHaSuspendWhichAct() throws ConfigException {
        List<String> warnings = warnings("""
                global_defs {
                    vrrp_strict
                    vrrp_skip_check_adv_addr
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    strict_mode on
                    skip_check_adv_addr
                    virtual_ipaddress {
                        198.18.0.10
                    }
                }
                virtual_server 198.18.0.10 53 {
                    protocol UDP
                    lb_kind DR
                    omega
                    ha_suspend
                    ops
                }
                """);

        assertEquals(4, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("2: strict mode is acted on (see the migration guide), except"),
                warnings.get(0));
        assertTrue(warnings.get(1).startsWith("3: skip_check_adv_addr is read but not acted on"), warnings.get(1));
        assertTrue(warnings.get(2).startsWith("8: strict mode is acted on"), warnings.get(2));
        assertTrue(warnings.get(3).startsWith("9: skip_check_adv_addr is read but not acted on"), warnings.get(3));
    }

    @Test
    void shouldReadReverseWeightsWithoutWarningTheLineOverridingTheScript() throws ConfigException {
        String text = """
                vrrp_script chk {
                    script "/bin/true"
                    weight 10 reverse
                }
                vrrp_script other {
                    script "/bin/false"
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    track_script {
                        other weight -20 reverse
                        chk
                    }
                    track_interface {
                        eth1 weight 5 reverse
                        eth2 weight 0 reverse
                    }
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    track_script {
                        chk weight 7 noreverse
                    }
                }
                """;
        assertEquals(List.of(), warnings(text));
        DirectorConfig config = KeepalivedConfigParser.withoutConfigId().parse(Path.of("w.conf"), text).config();
        VrrpInstanceConfig vi1 = config.vrrpInstance("VI_1").orElseThrow();
        assertEquals(List.of("other -20 true", "chk 10 true"), vi1.trackScripts().stream()
                .map(s -> s.name() + " " + s.weight() + " " + s.reverse()).toList());
        assertEquals(List.of(new TrackedInterface("eth1", 5, true), new TrackedInterface("eth2", 0, true)),
                vi1.trackInterfaces());
        VrrpScriptConfig chk = config.vrrpInstance("VI_2").orElseThrow().trackScripts().getFirst();
        assertEquals(7, chk.weight());
        assertFalse(chk.reverse(), "the line's noreverse wins over the script's reverse");
    }

    @Test
    void shouldCarryOmegaAndHaSuspendToTheChecksAndClearHaSuspendOfAFwmarkService() throws ConfigException {
        String text = """
                virtual_server 198.18.0.10 80 {
                    lb_kind DR
                    omega
                    ha_suspend
                }
                virtual_server fwmark 7 {
                    lb_kind DR
                    ha_suspend
                }
                """;
        assertEquals(List.of("8: ha_suspend cannot be used with a fwmark service, which has no VIP to follow; cleared,"
                + " as keepalived does"), warnings(text));
        DirectorConfig config = KeepalivedConfigParser.withoutConfigId().parse(Path.of("w.conf"), text).config();
        ServiceChecks checks = ServiceChecks.from(config.virtualServers().getFirst());
        assertTrue(checks.omega());
        assertTrue(checks.haSuspend());
        assertFalse(config.virtualServers().getLast().haSuspend());
    }

    @Test
    void shouldSayNothingOfWhatIsActedOnOrSwitchedOff() throws ConfigException {
        assertEquals(List.of(), warnings("""
                global_defs {
                    vrrp_strict off
                    vrrp_skip_check_adv_addr no
                    vrrp_garp_master_refresh 60
                    vrrp_garp_lower_prio_repeat 2
                }
                vrrp_script chk {
                    script "/bin/true"
                    weight 10 noreverse
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    garp_lower_prio_delay 5
                    track_script {
                        chk weight 20
                    }
                    track_interface {
                        eth1 weight 5 noreverse
                    }
                }
                virtual_server 198.18.0.10 53 {
                    protocol UDP
                    lb_kind DR
                    omega off
                    ops
                }
                """));
    }
}

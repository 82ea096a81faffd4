package io.lvs4j.lab;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The commands of {@link RealServerSetup}, without running them. */
class RealServerSetupTest {

    private static List<String> line(String text) {
        return List.of(text.split(" "));
    }

    @Test
    void shouldQuietArpTurnOffRpFilterForTheTunDeviceAndHoldTheVipOnLoopback() {
        List<List<String>> commands = RealServerSetup.local().tunDevice("tun0").vip("198.18.0.10").commands();
        assertEquals(List.of(
                line("sysctl -q -w net.ipv4.conf.all.arp_ignore=1"),
                line("sysctl -q -w net.ipv4.conf.all.arp_announce=2"),
                line("sysctl -q -w net.ipv4.conf.all.rp_filter=0"),
                line("sysctl -q -w net.ipv4.conf.tun0.rp_filter=0"),
                line("ip link set tun0 up"),
                line("ip addr replace 198.18.0.10/32 dev lo")), commands);
    }

    @Test
    void shouldEnableIpv6OnTheTunDeviceAndAddIpv6VipsWithoutDad() {
        List<List<String>> commands = RealServerSetup.local().tunDevice("tun0").vip("2001:2::10")
                .vipOnTunDevice(true).commands();
        assertEquals(List.of(
                line("sysctl -q -w net.ipv4.conf.all.rp_filter=0"),
                line("sysctl -q -w net.ipv4.conf.tun0.rp_filter=0"),
                line("sysctl -q -w net.ipv6.conf.tun0.disable_ipv6=0"),
                line("ip link set tun0 up"),
                line("ip -6 addr replace 2001:2::10/128 dev tun0 nodad")), commands);
    }

    @Test
    void shouldRequireTheTunDeviceAndRefuseNamesThatAreNotAddresses() {
        assertThrows(IllegalStateException.class, () -> RealServerSetup.local().vip("198.18.0.10").commands());
        assertThrows(IllegalArgumentException.class, () -> RealServerSetup.local().vip("not an address"));
    }
}

package io.lvs4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** lvs4j's own {@code bgp_announce} block: read into {@link BgpConfig}, equal to the builder's, refused precisely. */
class BgpAnnounceConfigTest {

    private static final String SERVER = """
            virtual_server 198.18.0.10 80 {
                lb_algo mh
                lb_kind DR
                real_server 198.18.0.31 80 {
                }
            }
            """;

    private static LoadedConfig parse(String text) throws ConfigException {
        return KeepalivedConfigParser.withoutConfigId().parse(Path.of("bgp.conf"), text);
    }

    @Test
    void shouldReadEveryKeywordOfTheBlock() throws ConfigException {
        LoadedConfig loaded = parse(SERVER + """
                bgp_announce {
                    local_as 65001
                    router_id 198.18.0.21
                    neighbor 198.18.0.1 remote_as 65000
                    neighbor 2001:db8::1 remote_as 4200000000
                    hold_time 3
                    check_interval 0.1
                    run_dir /run/lvs4j/bgp-d1
                    frr_dir /opt/frr/lib
                    vtysh /opt/frr/bin/vtysh
                }
                """);
        BgpConfig expected = BgpConfig.builder().localAs(65001)
                .routerId((Inet4Address) InetAddress.ofLiteral("198.18.0.21"))
                .neighbor(new BgpNeighbor(InetAddress.ofLiteral("198.18.0.1"), 65000))
                .neighbor(new BgpNeighbor(InetAddress.ofLiteral("2001:db8::1"), 4_200_000_000L))
                .holdTime(Duration.ofSeconds(3)).checkInterval(Duration.ofMillis(100))
                .runDirectory(Path.of("/run/lvs4j/bgp-d1")).frrDirectory(Path.of("/opt/frr/lib"))
                .vtysh(Path.of("/opt/frr/bin/vtysh")).build();
        assertEquals(Optional.of(expected), loaded.config().bgp());
        assertTrue(expected.frr());
        assertEquals(0, loaded.warnings().size(), loaded.warnings().toString());
    }

    @Test
    void shouldTakeDefaultsForWhatIsNotWritten() throws ConfigException {
        BgpConfig bgp = parse(SERVER + "bgp_announce {\n local_as 65001\n neighbor 198.18.0.1 remote_as 65000\n}\n")
                .config().bgp().orElseThrow();
        assertEquals(BgpConfig.DEFAULT_HOLD_TIME, bgp.holdTime());
        assertEquals(BgpConfig.DEFAULT_CHECK_INTERVAL, bgp.checkInterval());
        assertEquals(BgpConfig.DEFAULT_RUN_DIRECTORY, bgp.runDirectory());
        assertEquals(Optional.empty(), bgp.routerId());
    }

    @Test
    void shouldReadTheCommandsOfAnotherDaemon() throws ConfigException {
        BgpConfig bgp = parse(SERVER + """
                bgp_announce {
                    daemon_command "/usr/bin/gobgpd -f /etc/lvs4j/gobgpd.toml"
                    announce_command /usr/bin/gobgp global rib add -a %family% %prefix%
                    withdraw_command /usr/bin/gobgp global rib del -a %family% %prefix%
                }
                """).config().bgp().orElseThrow();
        assertFalse(bgp.frr());
        assertEquals("/usr/bin/gobgp global rib add -a %family% %prefix%", bgp.announceCommand().orElseThrow().command());
        assertEquals(java.util.List.of("/usr/bin/gobgpd", "-f", "/etc/lvs4j/gobgpd.toml"),
                bgp.daemonCommand().orElseThrow().words());
    }

    @Test
    void shouldHaveNoAnnouncementWithoutTheBlock() throws ConfigException {
        assertEquals(Optional.empty(), parse(SERVER).config().bgp());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no neighbor           | local_as 65001                                                    | 7:1: bgp_announce: bgp_announce needs a neighbor to announce to
            AS out of range       | local_as 4294967296                                              | 8:14: local_as must be an AS number from 1 to 4294967295, not '4294967296'
            missing remote_as     | local_as 1\\nneighbor 198.18.0.1 65000                          | 9:25: 'remote_as' expected after the neighbor's address, not '65000'
            neighbor twice        | local_as 1\\nneighbor 198.18.0.1 remote_as 2\\nneighbor 198.18.0.1 remote_as 3 | 10:5: neighbor 198.18.0.1 is already listed at bgp.conf:9:5
            hold time too short   | local_as 1\\nneighbor 198.18.0.1 remote_as 2\\nhold_time 2     | 10:15: hold_time 2 is out of range 3-65535
            relative run_dir      | local_as 1\\nneighbor 198.18.0.1 remote_as 2\\nrun_dir run      | 10:13: run_dir must be an absolute path, not 'run'
            half the commands     | announce_command /bin/true                                        | 7:1: bgp_announce: bgp_announce needs both announce_command and withdraw_command, or neither
            misspelt keyword      | local_as 1\\nneighbour 198.18.0.1 remote_as 2                  | 9:5: unknown keyword 'neighbour' in bgp_announce (did you mean 'neighbor'?)
            """)
    void shouldRefuseABadBlockWithItsPosition(String name, String body, String message) {
        String text = SERVER + "bgp_announce {\n    " + body.replace("\\n", "\n    ") + "\n}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text), name);
        assertEquals("bgp.conf:" + message, e.getMessage(), name);
    }

    @Test
    void shouldRefuseASecondBlock() {
        String block = "bgp_announce {\n local_as 1\n neighbor 198.18.0.1 remote_as 2\n}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> parse(SERVER + block + block));
        assertEquals("bgp.conf:11:1: bgp_announce is already declared at bgp.conf:7:1", e.getMessage());
    }
}

package io.lvs4j.vrrp;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.KeepalivedConfigParser;
import io.lvs4j.core.config.NotifyScripts;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.TrackedInterface;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpScriptConfig;
import io.lvs4j.vrrp.internal.Tracking;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a node runs what the keepalived.conf parser reads: each instance's tracked scripts with
 * their timing and weight, those of its sync group, its notify scripts, and a sync group of one.
 */
class ParsedConfigTest {

    /** A tracked script as it runs: the command split into words, its timing and weight. */
    private record Run(String name, List<String> command, Duration interval, Duration timeout, int rise, int fall,
                       int weight) {
        static Run of(VrrpScriptConfig s) {
            return new Run(s.name(), s.script().words(), s.interval(), s.timeout(), s.rise(), s.fall(), s.weight());
        }
    }

    private static final String VRRP = """
            vrrp_instance VI_1 {
                interface eth7
                virtual_router_id 51
                priority 100
                virtual_ipaddress { 198.18.0.10 }
            }
            """;

    private static final String SCRIPTED = """
            vrrp_script chk_nginx {
                script "/usr/bin/pgrep -x 'nginx worker'"
                interval 2
                timeout 3
                rise 2
                fall 3
                weight -20
            }
            vrrp_script chk_disk {
                script "/bin/test -f /run/disk-ok"
                weight 0
            }
            vrrp_script chk_reversed {
                script /bin/true
                weight 5 reverse
            }
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_2
                }
                track_script {
                    chk_disk
                }
                track_interface {
                    eth9 weight -7
                }
                notify_master "/etc/lvs/group.sh master"
                notify /etc/lvs/group-any.sh
            }
            vrrp_instance VI_1 {
                interface eth7
                virtual_router_id 51
                priority 100
                virtual_ipaddress { 198.18.0.10 }
                track_script {
                    chk_nginx
                    chk_reversed
                }
                notify_master "/etc/lvs/master.sh 'VI one'"
                notify_backup /etc/lvs/backup.sh
                notify_fault /etc/lvs/fault.sh
                notify_stop /etc/lvs/stop.sh
                notify /etc/lvs/any.sh
            }
            vrrp_instance VI_2 {
                interface eth7
                virtual_router_id 52
                priority 100
                virtual_ipaddress { 198.18.0.20 }
                track_script {
                    chk_nginx weight -50
                }
            }
            """;

    private final VirtualClock clock = new VirtualClock();
    private final List<List<String>> ran = new ArrayList<>();

    private static DirectorConfig parse(String text) throws Exception {
        return KeepalivedConfigParser.create().parse(Path.of("test.conf"), text).config();
    }

    private static Tracking tracking(DirectorConfig conf, String instance) {
        return Tracking.of(conf.vrrpInstance(instance).orElseThrow(), conf.syncGroupOf(instance).orElse(null));
    }

    private static List<List<String>> words(NotifyScripts n) {
        return List.of(n.master(), n.backup(), n.fault(), n.stop(), n.any()).stream()
                .map(s -> s.map(Script::words).orElse(List.of())).toList();
    }

    /** A node running the configuration's instances and groups, sending from 198.18.0.8. */
    private VrrpNode node(DirectorConfig conf) {
        VrrpNode.Builder b = VrrpNode.builder(new VrrpPort() {
            @Override
            public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
            }

            @Override
            public void takeOver(VrrpInstanceConfig instance) {
            }

            @Override
            public void release(VrrpInstanceConfig instance) {
            }
        }).clock(clock).scriptRunner((command, timeout) -> {
            ran.add(command);
            return CompletableFuture.completedFuture(new ScriptResult(0, false));
        });
        conf.vrrpInstances().forEach(c -> b.instance(c.toBuilder().sourceAddress(ip("198.18.0.8")).build()));
        conf.vrrpSyncGroups().forEach(b::syncGroup);
        return b.build();
    }

    /** Starts the node and runs its timers until every instance is master. */
    private VrrpNode masters(VrrpNode node) {
        node.start();
        for (int i = 0; i < 10 && node.instanceNames().stream().anyMatch(n -> node.state(n) != VrrpState.MASTER); i++) {
            clock.set(node.nextDeadline());
            node.tick();
        }
        node.instanceNames().forEach(n -> assertEquals(VrrpState.MASTER, node.state(n), n));
        return node;
    }

    @Test
    void shouldMapTrackScriptsWithTheirTimingAndWeightAndTheNotifyScripts() throws Exception {
        DirectorConfig conf = parse(SCRIPTED);
        Tracking vi1 = tracking(conf, "VI_1");

        assertEquals(List.of(
                        new Run("chk_nginx", List.of("/usr/bin/pgrep", "-x", "nginx worker"),
                                Duration.ofSeconds(2), Duration.ofSeconds(3), 2, 3, -20),
                        new Run("chk_reversed", List.of("/bin/true"), Duration.ofSeconds(1), Duration.ofSeconds(1),
                                1, 1, 5),
                        new Run("chk_disk", List.of("/bin/test", "-f", "/run/disk-ok"),
                                Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1, 0)),
                vi1.scripts().stream().map(Run::of).toList(),
                "chk_reversed is tracked; the group's chk_disk applies to the member");
        assertEquals(List.of(false, true, false), vi1.scripts().stream().map(VrrpScriptConfig::reverse).toList());
        assertEquals(List.of(List.of("/etc/lvs/master.sh", "VI one"), List.of("/etc/lvs/backup.sh"),
                List.of("/etc/lvs/fault.sh"), List.of("/etc/lvs/stop.sh"), List.of("/etc/lvs/any.sh")),
                words(conf.vrrpInstance("VI_1").orElseThrow().notifyScripts()));
        assertTrue(vi1.interfaces().contains(new TrackedInterface("eth9", -7, false)), vi1.interfaces().toString());
    }

    @Test
    void shouldLetTheTrackScriptLineOverrideTheScriptWeight() throws Exception {
        DirectorConfig conf = parse(SCRIPTED);

        assertEquals(List.of(-50, 0), tracking(conf, "VI_2").scripts().stream().map(VrrpScriptConfig::weight).toList());
        assertEquals(NotifyScripts.NONE, conf.vrrpInstance("VI_2").orElseThrow().notifyScripts());
    }

    @Test
    void shouldMapSyncGroupsWithTheirNotifyScripts() throws Exception {
        masters(node(parse(SCRIPTED)));

        assertTrue(ran.contains(List.of("/etc/lvs/group.sh", "master")), ran.toString());
        assertTrue(ran.contains(List.of("/etc/lvs/group-any.sh", "GROUP", "G1", "MASTER", "0")), ran.toString());
    }

    @Test
    void shouldRunASyncGroupOfOneInstanceWithoutTheGroup() throws Exception {
        VrrpNode node = masters(node(parse("""
                vrrp_sync_group LONE {
                    group {
                        VI_1
                    }
                    notify_master /etc/lvs/group.sh
                }
                """ + VRRP)));

        assertEquals(List.of("VI_1"), node.instanceNames());
        assertTrue(ran.stream().noneMatch(c -> c.getFirst().equals("/etc/lvs/group.sh")), ran.toString());
    }

    @Test
    void shouldTrackTheInstancesOwnInterfaceUnlessTold() throws Exception {
        DirectorConfig conf = parse(VRRP);
        VrrpInstanceConfig vi1 = conf.vrrpInstance("VI_1").orElseThrow();

        assertEquals(List.of(TrackedInterface.of("eth7")), Tracking.of(vi1, null).interfaces(),
                "keepalived: the instance's own link down is a fault");
        assertEquals(List.of(), Tracking.of(vi1.toBuilder().dontTrackPrimary(true).build(), null).interfaces());
        assertEquals(Optional.empty(), vi1.sourceAddress(), "the parser leaves the source to the interface");
    }
}

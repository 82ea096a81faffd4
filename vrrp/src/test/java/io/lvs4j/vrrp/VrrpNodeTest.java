package io.lvs4j.vrrp;

import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.TrackedInterface;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpScriptConfig;
import io.lvs4j.vrrp.internal.ScriptTracker;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tracking, notification and dispatch of a node, on a virtual clock. */
class VrrpNodeTest {

    private final VirtualClock clock = new VirtualClock();
    private final List<String> io = new ArrayList<>();
    private final List<List<String>> scripts = new ArrayList<>();
    private final VrrpPort port = new VrrpPort() {
        @Override
        public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
            io.add(instance.name() + " advert " + advert.priority());
        }

        @Override
        public void takeOver(VrrpInstanceConfig instance) {
            io.add(instance.name() + " take");
        }

        @Override
        public void release(VrrpInstanceConfig instance) {
            io.add(instance.name() + " release");
        }
    };

    private VrrpInstanceConfig.Builder config(int priority) {
        return VrrpInstanceConfig.builder("VI_1").interfaceName("eth0").virtualRouterId(51).priority(priority)
                .sourceAddress(ip("198.18.0.11")).virtualIpAddress(ip("198.18.0.10"));
    }

    private VrrpNode node(VrrpInstanceConfig... configs) {
        VrrpNode.Builder b = VrrpNode.builder(port).clock(clock).scriptRunner((command, timeout) -> {
            scripts.add(command);
            return CompletableFuture.completedFuture(new ScriptResult(0, false));
        });
        for (VrrpInstanceConfig c : configs) {
            b.instance(c);
        }
        return b.build();
    }

    @Test
    void shouldApplyTrackedInterfaceWeights() {
        VrrpNode node = node(config(100).trackInterface(new TrackedInterface("eth1", -30, false))
                .trackInterface(new TrackedInterface("eth2", 10, false)).build());
        node.start();
        assertEquals(110, node.priority("VI_1"), "a positive weight counts while the link is up");
        node.linkChanged("eth1", false);
        assertEquals(80, node.priority("VI_1"));
        node.linkChanged("eth2", false);
        assertEquals(70, node.priority("VI_1"));
        node.linkChanged("eth1", true);
        node.linkChanged("eth2", true);
        assertEquals(110, node.priority("VI_1"));
    }

    @Test
    void shouldClampTrackedPriorityAndLeaveTheOwnerAlone() {
        VrrpNode node = node(config(250).trackInterface(new TrackedInterface("eth1", 20, false)).build(),
                VrrpInstanceConfig.builder("OWNER").interfaceName("eth0").virtualRouterId(52).priority(255)
                        .sourceAddress(ip("198.18.0.11")).virtualIpAddress(ip("198.18.0.11"))
                        .trackInterface(new TrackedInterface("eth1", -100, false)).build());
        node.start();
        assertEquals(254, node.priority("VI_1"), "only an owner advertises 255");
        node.linkChanged("eth1", false);
        assertEquals(255, node.priority("OWNER"));
        assertEquals(VrrpState.MASTER, node.state("OWNER"));
    }

    @Test
    void shouldGoToFaultOnTrackedLinkDownWithoutWeight() {
        VrrpNode node = node(config(255).trackInterface(new TrackedInterface("eth1", 0, false)).build());
        node.start();
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
        node.linkChanged("eth1", false);
        assertEquals(VrrpState.FAULT, node.state("VI_1"));
        assertEquals(List.of("VI_1 advert 255", "VI_1 take", "VI_1 advert 0", "VI_1 release"), io);
        node.linkChanged("eth1", true);
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
    }

    @Test
    void shouldStartInFaultWhenTrackedLinkIsAlreadyDown() {
        VrrpNode node = node(config(100).trackInterface(new TrackedInterface("eth1", 0, false)).build());
        node.linkChanged("eth1", false);
        node.start();
        assertEquals(VrrpState.FAULT, node.state("VI_1"));
        assertEquals(Long.MAX_VALUE, node.nextDeadline());
    }

    @Test
    void shouldFaultWhileWeightlessScriptIsBad() {
        boolean[] healthy = {true};
        VrrpNode node = VrrpNode.builder(port).clock(clock)
                .scriptRunner((command, timeout) -> CompletableFuture.completedFuture(
                        new ScriptResult(healthy[0] ? 0 : 1, false)))
                .instance(config(255).trackScript(new VrrpScriptConfig("chk", Script.of("check"), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), 0, false, 1, 2, false)).build())
                .build();
        node.start();
        assertEquals(VrrpState.MASTER, node.state("VI_1"), "the first success (run at start) made it good");
        healthy[0] = false;
        for (int s = 1; s <= 2; s++) {
            clock.advanceMillis(1000);
            node.tick();
            assertEquals(s == 2 ? VrrpState.FAULT : VrrpState.MASTER, node.state("VI_1"), "after " + s + " failures");
        }
        healthy[0] = true;
        clock.advanceMillis(1000);
        node.tick();
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
    }

    @Test
    void shouldReverseTrackedInterfaceWeights() {
        VrrpNode node = node(config(100).trackInterface(new TrackedInterface("eth1", -30, true))
                .trackInterface(new TrackedInterface("eth2", 10, true)).build());
        node.start();
        assertEquals(90, node.priority("VI_1"), "a reversed positive weight is subtracted while the link is up");
        node.linkChanged("eth1", false);
        assertEquals(120, node.priority("VI_1"), "a reversed negative weight is added while the link is down");
        node.linkChanged("eth2", false);
        assertEquals(130, node.priority("VI_1"));
        node.linkChanged("eth1", true);
        node.linkChanged("eth2", true);
        assertEquals(90, node.priority("VI_1"));
    }

    @Test
    void shouldFaultWhileAReversedWeightlessLinkIsUp() {
        VrrpNode node = node(config(255).trackInterface(new TrackedInterface("eth1", 0, true)).build());
        node.linkChanged("eth1", false);
        node.start();
        assertEquals(VrrpState.MASTER, node.state("VI_1"), "down is the good state of a reversed link");
        node.linkChanged("eth1", true);
        assertEquals(VrrpState.FAULT, node.state("VI_1"));
        node.linkChanged("eth1", false);
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
    }

    private VrrpNode scripted(boolean[] healthy, VrrpInstanceConfig config) {
        return VrrpNode.builder(port).clock(clock)
                .scriptRunner((command, timeout) -> CompletableFuture.completedFuture(
                        new ScriptResult(healthy[0] ? 0 : 1, false)))
                .instance(config).build();
    }

    private static VrrpScriptConfig script(int weight, boolean reverse) {
        return new VrrpScriptConfig("chk", Script.of("check"), Duration.ofSeconds(1), Duration.ofSeconds(1), weight,
                reverse, 1, 1, false);
    }

    @Test
    void shouldReverseTrackedScriptWeights() {
        boolean[] healthy = {true};
        VrrpNode up = scripted(healthy, config(100).trackScript(script(20, true)).build());
        up.start();
        assertEquals(80, up.priority("VI_1"), "a reversed positive weight is subtracted while the script succeeds");
        healthy[0] = false;
        clock.advanceMillis(1000);
        up.tick();
        assertEquals(100, up.priority("VI_1"));

        VrrpNode down = scripted(healthy, config(100).trackScript(script(-20, true)).build());
        down.start();
        assertEquals(120, down.priority("VI_1"), "a reversed negative weight is added while the script fails");
        healthy[0] = true;
        clock.advanceMillis(1000);
        down.tick();
        assertEquals(100, down.priority("VI_1"));
    }

    @Test
    void shouldFaultWhileAReversedWeightlessScriptSucceeds() {
        boolean[] healthy = {false};
        VrrpNode node = scripted(healthy, config(255).trackScript(script(0, true)).build());
        node.start();
        assertEquals(VrrpState.MASTER, node.state("VI_1"), "the first failure (run at start) let it up");
        healthy[0] = true;
        clock.advanceMillis(1000);
        node.tick();
        assertEquals(VrrpState.FAULT, node.state("VI_1"), "weight 0 reverse: down while the script succeeds");
        healthy[0] = false;
        clock.advanceMillis(1000);
        node.tick();
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
    }

    @Test
    void shouldHoldAWeightlessScriptInFaultUntilItsFirstResult() {
        ScriptTracker reversed = new ScriptTracker(script(0, true), 0);
        assertTrue(reversed.faults(), "no result yet");
        assertTrue(reversed.record(false), "the first result counts though it changes nothing");
        assertFalse(reversed.faults());
        assertFalse(reversed.record(false));
        assertTrue(reversed.record(true));
        assertTrue(reversed.faults());
        assertEquals(0, reversed.adjustment());
    }

    @Test
    void shouldRunNotifyScriptsWithKeepalivedArguments() {
        VrrpNode node = node(config(255).notifyMaster(Script.of("/etc/m.sh")).notifyBackup(Script.of("/etc/b.sh"))
                .notifyFault(Script.of("/etc/f.sh")).notifyStop(Script.of("/etc/s.sh"))
                .notifyAny(Script.of("/etc/notify.sh --flag")).build());
        node.start();
        node.stop();
        assertEquals(List.of(List.of("/etc/m.sh"),
                List.of("/etc/notify.sh", "--flag", "INSTANCE", "VI_1", "MASTER", "255"),
                List.of("/etc/s.sh"),
                List.of("/etc/notify.sh", "--flag", "INSTANCE", "VI_1", "STOP", "255")), scripts);
        assertEquals(List.of("VI_1 advert 255", "VI_1 take", "VI_1 advert 0", "VI_1 release"), io);
    }

    @Test
    void shouldRestartAfterStop() {
        VrrpNode node = node(config(100).build());
        node.start();
        clock.set(node.nextDeadline());
        node.tick();
        node.stop();
        assertEquals(VrrpState.INITIALIZE, node.state("VI_1"));
        assertEquals(Long.MAX_VALUE, node.nextDeadline());
        node.start();
        assertEquals(VrrpState.BACKUP, node.state("VI_1"));
        assertEquals(List.of("VI_1 advert 100", "VI_1 take", "VI_1 advert 0", "VI_1 release"), io);
    }

    @Test
    void shouldCallJavaListenersOnEveryChange() {
        List<String> seen = new ArrayList<>();
        VrrpNode node = VrrpNode.builder(port).clock(clock).instance(config(100).build())
                .listener((name, from, to, prio) -> seen.add(name + " " + from + "->" + to + " " + prio)).build();
        node.start();
        clock.set(node.nextDeadline());
        node.tick();
        assertEquals(List.of("VI_1 INITIALIZE->BACKUP 100", "VI_1 BACKUP->MASTER 100"), seen);
    }

    @Test
    void shouldIgnoreItsOwnAdvertLoopedBack() {
        VrrpNode node = node(config(100).build());
        node.start();
        Advertisement own = Advertisement.of(config(100).build(), 100);
        byte[] p = new byte[20 + own.length()];
        VrrpEncoder.encodeIpv4Packet(own, MemorySegment.ofArray(p), 0, (Inet4Address) ip("198.18.0.11"),
                (Inet4Address) ip("224.0.0.18"), 1);
        long deadline = node.nextDeadline();
        assertEquals(AdvertCheck.ACCEPTED, node.receiveIpv4("eth0", MemorySegment.ofArray(p), 0, p.length));
        assertEquals(1, node.loopedBack());
        assertEquals(deadline, node.nextDeadline(), "the timer was not reset by our own advert");
        assertEquals(AdvertCheck.UNKNOWN_VRID, node.receiveIpv4("eth9", MemorySegment.ofArray(p), 0, p.length));
    }

    private static byte[] advertFrom(VrrpInstanceConfig config, int priority, String source) {
        Advertisement ad = Advertisement.of(config, priority);
        byte[] p = new byte[20 + ad.length()];
        VrrpEncoder.encodeIpv4Packet(ad, MemorySegment.ofArray(p), 0, (Inet4Address) ip(source),
                (Inet4Address) ip("224.0.0.18"), 1);
        return p;
    }

    @Test
    void shouldLetAStrictAddressOwnerIgnoreEveryAdvert() {
        VrrpInstanceConfig strict = config(255).strictMode(true).build();
        VrrpNode node = node(strict);
        node.start();
        byte[] rival = advertFrom(strict, 255, "198.18.0.99");
        assertEquals(AdvertCheck.STRICT_OWNER_IGNORES, node.receiveIpv4("eth0", MemorySegment.ofArray(rival), 0,
                rival.length));
        assertEquals(VrrpState.MASTER, node.state("VI_1"), "a strict owner ignores even a higher-addressed owner");
        assertEquals(1, node.validator("eth0").counter(AdvertCheck.STRICT_OWNER_IGNORES));

        VrrpNode lax = node(config(255).build());
        lax.start();
        assertEquals(AdvertCheck.ACCEPTED, lax.receiveIpv4("eth0", MemorySegment.ofArray(rival), 0, rival.length));
        assertEquals(VrrpState.BACKUP, lax.state("VI_1"), "without strict mode the higher address wins");
    }

    @Test
    void shouldRefuseScriptsWithoutRunnerAndDuplicateVrids() {
        VrrpScriptConfig s = new VrrpScriptConfig("chk", Script.of("true"), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0, false, 1, 1, false);
        assertThrows(IllegalArgumentException.class,
                () -> VrrpNode.builder(port).instance(config(100).trackScript(s).build()).build());
        assertThrows(IllegalArgumentException.class, () -> VrrpNode.builder(port).instance(config(100).build())
                .instance(VrrpInstanceConfig.builder("VI_2").interfaceName("eth0").virtualRouterId(51)
                        .sourceAddress(ip("198.18.0.11")).virtualIpAddress(ip("198.18.0.20")).build()).build());
    }

    @Test
    void shouldCountRiseAndFallOfTrackedScripts() {
        ScriptTracker t = new ScriptTracker(new VrrpScriptConfig("chk", Script.of("x"), Duration.ofSeconds(2),
                Duration.ofSeconds(1), 0, false, 2, 3, false), 0);
        assertTrue(t.faults(), "starts bad");
        assertTrue(t.record(true), "it starts one success short of rise = 2");
        assertTrue(t.good());
        assertFalse(t.record(false));
        assertFalse(t.record(false));
        assertTrue(t.good());
        assertTrue(t.record(false), "third failure: fall = 3");
        assertTrue(t.faults());
        assertFalse(t.record(true));
        assertTrue(t.record(true), "rise = 2 after a fall");
        assertEquals(0, t.adjustment());
    }

    @Test
    void shouldRejectInconsistentConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> config(0).build());
        assertThrows(IllegalArgumentException.class, () -> config(100).advertInterval(Duration.ofMillis(1500)).build(),
                "v2 intervals are whole seconds");
        assertThrows(IllegalArgumentException.class, () -> config(100).version(3).authPass("x").build());
        assertThrows(IllegalArgumentException.class, () -> config(100).virtualIpAddress(ip("2001:db8::1")).build());
        assertThrows(IllegalArgumentException.class, () -> config(100).authPass("123456789").build());
    }
}

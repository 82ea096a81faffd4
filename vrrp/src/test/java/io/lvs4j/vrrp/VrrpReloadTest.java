package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.lvs4j.vrrp.SimNetwork.MS;
import static io.lvs4j.vrrp.SimNetwork.instance;
import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running router's configuration reloaded, as keepalived's reload applies it: seeded
 * simulations of two routers on a virtual clock. An unchanged instance keeps its state and sends
 * no extra advert; a changed priority, address list or interval applies without a transition; a
 * removed master gives its addresses up with a priority-0 advert; a new instance starts; a
 * refused configuration changes nothing.
 */
class VrrpReloadTest {

    private static final long SEC = 1000 * MS;

    /** a (priority 150) master of VI_1, b (100) its backup, after 10 s. */
    private static SimNetwork pair(long seed) {
        SimNetwork net = new SimNetwork(seed);
        net.router("a", instance("198.18.0.11", 150, b -> b)).up();
        net.router("b", instance("198.18.0.12", 100, b -> b)).up();
        net.runFor(10 * SEC);
        assertEquals(VrrpState.MASTER, net.router("a").state("VI_1"));
        assertEquals(VrrpState.BACKUP, net.router("b").state("VI_1"));
        return net;
    }

    /** Runs until a has just sent an advert, so that a reload falls between two. */
    private static void justAfterAnAdvert(SimNetwork net) {
        int before = net.router("a").adverts.size();
        for (int i = 0; i < 2000 && net.router("a").adverts.size() == before; i++) {
            net.runFor(MS);
        }
        net.runFor(10 * MS);
    }

    @Test
    void shouldKeepAnUnchangedInstancesStateAndSendNoExtraAdvert() {
        SimNetwork net = pair(11);
        justAfterAnAdvert(net);
        int changes = net.changes.size();
        int adverts = net.router("a").adverts.size();
        net.router("a").reload(List.of(instance("198.18.0.11", 150, b -> b)), List.of());
        net.router("b").reload(List.of(instance("198.18.0.12", 100, b -> b)), List.of());
        net.runFor(2500 * MS);
        assertEquals(changes, net.changes.size(), "no transition on either router");
        assertEquals(adverts + 2, net.router("a").adverts.size(), "one advert a second, none extra");
        assertTrue(net.router("b").adverts.isEmpty(), "the backup stays silent");
        assertTrue(net.router("a").owned.contains("VI_1"));
    }

    @Test
    void shouldApplyAChangedPriorityAndAddressListWithoutATransition() {
        SimNetwork net = pair(12);
        justAfterAnAdvert(net);
        int changes = net.changes.size();
        net.router("b").reload(List.of(instance("198.18.0.12", 100,
                b -> b.virtualIpAddress(ip("198.18.0.20")))), List.of());
        net.router("a").reload(List.of(instance("198.18.0.11", 120,
                b -> b.virtualIpAddress(ip("198.18.0.20")))), List.of());
        net.runFor(3 * SEC);
        assertEquals(changes, net.changes.size(), "still master, still backup: no transition");
        assertEquals(120, net.router("a").node.priority("VI_1"));
        assertEquals("VI_1 120 2", net.router("a").adverts.getLast(),
                "the adverts carry the new priority and both addresses (b accepts them)");
    }

    @Test
    void shouldLetABetterBackupPreemptAMasterWhosePriorityDropsBelowIt() {
        SimNetwork net = pair(13);
        long reload = net.now();
        net.router("a").reload(List.of(instance("198.18.0.11", 90, b -> b)), List.of());
        net.runFor(5 * SEC);
        assertEquals(VrrpState.MASTER, net.router("b").state("VI_1"), "b preempts on a's first lower advert");
        assertEquals(VrrpState.BACKUP, net.router("a").state("VI_1"));
        long took = net.firstChange("b", "VI_1", VrrpState.MASTER, reload) - reload;
        assertTrue(took > 0 && took <= 3_610 * MS, "b ignores a's lower adverts and takes over when its"
                + " master-down timer ends (3 s and its skew after a's last advert at 150): " + took);
        assertEquals(1, net.changes.stream().filter(c -> c.time() >= reload && c.router().equals("a")).count(),
                "a steps down once");
    }

    private static VrrpInstanceConfig second(String source, int priority) {
        return VrrpInstanceConfig.builder("VI_2").interfaceName(SimNetwork.IFACE).virtualRouterId(52)
                .priority(priority).sourceAddress(ip(source)).virtualIpAddress(ip("198.18.0.30")).authPass("1111")
                .build();
    }

    @Test
    void shouldMakeARemovedMasterGiveItsAddressesUpWithAPriorityZeroAdvert() {
        SimNetwork net = new SimNetwork(14);
        VrrpInstanceConfig second = second("198.18.0.11", 150);
        net.router("a", instance("198.18.0.11", 150, b -> b), second).up();
        net.router("b", instance("198.18.0.12", 100, b -> b), second("198.18.0.12", 100)).up();
        net.runFor(10 * SEC);
        long reload = net.now();
        net.tolerated.add(AdvertCheck.UNKNOWN_VRID); // a no longer knows VI_1: it drops b's adverts for it
        net.router("a").reload(List.of(second), List.of());
        assertFalse(net.router("a").owned.contains("VI_1"), "released at once");
        assertTrue(net.router("a").adverts.contains("VI_1 0 1"), "with a priority-0 advert");
        net.runFor(3 * SEC);
        long took = net.firstChange("b", "VI_1", VrrpState.MASTER, reload) - reload;
        assertTrue(took > 0 && took < 700 * MS, "b takes over after its skew time, not the master-down time: " + took);
        assertEquals(VrrpState.MASTER, net.router("a").state("VI_2"), "the other instance goes on");
        assertThrows(IllegalArgumentException.class, () -> net.router("a").node.state("VI_1"));
    }

    @Test
    void shouldStartAnAddedInstanceAndRestartOneWhoseRouterIdChanged() {
        SimNetwork net = pair(15);
        long reload = net.now();
        net.router("b").reload(List.of(instance("198.18.0.12", 100, b -> b), second("198.18.0.12", 100)), List.of());
        net.router("a").reload(List.of(instance("198.18.0.11", 150, b -> b), second("198.18.0.11", 150)), List.of());
        net.runFor(5 * SEC);
        assertEquals(VrrpState.MASTER, net.router("a").state("VI_2"), "the better of two new backups: master after 3.4 s");
        assertEquals(VrrpState.BACKUP, net.router("b").state("VI_2"));
        assertEquals(VrrpState.MASTER, net.router("a").state("VI_1"));
        assertEquals(-1, net.firstChange("a", "VI_1", VrrpState.BACKUP, reload), "VI_1 untouched");

        long restart = net.now();
        net.router("b").reload(List.of(instance("198.18.0.12", 100, b -> b.virtualRouterId(53)),
                second("198.18.0.12", 100)), List.of());
        assertEquals(VrrpState.BACKUP, net.router("b").state("VI_1"), "a new router id starts anew, as backup");
        assertTrue(net.firstChange("b", "VI_1", VrrpState.INITIALIZE, restart) >= restart, "the old one stopped");
    }

    @Test
    void shouldRefuseABadConfigurationAndChangeNothing() {
        SimNetwork net = pair(16);
        VrrpInstanceConfig twin = instance("198.18.0.11", 150, b -> b.virtualIpAddress(ip("198.18.0.40")));
        assertThrows(IllegalArgumentException.class,
                () -> net.router("a").reload(List.of(instance("198.18.0.11", 150, b -> b), twin), List.of()));
        assertEquals(VrrpState.MASTER, net.router("a").state("VI_1"));
        assertEquals(150, net.router("a").node.priority("VI_1"));
        net.runFor(5 * SEC);
        assertEquals(VrrpState.MASTER, net.router("a").state("VI_1"));
    }

    @Test
    void shouldHaveAMasterReOwnItsChangedAddressesThroughThePort() {
        VirtualClock clock = new VirtualClock();
        List<String> io = new ArrayList<>();
        VrrpPort port = new VrrpPort() {
            @Override
            public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
            }

            @Override
            public void takeOver(VrrpInstanceConfig instance) {
                io.add("take " + instance.virtualIpAddresses().size());
            }

            @Override
            public void release(VrrpInstanceConfig instance) {
                io.add("release");
            }

            @Override
            public void addressesChanged(VrrpInstanceConfig before, VrrpInstanceConfig after) {
                io.add("addresses " + before.virtualIpAddresses().size() + " -> " + after.virtualIpAddresses().size());
            }
        };
        VrrpNode node = VrrpNode.builder(port).clock(clock)
                .scriptRunner((command, timeout) -> CompletableFuture.completedFuture(new ScriptResult(0, false)))
                .instance(instance("198.18.0.11", 255, b -> b)).build();
        node.start();
        node.reconfigure(List.of(instance("198.18.0.11", 255, b -> b.virtualIpAddress(ip("198.18.0.20"))
                .advertInterval(Duration.ofSeconds(2)))), List.of());
        assertEquals(List.of("take 1", "addresses 1 -> 2"), io, "no release, no second take-over");
        assertEquals(VrrpState.MASTER, node.state("VI_1"));
    }
}

package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.lvs4j.vrrp.SimNetwork.MS;
import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 1,000 seeded random schedules: 2-4 routers of random priorities, preemption settings and
 * versions, each on a clock of its own (fast or slow by up to {@link #MAX_DRIFT_PPM}), go
 * through a chaotic phase (crashes, clean stops, restarts, partitions, links cut one way only,
 * loss on the LAN and per link, delay, duplicated and reordered adverts), then the network
 * becomes whole (duplication and reordering go on). Once it has been whole for one master-down
 * interval (plus the configured preempt delay and two advert flights, during which a preempting
 * backup may still take over), there is exactly one master among the routers that are up, and
 * it is one of those of the highest priority whenever one of them preempts (an address owner
 * always does).
 */
class VrrpRandomScheduleTest {

    private static final int SCHEDULES = 1_000;
    /**
     * The largest clock error of a router, in parts per million. The RFCs state no clock
     * accuracy, but their election among backups rests on the skew time: backups of adjacent
     * priorities differ by interval / 256 in a master-down interval of 3 to 4 intervals, so two
     * clocks erring by d in opposite directions keep that order while 2 d * 4 < 1 / 256, that
     * is d below about 490 ppm. 200 ppm is twice a common crystal's tolerance and within it.
     */
    static final int MAX_DRIFT_PPM = 200;

    @Test
    void shouldConvergeToExactlyOneMasterAfterTheNetworkHeals() {
        int splitBrains = 0;
        int takeovers = 0;
        int preemptedToTheTop = 0;
        long duplicates = 0;
        long ownerDiscards = 0;
        for (int seed = 0; seed < SCHEDULES; seed++) {
            Result r = runSchedule(seed);
            splitBrains += r.splitBrainDuringChaos ? 1 : 0;
            takeovers += r.takeovers;
            preemptedToTheTop += r.topMustWin ? 1 : 0;
            duplicates += r.duplicates;
            ownerDiscards += r.ownerDiscards;
        }
        // The schedules must really shake the routers, or the final check proves nothing.
        assertTrue(splitBrains > SCHEDULES / 10, "schedules with split brain while partitioned: " + splitBrains);
        assertTrue(takeovers > SCHEDULES, "takeovers: " + takeovers);
        assertTrue(preemptedToTheTop > SCHEDULES / 2, "schedules whose winner was checked: " + preemptedToTheTop);
        assertTrue(duplicates > SCHEDULES, "duplicated adverts: " + duplicates);
        assertTrue(ownerDiscards > 0, "adverts discarded by an address owner: " + ownerDiscards);
    }

    @Test
    void shouldKeepSyncGroupMembersOnOneRouterAfterTheNetworkHeals() {
        int groupMoves = 0;
        for (int seed = 0; seed < 300; seed++) {
            Random rnd = new Random(0x6_0000L + seed);
            SimNetwork net = new SimNetwork(seed);
            int n = 2 + rnd.nextInt(2);
            int intervalCentis = 10 + rnd.nextInt(91);
            long interval = intervalCentis * 10 * MS;
            net.maxDelay = 100_000 + (long) (rnd.nextDouble() * interval / 4);
            for (int i = 0; i < n; i++) {
                int priority = 1 + rnd.nextInt(254);
                boolean preempt = rnd.nextInt(4) != 0;
                InetAddress primary = ip("198.18.0." + (11 + i));
                List<VrrpInstanceConfig> members = new ArrayList<>();
                for (int v = 1; v <= 2; v++) {
                    members.add(VrrpInstanceConfig.builder("VI_" + v).interfaceName(SimNetwork.IFACE)
                            .version(3).virtualRouterId(v).advertInterval(Duration.ofMillis(10L * intervalCentis))
                            .priority(priority).preempt(preempt).sourceAddress(primary)
                            .virtualIpAddress(ip("198.18." + v + ".10")).build());
                }
                net.router("r" + i, members.toArray(VrrpInstanceConfig[]::new))
                        .group(VrrpSyncGroupConfig.builder("G").instance("VI_1").instance("VI_2").build()).up();
            }
            long start = net.now();
            for (int e = 0; e < 8; e++) {
                SimNetwork.Router r = net.routers.get(rnd.nextInt(n));
                int kind = rnd.nextInt(5);
                int part = rnd.nextInt(2);
                net.schedule(start + (long) (rnd.nextDouble() * 30 * interval), () -> {
                    switch (kind) {
                        case 0 -> r.crash();
                        case 1 -> r.stop();
                        case 2 -> r.partition = part;
                        default -> {
                            if (!r.isUp()) {
                                r.up();
                            }
                        }
                    }
                });
            }
            net.runUntil(start + 30 * interval, null);
            net.routers.forEach(r -> r.partition = 0);
            long heal = net.now();
            net.runUntil(heal + 6 * interval + 3 * net.maxDelay, null);
            boolean anyUp = net.routers.stream().anyMatch(SimNetwork.Router::isUp);
            int s = seed;
            net.runUntil(net.now() + 20 * interval, () -> {
                List<SimNetwork.Router> m1 = net.masters("VI_1");
                List<SimNetwork.Router> m2 = net.masters("VI_2");
                if (m1.size() != (anyUp ? 1 : 0) || !m1.equals(m2)) {
                    fail("seed " + s + ": masters VI_1 " + m1.stream().map(r -> r.name).toList()
                            + ", VI_2 " + m2.stream().map(r -> r.name).toList());
                }
            });
            groupMoves += (int) net.notified.stream().filter(x -> x.endsWith("GROUP G MASTER")).count();
        }
        assertTrue(groupMoves > 300, "group takeovers: " + groupMoves);
    }

    private record Result(boolean splitBrainDuringChaos, int takeovers, boolean topMustWin, long duplicates,
                          long ownerDiscards) {
    }

    private static Result runSchedule(int seed) {
        Random rnd = new Random(0x5eed_0000L + seed);
        SimNetwork net = new SimNetwork(seed);
        int n = 2 + rnd.nextInt(3);
        boolean v3 = rnd.nextBoolean();
        boolean ipv6 = v3 && rnd.nextBoolean();
        int intervalCentis = v3 ? 10 + rnd.nextInt(191) : 100;
        long interval = intervalCentis * 10 * MS;
        long maxDelay = 100_000 + (long) (rnd.nextDouble() * interval / 4);
        net.maxDelay = maxDelay;
        net.minDelay = (long) (rnd.nextDouble() * maxDelay);
        long maxPreemptDelay = 0;
        boolean auth = !v3 && rnd.nextBoolean();
        List<String> description = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int priority = rnd.nextInt(20) == 0 ? 255 : 1 + rnd.nextInt(254);
            if (i > 0 && rnd.nextInt(4) == 0) {
                priority = net.routers.get(rnd.nextInt(i)).configs.getFirst().priority();
            }
            boolean preempt = rnd.nextInt(5) != 0;
            long preemptDelay = rnd.nextInt(4) == 0 ? (long) (rnd.nextDouble() * 3 * interval) : 0;
            maxPreemptDelay = Math.max(maxPreemptDelay, preemptDelay);
            InetAddress primary = ip(ipv6 ? "fe80::" + (0x11 + i) : "198.18.0." + (11 + i));
            VrrpInstanceConfig.Builder b = VrrpInstanceConfig.builder("VI_1").interfaceName(SimNetwork.IFACE)
                    .version(v3 ? 3 : 2).virtualRouterId(1 + seed % 255)
                    .advertInterval(Duration.ofMillis(10L * intervalCentis)).priority(priority).preempt(preempt)
                    .preemptDelay(Duration.ofNanos(preemptDelay)).lowerPrioNoAdvert(rnd.nextBoolean())
                    .sourceAddress(primary)
                    .virtualIpAddress(ip(ipv6 ? "2001:db8::10" : "198.18.0.10"));
            if (auth) {
                b.authPass("secret");
            }
            SimNetwork.Router router = net.router("r" + i, b.build());
            router.driftPpm = rnd.nextInt(2 * MAX_DRIFT_PPM + 1) - MAX_DRIFT_PPM;
            description.add("r" + i + " prio " + priority + (preempt ? "" : " nopreempt")
                    + (preemptDelay > 0 ? " delay " + preemptDelay / MS + "ms" : "") + " clock " + router.driftPpm + "ppm");
        }
        net.duplicate = rnd.nextDouble() * 0.2;
        net.reorder = rnd.nextDouble() * 0.2;
        net.reorderDelay = interval;
        for (SimNetwork.Router r : net.routers) {
            if (rnd.nextInt(5) != 0) {
                r.up();
            }
        }
        // Chaos: 30 intervals of random events.
        long chaosEnd = net.now() + 30 * interval;
        boolean[] splitBrain = {false};
        int events = 5 + rnd.nextInt(15);
        for (int e = 0; e < events; e++) {
            long at = net.now() + (long) (rnd.nextDouble() * 30 * interval);
            SimNetwork.Router r = net.routers.get(rnd.nextInt(n));
            SimNetwork.Router other = net.routers.get(rnd.nextInt(n));
            int kind = rnd.nextInt(9);
            int part = rnd.nextInt(2);
            double loss = rnd.nextDouble() * 0.5;
            String link = r.name + ">" + other.name;
            net.schedule(at, () -> {
                switch (kind) {
                    case 0 -> r.crash();
                    case 1 -> r.stop();
                    case 2, 3 -> {
                        if (!r.isUp()) {
                            r.up();
                        }
                    }
                    case 4 -> r.partition = part;
                    case 5 -> net.loss = loss;
                    case 6 -> net.cuts.add(link); // r's adverts no longer reach other, other's still reach r
                    case 7 -> net.cuts.remove(link);
                    default -> net.linkLoss.put(link, loss + 0.3);
                }
            });
        }
        net.runUntil(chaosEnd, () -> {
            if (net.masters("VI_1").size() > 1) {
                splitBrain[0] = true;
            }
        });
        // Heal: no loss, no partition, no cut link, no more router events; duplicates and
        // reordering (by up to one interval) go on.
        net.loss = 0;
        net.linkLoss.clear();
        net.cuts.clear();
        net.routers.forEach(r -> r.partition = 0);
        long heal = net.now();
        long masterDown = 4 * interval;
        long settled = heal + masterDown + maxPreemptDelay + 2 * interval + 3 * (maxDelay + net.reorderDelay);
        net.runUntil(settled, null);
        List<SimNetwork.Router> up = net.routers.stream().filter(SimNetwork.Router::isUp).toList();
        // The routers of the highest priority among those up: the master must be one of them if
        // one of them preempts (a tie goes to whichever got there first).
        int top = up.stream().mapToInt(r -> r.configs.getFirst().priority()).max().orElse(0);
        List<SimNetwork.Router> best = up.stream().filter(r -> r.configs.getFirst().priority() == top).toList();
        boolean topMustWin = top == 255 || best.stream().anyMatch(r -> r.configs.getFirst().preempt());
        String context = "; " + description + (v3 ? " v3 " + intervalCentis + "cs" : " v2") + (ipv6 ? " IPv6" : "");
        net.runUntil(settled + 20 * interval, () -> {
            List<SimNetwork.Router> masters = net.masters("VI_1");
            if (masters.size() > 1 || !up.isEmpty() && masters.isEmpty()) {
                fail("seed " + seed + " at +" + (net.now() - heal) / MS + " ms after heal: masters "
                        + masters.stream().map(m -> m.name).toList() + context);
            }
            if (topMustWin && !masters.isEmpty() && !best.contains(masters.getFirst())) {
                fail("seed " + seed + " at +" + (net.now() - heal) / MS + " ms after heal: master "
                        + masters.getFirst().name + ", not one of the highest priority " + top + ": "
                        + best.stream().map(m -> m.name).toList() + context);
            }
        });
        long owners = net.routers.stream().filter(r -> r.owned.contains("VI_1")).count();
        assertEquals(up.isEmpty() ? 0 : 1, owners, "seed " + seed + ": routers owning the VIP");
        int takeovers = (int) net.changes.stream().filter(c -> c.to() == VrrpState.MASTER).count();
        return new Result(splitBrain[0], takeovers, topMustWin && !up.isEmpty(), net.duplicated, net.ownerDiscards);
    }
}

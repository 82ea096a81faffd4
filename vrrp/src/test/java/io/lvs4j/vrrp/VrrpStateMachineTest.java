package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state machine alone, on a virtual clock, with its actions recorded. */
class VrrpStateMachineTest {

    private static final long MS = 1_000_000L;
    private static final byte[] LOWER = ip("198.18.0.5").getAddress();
    private static final byte[] HIGHER = ip("198.18.0.200").getAddress();

    private final VirtualClock clock = new VirtualClock();
    private final List<String> actions = new ArrayList<>();
    private final List<Integer> heardLower = new ArrayList<>();

    private VrrpStateMachine machine(int priority, Function<VrrpInstanceConfig.Builder, VrrpInstanceConfig.Builder> more) {
        VrrpInstanceConfig config = more.apply(VrrpInstanceConfig.builder("VI_1").interfaceName("eth0")
                .virtualRouterId(51)
                .priority(priority).sourceAddress(ip("198.18.0.100")).virtualIpAddress(ip("198.18.0.10"))).build();
        return new VrrpStateMachine(config, clock, new VrrpActions() {
            @Override
            public void sendAdvert(int p) {
                actions.add("advert " + p);
            }

            @Override
            public void takeOver() {
                actions.add("take");
            }

            @Override
            public void release() {
                actions.add("release");
            }

            @Override
            public void stateChanged(VrrpState from, VrrpState to, int p) {
                actions.add(from + "->" + to);
            }

            @Override
            public void heardLowerPriority() {
                heardLower.add(priority);
            }
        });
    }

    private void runTo(VrrpStateMachine m, long deadline) {
        while (m.nextDeadline() <= deadline) {
            clock.set(m.nextDeadline());
            m.tick();
        }
        clock.set(deadline);
    }

    private VrrpStateMachine master(int priority, Function<VrrpInstanceConfig.Builder, VrrpInstanceConfig.Builder> more) {
        VrrpStateMachine m = machine(priority, more);
        m.start();
        runTo(m, clock.nanoTime() + 5_000 * MS);
        assertEquals(VrrpState.MASTER, m.state());
        actions.clear();
        return m;
    }

    @Test
    void shouldStartAsBackupAndTakeOverAfterMasterDownInterval() {
        VrrpStateMachine m = machine(100, b -> b);
        long start = clock.nanoTime();
        m.start();
        assertEquals(List.of("INITIALIZE->BACKUP"), actions);
        assertEquals(3_609_375_000L, m.masterDownNanos(), "3 s + (256 - 100) / 256 s");
        runTo(m, start + 3_609_375_000L - 1);
        assertEquals(VrrpState.BACKUP, m.state());
        runTo(m, start + 3_609_375_000L);
        assertEquals(List.of("INITIALIZE->BACKUP", "advert 100", "take", "BACKUP->MASTER"), actions);
        runTo(m, start + 3_609_375_000L + 3_000 * MS);
        assertEquals(3, actions.stream().filter(a -> a.equals("advert 100")).count() - 1, "one advert a second");
    }

    @Test
    void shouldBecomeMasterAtOnceAsAddressOwner() {
        VrrpStateMachine m = machine(255, b -> b);
        m.start();
        assertEquals(List.of("advert 255", "take", "INITIALIZE->MASTER"), actions);
    }

    @Test
    void shouldAdoptTheMastersIntervalInV3() {
        VrrpStateMachine m = machine(100, b -> b.version(3));
        m.start();
        assertEquals(3_609_375_000L, m.masterDownNanos());
        m.advert(200, 10, HIGHER);
        assertEquals(10, m.masterAdvertIntervalCentis());
        // 3 * 100 ms + (256 - 100) * 100 ms / 256
        assertEquals(360_937_500L, m.masterDownNanos());
        long heard = clock.nanoTime();
        runTo(m, heard + 360_937_499L);
        assertEquals(VrrpState.BACKUP, m.state());
        runTo(m, heard + 360_937_500L);
        assertEquals(VrrpState.MASTER, m.state());
    }

    @Test
    void shouldKeepOwnIntervalInV2() {
        VrrpStateMachine m = machine(100, b -> b);
        m.start();
        m.advert(200, 300, HIGHER);
        assertEquals(3_609_375_000L, m.masterDownNanos());
    }

    @Test
    void shouldWaitOnlySkewTimeAfterPriorityZero() {
        VrrpStateMachine m = machine(90, b -> b);
        m.start();
        m.advert(100, 100, HIGHER);
        long stop = clock.nanoTime() + 500 * MS;
        clock.set(stop);
        m.advert(0, 100, HIGHER);
        runTo(m, stop + 648_437_499L);
        assertEquals(VrrpState.BACKUP, m.state());
        runTo(m, stop + 648_437_500L);
        assertEquals(VrrpState.MASTER, m.state(), "(256 - 90) / 256 s after the priority-0 advert");
    }

    @Test
    void shouldStepDownOnHigherPriorityAdvert() {
        VrrpStateMachine m = master(100, b -> b);
        m.advert(101, 100, LOWER);
        assertEquals(List.of("release", "MASTER->BACKUP"), actions);
        assertEquals(clock.nanoTime() + m.masterDownNanos(), m.nextDeadline());
    }

    @Test
    void shouldBreakEqualPriorityTieByPrimaryAddress() {
        VrrpStateMachine m = master(100, b -> b);
        m.advert(100, 100, LOWER);
        assertEquals(VrrpState.MASTER, m.state(), "a lower address loses the tie");
        assertEquals(List.of("advert 100"), actions, "and is answered at once, as keepalived does");
        m.advert(100, 100, HIGHER);
        assertEquals(VrrpState.BACKUP, m.state(), "a higher address wins it");
    }

    @Test
    void shouldAnswerLowerPriorityAdvertUnlessTold() {
        VrrpStateMachine m = master(100, b -> b);
        m.advert(50, 100, HIGHER);
        assertEquals(List.of("advert 100"), actions);
        actions.clear();
        VrrpStateMachine quiet = master(100, b -> b.lowerPrioNoAdvert(true));
        quiet.advert(50, 100, HIGHER);
        assertEquals(List.of(), actions);
        assertEquals(VrrpState.MASTER, quiet.state());
    }

    @Test
    void shouldTellItsHostOfEveryLowerPriorityAdvertWhileMaster() {
        VrrpStateMachine m = master(100, b -> b);
        m.advert(50, 100, HIGHER);
        m.advert(100, 100, LOWER);
        assertEquals(List.of(100, 100), heardLower, "a lower priority, and a tie lost by a lower address");
        m.advert(0, 100, HIGHER);
        assertEquals(2, heardLower.size(), "a leaving master's priority 0 is no lower-priority advert");
        VrrpStateMachine quiet = master(100, b -> b.lowerPrioNoAdvert(true));
        quiet.advert(50, 100, HIGHER);
        assertEquals(3, heardLower.size(), "lower_prio_no_advert sends no advert but still announces");
        m.advert(150, 100, HIGHER);
        assertEquals(3, heardLower.size(), "a higher priority is no lower-priority advert");
        VrrpStateMachine backup = machine(100, b -> b);
        backup.start();
        backup.advert(50, 100, HIGHER);
        assertEquals(3, heardLower.size(), "only a master announces again");
    }

    @Test
    void shouldAnswerPriorityZeroAtOnceWhileMaster() {
        VrrpStateMachine m = master(100, b -> b);
        clock.advanceMillis(300);
        m.advert(0, 100, HIGHER);
        assertEquals(List.of("advert 100"), actions);
        assertEquals(clock.nanoTime() + 1_000 * MS, m.nextDeadline(), "the advert timer restarts");
    }

    @Test
    void shouldIgnoreLowerPriorityMasterWhenPreempting() {
        VrrpStateMachine m = machine(100, b -> b);
        m.start();
        long start = clock.nanoTime();
        for (int i = 1; i <= 3; i++) {
            clock.set(start + i * 1_000 * MS);
            m.advert(50, 100, HIGHER);
        }
        assertEquals(start + 3_609_375_000L, m.nextDeadline(), "lower adverts did not reset the timer");
    }

    @Test
    void shouldFollowLowerPriorityMasterWithNopreempt() {
        VrrpStateMachine m = machine(100, b -> b.preempt(false));
        m.start();
        long start = clock.nanoTime();
        for (int i = 1; i <= 10; i++) {
            clock.set(start + i * 1_000 * MS);
            m.advert(50, 100, HIGHER);
            m.tick();
        }
        assertEquals(VrrpState.BACKUP, m.state());
    }

    @Test
    void shouldPreemptOnlyAfterPreemptDelay() {
        VrrpStateMachine m = machine(100, b -> b.preemptDelay(Duration.ofSeconds(10)));
        long start = clock.nanoTime();
        m.start();
        for (int i = 1; i <= 30 && m.state() == VrrpState.BACKUP; i++) {
            clock.set(start + i * 1_000 * MS);
            m.tick();
            if (m.state() == VrrpState.BACKUP) {
                m.advert(50, 100, HIGHER);
            }
        }
        assertEquals(VrrpState.MASTER, m.state());
        long took = actions.indexOf("BACKUP->MASTER") >= 0 ? clock.nanoTime() - start : -1;
        // The last lower advert accepted is the one at 9 s; the timer then runs 3.6 s.
        assertEquals(13_000 * MS, took, "preempted at the first tick after 9 s + 3.61 s");
    }

    @Test
    void shouldRestartPreemptDelayAtFirstLowerAdvertAfterFault() {
        VrrpStateMachine m = machine(100, b -> b.preemptDelay(Duration.ofSeconds(10)));
        m.start();
        clock.advanceMillis(60_000);
        m.fault(true);
        m.fault(false);
        long back = clock.nanoTime();
        for (int i = 1; i <= 30 && m.state() == VrrpState.BACKUP; i++) {
            clock.set(back + i * 1_000 * MS);
            m.tick();
            if (m.state() == VrrpState.BACKUP) {
                m.advert(50, 100, HIGHER);
            }
        }
        // Delay from the first lower advert (1 s) to 11 s; the last one accepted at 10 s.
        assertEquals(14_000 * MS, clock.nanoTime() - back);
        assertEquals(VrrpState.MASTER, m.state());
    }

    @Test
    void shouldSendPriorityZeroAndReleaseOnShutdown() {
        VrrpStateMachine m = master(100, b -> b);
        m.shutdown();
        assertEquals(List.of("advert 0", "release", "MASTER->INITIALIZE"), actions);
        assertEquals(Long.MAX_VALUE, m.nextDeadline());
    }

    @Test
    void shouldLeaveMasterForFaultAndComeBackAsBackup() {
        VrrpStateMachine m = master(100, b -> b);
        m.fault(true);
        assertEquals(List.of("advert 0", "release", "MASTER->FAULT"), actions);
        m.advert(50, 100, HIGHER);
        clock.advanceMillis(60_000);
        m.tick();
        assertEquals(VrrpState.FAULT, m.state(), "fault ignores adverts and timers");
        m.fault(false);
        assertEquals(VrrpState.BACKUP, m.state());
    }

    @Test
    void shouldLowerAdvertisedPriorityWhenTrackingChangesIt() {
        VrrpStateMachine m = master(100, b -> b);
        m.priority(80);
        clock.set(m.nextDeadline());
        m.tick();
        assertEquals(List.of("advert 80"), actions);
        m.advert(90, 100, LOWER);
        assertEquals(VrrpState.BACKUP, m.state());
        assertTrue(m.skewNanos() > 0);
    }
}

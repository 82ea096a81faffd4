package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaglevHashingSchedulerTest {

    private static final long HASH1 = 2654435761L;

    @Test
    void shouldComputeTheKernelsHsiphashTestVector() {
        // lib/test_siphash.c, 64-bit: hsiphash of bytes 00 01 02 03 under key 00..0f is 0x88d38328
        assertEquals(0x88d38328, IpvsHash.hsiphash(0x03020100, 0x0706050403020100L, 0x0f0e0d0c0b0a0908L));
    }

    @Test
    void shouldUseTheKernelsDefaultTableSizeAndRejectOthers() {
        assertEquals(4093, new MaglevHashingScheduler(SchedulerOptions.DEFAULTS).tableSize());
        assertEquals(65521, new MaglevHashingScheduler(SchedulerOptions.DEFAULTS.withTableSize(65521)).tableSize());
        assertThrows(IllegalArgumentException.class,
                () -> new MaglevHashingScheduler(SchedulerOptions.DEFAULTS.withTableSize(65537)));
    }

    private static Map<String, Integer> slots(MaglevHashingScheduler mh, Lab lab) {
        Map<String, Integer> count = new HashMap<>();
        for (Destination d : mh.lookupTable()) {
            count.merge(lab.name(d), 1, Integer::sum);
        }
        return count;
    }

    @Test
    void shouldGiveEachServerItsFirstPreferenceSlot() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.DEFAULTS);
        Lab lab = new Lab(mh);
        lab.add("A", 1).add("B", 1); // A = 10.0.0.1:80, B = 10.0.0.2:80; list B A, B takes first
        int offsetB = Integer.remainderUnsigned(IpvsHash.hsiphash(80 + 0x0A000002, HASH1, HASH1), 4093);
        int offsetA = Integer.remainderUnsigned(IpvsHash.hsiphash(80 + 0x0A000001, HASH1, HASH1), 4093);
        assertNotEquals(offsetA, offsetB);
        assertEquals("B", lab.name(mh.lookupTable()[offsetB]));
        assertEquals("A", lab.name(mh.lookupTable()[offsetA]));
        Map<String, Integer> count = slots(mh, lab);
        assertEquals(4093, count.get("A") + count.get("B"));
        assertTrue(Math.abs(count.get("A") - count.get("B")) <= 1, count.toString());
    }

    @Test
    void shouldLookFlowsUpAtTheirHashedSlot() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.DEFAULTS);
        Lab lab = new Lab(mh);
        lab.add("A", 1).add("B", 1).add("C", 1);
        for (int i = 1; i < 200; i++) {
            FlowKey flow = Lab.from("172.16.3." + i);
            int slot = Integer.remainderUnsigned(IpvsHash.hsiphash(0xAC100300 + i, HASH1, HASH1), 4093);
            assertSame(mh.lookupTable()[slot], mh.pick(flow));
        }
    }

    @Test
    void shouldShareSlotsByWeightOverGcd() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.DEFAULTS);
        Lab lab = new Lab(mh);
        lab.add("A", 40).add("B", 20);
        Map<String, Integer> count = slots(mh, lab);
        // turns 2 and 1: A takes two slots for each of B's
        assertTrue(Math.abs(count.get("A") - 2 * count.get("B")) <= 2, count.toString());
    }

    @Test
    void shouldKeepTheSlotsOfAQuiescedServerAndFailItsFlowsWithoutFallback() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.DEFAULTS);
        Lab lab = new Lab(mh);
        lab.add("A", 1).add("B", 1);
        Destination[] before = mh.lookupTable().clone();
        lab.edit("A", 0);
        for (int i = 0; i < before.length; i++) {
            assertEquals(lab.name(before[i]), lab.name(mh.lookupTable()[i]), "last_weight keeps slot " + i);
        }
        int failed = 0;
        for (int i = 1; i < 255; i++) {
            String got = lab.pick(Lab.from("172.16.4." + i));
            assertTrue(got.equals("B") || got.equals("-"));
            failed += got.equals("-") ? 1 : 0;
        }
        assertTrue(failed > 0);
    }

    @Test
    void shouldFallBackToAnotherServerWithMhFallback() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(
                SchedulerOptions.DEFAULTS.withFlags(Set.of(MaglevHashingScheduler.FALLBACK)));
        Lab lab = new Lab(mh);
        lab.add("A", 1).add("B", 1).add("C", 1).edit("A", 0).overload("C");
        for (int i = 1; i < 255; i++) {
            assertEquals("B", lab.pick(Lab.from("172.16.5." + i)));
        }
        lab.overload("B");
        assertEquals("-", lab.pick(Lab.from("172.16.5.1")));
    }

    @Test
    void shouldHashTheSourcePortWithMhPort() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(
                SchedulerOptions.DEFAULTS.withFlags(Set.of(MaglevHashingScheduler.PORT)));
        Lab lab = new Lab(mh);
        lab.add("A", 1).add("B", 1);
        FlowKey flow = Lab.from("10.9.8.7");
        int slot = Integer.remainderUnsigned(IpvsHash.hsiphash(40000 + 0x0A090807, HASH1, HASH1), 4093);
        assertNotNull(mh.pick(flow));
        assertSame(mh.lookupTable()[slot], mh.pick(flow));
    }

    @Test
    void shouldEmptyTheTableWhenEveryWeightIsZeroFromTheStart() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.DEFAULTS);
        Lab lab = new Lab(mh);
        lab.add("A", 0);
        assertEquals("-", lab.pick(Lab.from("10.0.0.9")));
        assertEquals(null, mh.lookupTable()[0]);
    }
}

package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.sched.SchedulerOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lc, wlc, sed, nq, fo and ovf: known answers from the rules of their IPVS modules. */
class LeastConnectionFamilyTest {

    @Test
    void lcShouldCountAnActiveConnectionAs256InactiveOnes() {
        Lab lab = new Lab(new LeastConnectionScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 1);
        lab.load("A", 1, 0).load("B", 0, 255);
        assertEquals("B", lab.pick(null), "255 < 256");
        lab.load("B", 0, 256);
        assertEquals("B", lab.pick(null), "a tie goes to the first in list order (B was added last)");
        lab.load("B", 0, 257);
        assertEquals("A", lab.pick(null));
    }

    @Test
    void lcShouldIgnoreWeightsButSkipQuiescedAndOverloadedServers() {
        Lab lab = new Lab(new LeastConnectionScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 100).add("C", 0);
        lab.load("A", 1, 0).load("B", 2, 0);
        assertEquals("A", lab.pick(null));
        lab.overload("A");
        assertEquals("B", lab.pick(null));
        lab.overload("B");
        assertEquals("-", lab.pick(null));
    }

    @Test
    void wlcShouldCompareOverheadPerWeightCrossMultiplied() {
        Lab lab = new Lab(new WeightedLeastConnectionScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 3);
        lab.load("A", 1, 0).load("B", 2, 0); // B: 512 * 1 vs A: 256 * 3
        assertEquals("B", lab.pick(null));
        lab.load("B", 3, 0); // 768 * 1 vs 256 * 3: a tie keeps B, the first candidate
        assertEquals("B", lab.pick(null));
        lab.load("B", 3, 1); // 769 * 1 > 256 * 3
        assertEquals("A", lab.pick(null));
    }

    @Test
    void wlcShouldStartFromTheFirstUsableServerAndSkipQuiescedOnes() {
        Lab lab = new Lab(new WeightedLeastConnectionScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 1).add("C", 0);
        lab.load("A", 5, 0).load("B", 9, 0);
        assertEquals("A", lab.pick(null), "C has no load but weight 0");
        lab.overload("A");
        assertEquals("B", lab.pick(null));
        lab.edit("B", 0);
        assertEquals("-", lab.pick(null));
    }

    @Test
    void sedShouldUseActiveConnectionsPlusOneOverWeight() {
        Lab lab = new Lab(new ShortestExpectedDelayScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 2);
        lab.load("A", 0, 1000).load("B", 1, 0); // B: (1+1)/2 = 1, A: (0+1)/1 = 1, tie keeps B
        assertEquals("B", lab.pick(null));
        lab.load("B", 2, 0); // B: 3/2 > A: 1
        assertEquals("A", lab.pick(null), "inactive connections do not count");
    }

    @Test
    void nqShouldSendToAnIdleServerFirst() {
        Lab lab = new Lab(new NeverQueueScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 100).add("C", 1);
        lab.load("C", 1, 0).load("B", 1, 0);
        assertEquals("A", lab.pick(null), "A is idle although B has far more weight");
        lab.load("A", 1, 0);
        assertEquals("B", lab.pick(null), "then as sed: B 2/100 is least");
        lab.edit("A", 0).load("A", 0, 0);
        assertEquals("B", lab.pick(null), "an idle quiesced server is skipped");
    }

    @Test
    void foShouldPickTheHighestWeightAndFirstInListOnATie() {
        Lab lab = new Lab(new WeightedFailoverScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 5).add("B", 10).add("C", 10).add("D", 0);
        lab.load("C", 1000, 0);
        assertEquals("C", lab.pick(null), "connections do not count; C precedes B in the list");
        lab.overload("C");
        assertEquals("B", lab.pick(null));
        lab.overload("B");
        assertEquals("A", lab.pick(null));
        lab.edit("A", 0);
        assertEquals("-", lab.pick(null));
    }

    @Test
    void ovfShouldOverflowWhenActiveConnectionsExceedTheWeight() {
        Lab lab = new Lab(new WeightedOverflowScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 2).add("B", 3);
        lab.load("B", 3, 50);
        assertEquals("B", lab.pick(null), "3 active does not exceed weight 3");
        lab.load("B", 4, 0);
        assertEquals("A", lab.pick(null));
        lab.load("A", 3, 0);
        assertEquals("-", lab.pick(null));
        assertEquals(List.of("-"), lab.picks(1));
    }
}

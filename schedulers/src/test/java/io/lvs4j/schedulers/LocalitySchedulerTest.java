package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.sched.SchedulerOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** lblc and lblcr on a virtual clock. */
class LocalitySchedulerTest {

    private final AtomicLong now = new AtomicLong(0);
    private final SchedulerOptions options = SchedulerOptions.DEFAULTS.withClock(now::get);

    private void at(long amount, TimeUnit unit) {
        now.set(unit.toNanos(amount));
    }

    @Test
    void lblcShouldStickToTheCachedServer() {
        Lab lab = new Lab(new LocalityBasedLeastConnectionScheduler(options));
        lab.add("A", 1).add("B", 4); // list B A
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")), "weighted least connection, B first");
        lab.load("B", 3, 0);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")), "cached, although A is now less loaded");
        assertEquals("A", lab.pick(Lab.to("10.1.0.2")), "a new address gets the least loaded");
    }

    @Test
    void lblcShouldReEvaluateWhenTheServerIsOverloadedAndAnotherIsBelowHalf() {
        Lab lab = new Lab(new LocalityBasedLeastConnectionScheduler(options));
        lab.add("A", 1).add("B", 4);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")));
        lab.load("B", 5, 0).load("A", 1, 0);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")), "B has 5 > 4 active, but A is not below half its weight");
        lab.load("A", 0, 0);
        assertEquals("A", lab.pick(Lab.to("10.1.0.1")), "A has 0 * 2 < 1: re-evaluate");
        lab.load("B", 0, 0).load("A", 1, 0);
        assertEquals("A", lab.pick(Lab.to("10.1.0.1")), "the new choice is cached although B is idle");
        lab.load("A", 2, 0);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")), "A has 2 > 1 active and B is below half");
    }

    @Test
    void lblcShouldReEvaluateWhenTheServerIsQuiescedOrRemoved() {
        Lab lab = new Lab(new LocalityBasedLeastConnectionScheduler(options));
        lab.add("A", 1).add("B", 1);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")));
        lab.edit("B", 0);
        assertEquals("A", lab.pick(Lab.to("10.1.0.1")));
        lab.edit("B", 1).remove("A");
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")));
    }

    @Test
    void lblcShouldExpireAnEntryUnusedForADayAtTheHalfHourlyFullCheck() {
        LocalityBasedLeastConnectionScheduler lblc = new LocalityBasedLeastConnectionScheduler(options);
        Lab lab = new Lab(lblc);
        lab.add("A", 1);
        at(1, TimeUnit.SECONDS);
        lab.pick(Lab.to("10.1.0.1"));
        at(24 * 60 + 29, TimeUnit.MINUTES); // the full check at 24:00 keeps it (unused 23:59:59)
        lab.pick(Lab.to("10.1.0.2"));
        assertEquals(2, lblc.cachedAddresses());
        at(24 * 60 + 30, TimeUnit.MINUTES); // the full check at 24:30 drops it
        lab.pick(Lab.to("10.1.0.2"));
        assertEquals(1, lblc.cachedAddresses());
    }

    @Test
    void lblcShouldKeepEntriesBetweenFullChecksWhileTheTableIsSmall() {
        LocalityBasedLeastConnectionScheduler lblc = new LocalityBasedLeastConnectionScheduler(options);
        Lab lab = new Lab(lblc);
        lab.add("A", 1);
        lab.pick(Lab.to("10.1.0.1"));
        at(25 * 60 + 10, TimeUnit.MINUTES); // 50 checks ran, one of them full at 24:30, but 10.1.0.1 ...
        lab.pick(Lab.to("10.1.0.2"));
        assertEquals(1, lblc.cachedAddresses(), "... was unused for a day at the 24:30 full check");
        at(25 * 60 + 40, TimeUnit.MINUTES);
        lab.pick(Lab.to("10.1.0.3"));
        assertEquals(2, lblc.cachedAddresses(), "no full check between 25:00 and 25:30");
    }

    @Test
    void lblcShouldDropEntriesUnusedForSixMinutesOnceTheTableIsOverfull() {
        LocalityBasedLeastConnectionScheduler lblc = new LocalityBasedLeastConnectionScheduler(options);
        Lab lab = new Lab(lblc);
        lab.add("A", 1);
        at(1, TimeUnit.SECONDS);
        for (int i = 0; i < 17_000; i++) {
            lab.pick(new io.lvs4j.core.sched.FlowKey().ipv4(6, 0x0C000001, 1000, 0x0A000000 + i, 80));
        }
        assertEquals(17_000, lblc.cachedAddresses());
        at(6, TimeUnit.MINUTES); // checks at 1..6 min find the table overfull but nothing unused 6 min
        lab.pick(new io.lvs4j.core.sched.FlowKey().ipv4(6, 0x0C000001, 1000, 0x0A000000, 80));
        assertEquals(17_000, lblc.cachedAddresses());
        at(7, TimeUnit.MINUTES); // the 7 min check drops (17000 - 16384) * 4 / 3 = 821, bucket by bucket
        lab.pick(new io.lvs4j.core.sched.FlowKey().ipv4(6, 0x0C000001, 1000, 0x0A000000, 80));
        int removed = 17_000 - lblc.cachedAddresses();
        assertTrue(removed >= 821 && removed < 821 + 60, "removed " + removed);
    }

    @Test
    void lblcrShouldAddAServerToTheSetWhenItsMemberIsOverloaded() {
        LocalityBasedLeastConnectionReplicationScheduler lblcr =
                new LocalityBasedLeastConnectionReplicationScheduler(options);
        Lab lab = new Lab(lblcr);
        lab.add("A", 1).add("B", 4);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")));
        assertEquals(1, lblcr.setSize(Lab.to("10.1.0.1")));
        lab.load("B", 5, 0);
        assertEquals("A", lab.pick(Lab.to("10.1.0.1")), "B overloaded, A below half: A joins the set");
        assertEquals(2, lblcr.setSize(Lab.to("10.1.0.1")));
        lab.load("A", 1, 0).load("B", 1, 0);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")), "least loaded member: B 256/4 < A 256/1");
    }

    @Test
    void lblcrShouldDropTheMostLoadedMemberOfASetUnchangedForADay() {
        LocalityBasedLeastConnectionReplicationScheduler lblcr =
                new LocalityBasedLeastConnectionReplicationScheduler(options);
        Lab lab = new Lab(lblcr);
        lab.add("A", 1).add("B", 4);
        lab.pick(Lab.to("10.1.0.1"));
        lab.load("B", 5, 0);
        at(10, TimeUnit.SECONDS);
        assertEquals("A", lab.pick(Lab.to("10.1.0.1")));
        lab.load("A", 1, 0).load("B", 2, 0);
        for (int hour = 1; hour <= 24; hour++) {
            at(hour, TimeUnit.HOURS);
            lab.pick(Lab.to("10.1.0.1"));
            assertEquals(2, lblcr.setSize(Lab.to("10.1.0.1")), "set changed at 0:00:10, kept at " + hour + " h");
        }
        at(24 * 3600 + 11, TimeUnit.SECONDS);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")));
        assertEquals(1, lblcr.setSize(Lab.to("10.1.0.1")), "A (256 per weight 1) is the most loaded and leaves");
    }

    @Test
    void lblcrShouldSkipMembersThatLeftTheService() {
        Lab lab = new Lab(new LocalityBasedLeastConnectionReplicationScheduler(options));
        lab.add("A", 1).add("B", 1);
        assertEquals("B", lab.pick(Lab.to("10.1.0.1")));
        lab.remove("B");
        assertEquals("A", lab.pick(Lab.to("10.1.0.1")));
        lab.remove("A");
        assertEquals("-", lab.pick(Lab.to("10.1.0.1")));
    }
}

package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * sh and dh against buckets worked out by hand from IPVS's rules: bucket =
 * {@code hash_32(key, 8) = (key * 0x61C88647) >>> 24}; 10.0.0.1 (0x0A000001) hashes to 39,
 * 192.168.1.77 to 144, 203.0.113.9 to 64, 2001:db8::1 (fold 0x20010DB9) to 63, and
 * 10.0.0.1 with source port 40000 to 203.
 */
class HashingSchedulerTest {

    private static SchedulerOptions flags(String... flags) {
        return SchedulerOptions.DEFAULTS.withFlags(Set.of(flags));
    }

    @Test
    void shouldHashKnownSourcesToIpvsBuckets() {
        assertEquals(39, IpvsHash.hash32(0x0A000001, 8));
        assertEquals(144, IpvsHash.hash32(0xC0A8014D, 8));
        assertEquals(0x20010DB9, IpvsHash.sourceFold(v6Flow()));
        assertEquals(63, IpvsHash.hash32(0x20010DB9, 8));
    }

    @Test
    void shShouldFillBucketsInListOrderByWeight() {
        Lab lab = new Lab(new SourceHashingScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 1); // list B A: even buckets B, odd A
        assertEquals("A", lab.pick(Lab.from("10.0.0.1")));
        assertEquals("B", lab.pick(Lab.from("192.168.1.77")));
        assertEquals("B", lab.pick(Lab.from("203.0.113.9")));
        assertEquals("A", lab.pick(v6Flow()));
        lab.edit("A", 2); // buckets B A A B A A ...: bucket % 3 == 0 is B
        assertEquals("B", lab.pick(Lab.from("10.0.0.1")));
        assertEquals("B", lab.pick(Lab.from("192.168.1.77")));
        assertEquals("A", lab.pick(Lab.from("203.0.113.9")), "bucket 64");
        assertEquals("B", lab.pick(v6Flow()));
    }

    @Test
    void shShouldHashTheSourcePortOnlyWithShPort() {
        Lab plain = new Lab(new SourceHashingScheduler(SchedulerOptions.DEFAULTS));
        Lab port = new Lab(new SourceHashingScheduler(flags(SourceHashingScheduler.PORT)));
        for (Lab lab : new Lab[] {plain, port}) {
            lab.add("A", 2).add("B", 1);
        }
        assertEquals("B", plain.pick(Lab.from("10.0.0.1")), "bucket 39");
        assertEquals("A", port.pick(Lab.from("10.0.0.1")), "bucket 203");
        FlowKey icmp = new FlowKey().of(1, Lab.ip("10.0.0.1"), 40000, Lab.ip("192.0.2.1"), 0);
        assertEquals("B", port.pick(icmp), "no port for a protocol without ports");
    }

    @Test
    void shShouldFailOnAnUnusableServerWithoutFallback() {
        Lab lab = new Lab(new SourceHashingScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 1).edit("A", 0);
        // weight 0 still owns one bucket in turn, so the table is unchanged
        assertEquals("-", lab.pick(Lab.from("10.0.0.1")));
        assertEquals("B", lab.pick(Lab.from("192.168.1.77")));
    }

    @Test
    void shShouldWalkIpvsFallbackProbes() {
        Lab lab = new Lab(new SourceHashingScheduler(flags(SourceHashingScheduler.FALLBACK)));
        lab.add("A", 1).add("B", 1).edit("A", 0);
        // bucket 39 holds A; the first probe is (39 + 39) & 255 = 78, held by B
        assertEquals("B", lab.pick(Lab.from("10.0.0.1")));
        lab.edit("A", 1).overload("B");
        // bucket 144 holds B; probes 288 & 255 = 32 (B), then 33 (A)
        assertEquals("A", lab.pick(Lab.from("192.168.1.77")));
        lab.edit("A", 0);
        assertEquals("-", lab.pick(Lab.from("192.168.1.77")));
    }

    @Test
    void shShouldReturnNoServerForAnEmptyService() {
        Lab lab = new Lab(new SourceHashingScheduler(flags(SourceHashingScheduler.FALLBACK)));
        assertEquals("-", lab.pick(Lab.from("10.0.0.1")));
    }

    @Test
    void dhShouldHashTheDestinationAndIgnoreWeights() {
        Lab lab = new Lab(new DestinationHashingScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 5).add("B", 1); // one bucket each in turn: even B, odd A
        assertEquals("A", lab.pick(Lab.to("10.0.0.1")));
        assertEquals("B", lab.pick(Lab.to("192.168.1.77")));
        assertEquals("B", lab.pick(Lab.to("203.0.113.9")));
        lab.overload("B");
        assertEquals("-", lab.pick(Lab.to("192.168.1.77")));
        lab.edit("A", 0);
        assertEquals("-", lab.pick(Lab.to("10.0.0.1")));
    }

    private static FlowKey v6Flow() {
        return new FlowKey().of(6, Lab.ip("2001:db8::1"), 40000, Lab.ip("2001:db8::ff"), 80);
    }
}

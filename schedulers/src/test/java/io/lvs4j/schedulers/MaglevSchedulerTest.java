package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.SchedulerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaglevSchedulerTest {

    private static List<String> route(Lab lab, int flows) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < flows; i++) {
            out.add(lab.pick(Lab.from("172.20." + (i / 200) + "." + (i % 200 + 1))));
        }
        return out;
    }

    @Test
    void shouldRouteFlowsAlikeOnTwoDirectorsWhateverTheOrderServersWereAddedIn() {
        SchedulerOptions small = SchedulerOptions.DEFAULTS.withTableSize(4093);
        Lab one = new Lab(new MaglevScheduler(small));
        Lab two = new Lab(new MaglevScheduler(small));
        one.add("A", 1, Lab.ip("10.0.0.1"), 80).add("B", 2, Lab.ip("10.0.0.2"), 80).add("C", 1, Lab.ip("10.0.0.3"), 80);
        two.add("C", 1, Lab.ip("10.0.0.3"), 80).add("A", 1, Lab.ip("10.0.0.1"), 80).add("B", 2, Lab.ip("10.0.0.2"), 80);
        assertEquals(route(one, 1000), route(two, 1000));
    }

    @Test
    void shouldUseTheDefaultPrimeAndRejectOtherSizes() {
        assertEquals(65537, new MaglevScheduler(SchedulerOptions.DEFAULTS).table().size());
        assertEquals(251, new MaglevScheduler(SchedulerOptions.DEFAULTS.withTableSize(251)).table().size());
        assertThrows(IllegalArgumentException.class,
                () -> new MaglevScheduler(SchedulerOptions.DEFAULTS.withTableSize(1000)));
        assertThrows(IllegalArgumentException.class,
                () -> new MaglevScheduler(SchedulerOptions.DEFAULTS.withFlags(Set.of("sh-port"))));
    }

    @Test
    void shouldSendNoFlowToAQuiescedServerAndFailFlowsOfAnOverloadedOne() {
        Lab lab = new Lab(new MaglevScheduler(SchedulerOptions.DEFAULTS));
        lab.add("A", 1).add("B", 1);
        List<String> before = route(lab, 500);
        lab.edit("A", 0);
        List<String> after = route(lab, 500);
        for (int i = 0; i < 500; i++) {
            assertEquals("B", after.get(i));
        }
        lab.edit("A", 1).overload("B");
        List<String> loaded = route(lab, 500);
        for (int i = 0; i < 500; i++) {
            assertEquals(before.get(i).equals("B") ? "-" : "A", loaded.get(i));
        }
    }

    @Test
    void shouldHashTheSourcePortOnlyWithMhPort() {
        Lab plain = new Lab(new MaglevScheduler(SchedulerOptions.DEFAULTS));
        Lab port = new Lab(new MaglevScheduler(SchedulerOptions.DEFAULTS.withFlags(Set.of(MaglevScheduler.PORT))));
        for (Lab lab : new Lab[] {plain, port}) {
            lab.add("A", 1).add("B", 1).add("C", 1).add("D", 1);
        }
        List<String> byPortPlain = new ArrayList<>();
        List<String> byPort = new ArrayList<>();
        for (int p = 1000; p < 1100; p++) {
            FlowKey flow = new FlowKey().of(6, Lab.ip("2001:db8::7"), p, Lab.ip("2001:db8::1"), 443);
            byPortPlain.add(plain.pick(flow));
            byPort.add(port.pick(flow));
        }
        assertEquals(1, byPortPlain.stream().distinct().count(), "one client, one server");
        assertNotEquals(1, byPort.stream().distinct().count(), "ports spread over servers");
    }

    @Test
    void shouldReturnNoServerForAnEmptyService() {
        Lab lab = new Lab(new MaglevScheduler(SchedulerOptions.DEFAULTS));
        assertEquals("-", lab.pick(Lab.from("10.0.0.1")));
    }
}

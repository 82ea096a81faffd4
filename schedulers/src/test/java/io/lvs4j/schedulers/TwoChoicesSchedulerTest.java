package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.sched.SchedulerOptions;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwoChoicesSchedulerTest {

    private static Lab lab(long seed) {
        return new Lab(new TwoChoicesScheduler(SchedulerOptions.DEFAULTS.withSeed(seed)));
    }

    @Test
    void shouldRepeatItsChoicesForTheSameSeed() {
        Lab one = lab(7).add("A", 1).add("B", 2).add("C", 3);
        Lab two = lab(7).add("A", 1).add("B", 2).add("C", 3);
        Lab other = lab(8).add("A", 1).add("B", 2).add("C", 3);
        List<String> picks = one.picks(200);
        assertEquals(picks, two.picks(200));
        assertNotEquals(picks, other.picks(200));
    }

    @Test
    void shouldNeverChooseQuiescedOrOverloadedServers() {
        Lab lab = lab(1).add("A", 0).add("B", 3).add("C", 3).overload("C");
        assertEquals(Collections.nCopies(100, "B"), lab.picks(100));
        lab.edit("B", 0);
        assertEquals(List.of("-"), lab.picks(1));
    }

    @Test
    void shouldPreferTheLessLoadedOfTwoDraws() {
        // Weights 1 and 1: draws are in [0, 2]; 0 and 1 land on B (first in the list), 2 on A.
        // The loaded server wins only if both draws land on it.
        Lab lab = lab(42).add("A", 1).add("B", 1).load("B", 10, 0);
        int b = Collections.frequency(lab.picks(9000), "B");
        assertTrue(Math.abs(b / 9000.0 - 4 / 9.0) < 0.02, "B, drawn with 2/3, is chosen with (2/3)^2: " + b);
        Lab other = lab(42).add("A", 1).add("B", 1).load("A", 10, 0);
        int a = Collections.frequency(other.picks(9000), "A");
        assertTrue(Math.abs(a / 9000.0 - 1 / 9.0) < 0.02, "A, drawn with 1/3, is chosen with (1/3)^2: " + a);
    }
}

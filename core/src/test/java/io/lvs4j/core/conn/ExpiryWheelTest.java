package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExpiryWheelTest {

    static final long TICK = 100;
    static final int STRIDE = 24;

    final Arena arena = Arena.ofConfined();
    final MemorySegment records = arena.allocate(64L * STRIDE, 8);
    final List<Integer> fired = new ArrayList<>();
    /** Timers the expiry keeps (re-arms for another {@link #rearm} instead of ending them). */
    final List<Integer> keep = new ArrayList<>();
    long rearm;
    ExpiryWheel wheel;

    ExpiryWheel wheel(int slots, long now) {
        wheel = new ExpiryWheel(records, STRIDE, TICK, slots, now, timer -> {
            fired.add(timer);
            if (keep.contains(timer)) {
                wheel.schedule(timer, now() + rearm);
                return false;
            }
            return true;
        });
        return wheel;
    }

    long clock;

    long now() {
        return clock;
    }

    int pollAt(long time) {
        clock = time;
        return wheel.poll(time);
    }

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void shouldExpireTimersAtTheirDeadlineNeverEarlierAndAtMostOneTickLate() {
        wheel(16, 0);
        wheel.schedule(1, 250);
        wheel.schedule(2, 300);
        wheel.schedule(3, 301);
        assertEquals(0, pollAt(249));
        assertEquals(List.of(), fired);
        assertEquals(2, pollAt(300), "250 and 300 fall in the tick that ends at 300");
        assertEquals(0, pollAt(300));
        assertEquals(0, pollAt(399), "301 is due at the end of the next tick");
        assertEquals(1, pollAt(400));
        assertEquals(List.of(1, 2, 3), fired.stream().sorted().toList());
    }

    @Test
    void shouldMoveATimerOnlyWhenItsDeadlineComesEarlier() {
        wheel(16, 0);
        wheel.schedule(7, 500);
        wheel.reschedule(7, 900);
        assertEquals(900, wheel.deadline(7));
        assertEquals(0, pollAt(800), "a later deadline holds when the old slot comes round");
        assertEquals(1, pollAt(900));
        wheel.schedule(8, 5_000);
        wheel.reschedule(8, 1_000);
        assertEquals(1, pollAt(1_000), "an earlier deadline moves the timer");
        assertEquals(List.of(7, 8), fired);
    }

    @Test
    void shouldKeepATimerMoreThanOneRevolutionAwayUntilItsDeadline() {
        wheel(4, 0); // one revolution is 400
        wheel.schedule(1, 1_050);
        for (long t = 100; t < 1_100; t += 100) {
            assertEquals(0, pollAt(t), "at " + t);
        }
        assertEquals(1, pollAt(1_100));
        wheel.schedule(2, 1_150);
        wheel.reschedule(2, 9_000);
        assertEquals(0, pollAt(8_990), "a long jump visits each slot once and re-links what is not due");
        assertEquals(1, pollAt(9_000));
    }

    @Test
    void shouldForgetACancelledTimerAndIgnoreASecondCancel() {
        wheel(16, 0);
        wheel.schedule(1, 200);
        wheel.schedule(2, 200);
        wheel.schedule(3, 200);
        wheel.cancel(2);
        wheel.cancel(2);
        assertEquals(2, pollAt(300));
        assertEquals(List.of(1, 3), fired.stream().sorted().toList());
        wheel.cancel(1);
        assertEquals(0, pollAt(1_000));
    }

    @Test
    void shouldLetTheExpiryReArmATimerWithoutCountingIt() {
        wheel(16, 0);
        keep.add(4);
        rearm = 500;
        wheel.schedule(4, 100);
        assertEquals(0, pollAt(100));
        assertEquals(600, wheel.deadline(4));
        keep.clear();
        assertEquals(1, pollAt(600));
        assertEquals(List.of(4, 4), fired);
    }

    @Test
    void shouldExpireADeadlineAlreadyPastAtTheNextPollNotARevolutionLater() {
        wheel(16, 1_000);
        pollAt(1_050);
        wheel.schedule(5, 900);
        assertEquals(1, pollAt(1_100));
        assertEquals(List.of(5), fired);
    }

    @Test
    void shouldAgreeWithASortedReferenceThroughRandomSchedules() {
        wheel(8, 0);
        Random random = new Random(3);
        TreeMap<Integer, Long> live = new TreeMap<>();
        long now = 0;
        for (int round = 0; round < 5_000; round++) {
            int timer = random.nextInt(64);
            long deadline = now + 1 + random.nextInt(3_000);
            if (live.containsKey(timer)) {
                if (random.nextBoolean()) {
                    wheel.reschedule(timer, deadline);
                    live.put(timer, deadline);
                } else {
                    wheel.cancel(timer);
                    live.remove(timer);
                }
            } else {
                wheel.schedule(timer, deadline);
                live.put(timer, deadline);
            }
            now += random.nextInt(150);
            fired.clear();
            int removed = pollAt(now);
            // Due at the end of the last whole tick: must have fired. Due by now: may have (a timer whose
            // deadline moved on is checked against now when its old slot comes round). Not due: never.
            long tickEnd = Math.floorDiv(now, TICK) * TICK;
            for (Map.Entry<Integer, Long> t : live.entrySet()) {
                boolean wasFired = fired.contains(t.getKey());
                if (t.getValue() <= tickEnd) {
                    assertTrue(wasFired, "round " + round + ": timer " + t.getKey() + " is late");
                } else if (t.getValue() > now) {
                    assertFalse(wasFired, "round " + round + ": timer " + t.getKey() + " is early");
                }
            }
            assertEquals(fired.size(), removed);
            fired.forEach(live::remove);
        }
    }

    @Test
    void shouldRefuseASlotCountThatIsNotAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> wheel(12, 0));
    }
}

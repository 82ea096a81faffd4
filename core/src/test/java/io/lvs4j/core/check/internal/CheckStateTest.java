package io.lvs4j.core.check.internal;

import static io.lvs4j.core.check.internal.CheckState.Step.RETRY;
import static io.lvs4j.core.check.internal.CheckState.Step.UNCHANGED;
import static io.lvs4j.core.check.internal.CheckState.Step.WENT_DOWN;
import static io.lvs4j.core.check.internal.CheckState.Step.WENT_UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CheckStateTest {

    @Test
    void shouldRetryAFailedAttemptBeforeTheRoundFailsAsKeepalivedDoes() {
        CheckState s = new CheckState(2, 1, 1, true);
        assertEquals(RETRY, s.onAttempt(false));
        assertEquals(RETRY, s.onAttempt(false));
        assertEquals(WENT_DOWN, s.onAttempt(false));
        assertFalse(s.up());
    }

    @Test
    void shouldForgetRetriesAfterASuccess() {
        CheckState s = new CheckState(1, 1, 1, true);
        assertEquals(RETRY, s.onAttempt(false));
        assertEquals(UNCHANGED, s.onAttempt(true));
        assertEquals(RETRY, s.onAttempt(false));
        assertTrue(s.up());
    }

    @Test
    void shouldNotRetryWhileDown() {
        CheckState s = new CheckState(3, 2, 1, false);
        assertEquals(UNCHANGED, s.onAttempt(false));
        assertEquals(UNCHANGED, s.onAttempt(false));
        assertFalse(s.up());
    }

    @Test
    void shouldStartDownInAlphaModeAndNeedRiseSuccesses() {
        CheckState s = new CheckState(0, 3, 1, false);
        assertEquals(UNCHANGED, s.onAttempt(true));
        assertEquals(UNCHANGED, s.onAttempt(true));
        assertEquals(WENT_UP, s.onAttempt(true));
        assertTrue(s.up());
    }

    @Test
    void shouldRestartTheRiseCountAfterAFailure() {
        CheckState s = new CheckState(0, 2, 1, false);
        assertEquals(UNCHANGED, s.onAttempt(true));
        assertEquals(UNCHANGED, s.onAttempt(false));
        assertEquals(UNCHANGED, s.onAttempt(true));
        assertEquals(WENT_UP, s.onAttempt(true));
    }

    @Test
    void shouldGoDownOnlyAfterFallFailedRoundsInARow() {
        CheckState s = new CheckState(0, 1, 3, true);
        assertEquals(UNCHANGED, s.onAttempt(false));
        assertEquals(UNCHANGED, s.onAttempt(false));
        assertEquals(WENT_DOWN, s.onAttempt(false));
    }

    @Test
    void shouldNeverFlapWhenOneRoundInThreeFailsWithFallTwo() {
        CheckState s = new CheckState(0, 2, 2, true);
        List<CheckState.Step> changes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            CheckState.Step step = s.onAttempt(i % 3 != 2);
            if (step == WENT_DOWN || step == WENT_UP) {
                changes.add(step);
            }
        }
        assertEquals(List.of(), changes);
        assertTrue(s.up());
    }

    @Test
    void shouldFlapWithKeepalivedsRiseAndFallOfOneUnderTheSameFailures() {
        CheckState s = new CheckState(0, 1, 1, true);
        int changes = 0;
        for (int i = 0; i < 30; i++) {
            CheckState.Step step = s.onAttempt(i % 3 != 2);
            if (step == WENT_DOWN || step == WENT_UP) {
                changes++;
            }
        }
        assertEquals(19, changes); // 10 downs, each but the last followed by an up
    }

    @Test
    void shouldFollowALongRunOfOutcomesLikeAReferenceCounter() {
        SplittableRandom random = new SplittableRandom(42);
        CheckState s = new CheckState(0, 3, 2, true);
        boolean up = true;
        int streak = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean ok = random.nextInt(4) != 0;
            if (ok == up) {
                streak = 0;
            } else if (++streak >= (up ? 2 : 3)) {
                up = !up;
                streak = 0;
            }
            s.onAttempt(ok);
            assertEquals(up, s.up(), "after outcome " + i);
        }
    }
}

package io.lvs4j.core.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MiscCheckTest {

    @Test
    void shouldMapExitCodesAsKeepalivedsMiscDynamic() {
        assertEquals(CheckResult.success(), MiscCheck.resultOf(0, true));
        assertFalse(MiscCheck.resultOf(1, true).up());
        assertEquals(0, MiscCheck.resultOf(2, true).weight());
        assertEquals(253, MiscCheck.resultOf(255, true).weight());
        assertTrue(MiscCheck.resultOf(42, true).up());
    }

    @Test
    void shouldTreatEveryNonZeroExitAsFailureWithoutMiscDynamic() {
        assertFalse(MiscCheck.resultOf(2, false).up());
        assertFalse(MiscCheck.resultOf(255, false).up());
    }

    @Test
    void shouldDefaultTheTimeoutToTheDelayLoop() {
        CheckTiming t = CheckTiming.keepalivedDefaults(Duration.ofSeconds(7));
        assertEquals(Duration.ofSeconds(7), MiscCheck.of("/bin/true", null, false).timeout(t));
        assertEquals(Duration.ofSeconds(2), MiscCheck.of("/bin/true", Duration.ofSeconds(2), false).timeout(t));
    }
}

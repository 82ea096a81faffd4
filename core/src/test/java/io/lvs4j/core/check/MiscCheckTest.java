package io.lvs4j.core.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.config.MiscCheckConfig;
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
    void shouldBoundAnAttemptByMiscTimeoutNotConnectTimeout() {
        MiscCheckConfig c = MiscCheckConfig.of("/bin/true");
        MiscCheckConfig twoSeconds = new MiscCheckConfig(c.timing(), c.script(), Duration.ofSeconds(2), false);
        assertEquals(c.timing().delayLoop(), new MiscCheck(c).timeout(c.timing()));
        assertEquals(Duration.ofSeconds(2), new MiscCheck(twoSeconds).timeout(c.timing()));
    }
}

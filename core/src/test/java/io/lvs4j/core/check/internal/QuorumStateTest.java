package io.lvs4j.core.check.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuorumStateTest {

    @Test
    void shouldStartUpOnlyAboveQuorumPlusHysteresis() {
        assertTrue(new QuorumState(3, 1, 4).up());
        assertFalse(new QuorumState(3, 1, 3).up());
    }

    @Test
    void shouldHoldBetweenTheThresholds() {
        QuorumState q = new QuorumState(3, 1, 4);
        assertFalse(q.update(3));
        assertFalse(q.update(2));
        assertTrue(q.up());
        assertTrue(q.update(1));
        assertFalse(q.up());
        assertFalse(q.update(2));
        assertFalse(q.update(3));
        assertFalse(q.up());
        assertTrue(q.update(4));
        assertTrue(q.up());
    }

    @Test
    void shouldLoseQuorumWhenNoWeightIsLeftEvenWithALargeHysteresis() {
        QuorumState q = new QuorumState(1, 5, 6);
        assertTrue(q.update(0));
        assertFalse(q.up());
    }

    @Test
    void shouldUseNewThresholdsAfterAReconfiguration() {
        QuorumState q = new QuorumState(2, 0, 2);
        q.configure(5, 0);
        assertTrue(q.up());
        assertTrue(q.update(4));
        assertFalse(q.up());
    }
}

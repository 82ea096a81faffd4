package io.lvs4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionCountersTest {

    @Test
    void shouldCountActiveAndInactiveConnectionsSeparately() {
        ConnectionCounters c = new ConnectionCounters();
        c.bindConnection(false);
        c.bindConnection(true);
        c.bindConnection(true);
        assertEquals(1, c.activeConnections());
        assertEquals(2, c.inactiveConnections());
        c.activate();
        assertEquals(2, c.activeConnections());
        assertEquals(1, c.inactiveConnections());
        c.deactivate();
        c.unbindConnection(true);
        assertEquals(1, c.activeConnections());
        assertEquals(1, c.inactiveConnections());
        assertEquals(2, c.totalConnections());
    }

    @Test
    void shouldSetOverloadAtUpperThresholdAndClearBelowThreeQuarters() {
        ConnectionCounters c = new ConnectionCounters();
        c.thresholds(4, 0);
        for (int i = 0; i < 3; i++) {
            c.bindConnection(false);
        }
        assertFalse(c.overloaded());
        c.bindConnection(false);
        assertTrue(c.overloaded(), "4 connections reach the upper threshold 4");
        c.unbindConnection(false);
        assertTrue(c.overloaded(), "3 * 4 is not below 4 * 3");
        c.unbindConnection(false);
        assertFalse(c.overloaded(), "2 * 4 < 4 * 3 clears the flag");
    }

    @Test
    void shouldClearOverloadOnlyBelowTheLowerThresholdWhenOneIsSet() {
        ConnectionCounters c = new ConnectionCounters();
        c.thresholds(4, 2);
        for (int i = 0; i < 4; i++) {
            c.bindConnection(true);
        }
        assertTrue(c.overloaded());
        c.unbindConnection(true);
        c.unbindConnection(true);
        assertTrue(c.overloaded(), "2 connections are not below the lower threshold 2");
        c.unbindConnection(true);
        assertFalse(c.overloaded());
    }

    @Test
    void shouldNotCountTemplatesTowardsTheThresholds() {
        ConnectionCounters c = new ConnectionCounters();
        c.thresholds(1, 0);
        c.bindTemplate();
        assertEquals(1, c.persistentConnections());
        assertFalse(c.overloaded());
        c.unbindTemplate();
        assertEquals(0, c.persistentConnections());
    }

    @Test
    void shouldTellObserversOfEveryChangeAfterTheNewValuesAreVisible() {
        ConnectionCounters c = new ConnectionCounters();
        c.thresholds(1, 0);
        java.util.List<String> seen = new java.util.ArrayList<>();
        ConnectionCounters.Observer observer = () -> seen.add(c.activeConnections() + "/" + c.inactiveConnections() + "/"
                + c.persistentConnections() + (c.overloaded() ? " over" : ""));
        c.observe(observer);
        c.bindConnection(true);
        c.activate();
        c.deactivate();
        c.unbindConnection(true);
        c.bindTemplate();
        c.unbindTemplate();
        assertEquals(java.util.List.of("0/1/0 over", "1/0/0 over", "0/1/0 over", "0/0/0", "0/0/1", "0/0/0"), seen);
        c.unobserve(observer);
        c.bindConnection(false);
        assertEquals(6, seen.size(), "no longer told once removed");
    }

    @Test
    void shouldTellEachObserverOnceAndRemoveOnlyTheOneAsked() {
        ConnectionCounters c = new ConnectionCounters();
        int[] told = new int[2];
        ConnectionCounters.Observer first = () -> told[0]++;
        ConnectionCounters.Observer second = () -> told[1]++;
        c.observe(first);
        c.observe(second);
        c.bindConnection(false);
        c.unobserve(first);
        c.unobserve(first);
        c.unbindConnection(false);
        assertEquals(1, told[0]);
        assertEquals(2, told[1]);
    }
}

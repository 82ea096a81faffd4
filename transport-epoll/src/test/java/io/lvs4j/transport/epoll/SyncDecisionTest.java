package io.lvs4j.transport.epoll;

import io.lvs4j.core.sync.SyncStates;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IPVS's rule of when a master syncs a connection, on a virtual clock. */
class SyncDecisionTest {

    private static final long S = 1_000_000_000L;
    private static final int TCP = SyncStates.PROTOCOL_TCP;
    private static final int UDP = SyncStates.PROTOCOL_UDP;
    private static final int EST = SyncStates.TCP_ESTABLISHED;

    private final SyncDecision decision = new SyncDecision(8, SyncTuning.DEFAULTS);

    /** @return the packet numbers (from 1) after which the connection is synced */
    private List<Integer> syncedPackets(int entry, int protocol, int state, int packets) {
        List<Integer> synced = new ArrayList<>();
        for (int p = 1; p <= packets; p++) {
            if (decision.onPacket(entry, protocol, false, state, 900 * S, p * S)) {
                synced.add(p);
            }
        }
        return synced;
    }

    @Test
    void shouldSyncAnEstablishedConnectionAtTheThirdPacketThenEveryFiftieth() {
        assertEquals(List.of(3, 53, 103), syncedPackets(0, TCP, EST, 120));
        assertEquals(List.of(3, 53), syncedPackets(1, UDP, SyncStates.UDP_NORMAL, 60), "UDP alike");
    }

    @Test
    void shouldNeverSyncATcpConnectionThatIsStillOpening() {
        assertEquals(List.of(), syncedPackets(0, TCP, SyncStates.TCP_SYN_RECV, 60));
    }

    @Test
    void shouldSyncAChangeIntoAClosingStateAtOnceButNotTheSameStateTwice() {
        decision.onPacket(0, TCP, false, SyncStates.TCP_SYN_RECV, 60 * S, S);
        assertFalse(decision.onPacket(0, TCP, false, EST, 900 * S, 2 * S), "into ESTABLISHED waits for packet 3");
        assertTrue(decision.onPacket(0, TCP, false, EST, 900 * S, 3 * S));
        assertTrue(decision.onPacket(0, TCP, false, SyncStates.TCP_FIN_WAIT, 120 * S, 4 * S), "FIN_WAIT at once");
        assertFalse(decision.onPacket(0, TCP, false, SyncStates.TCP_FIN_WAIT, 120 * S, 5 * S));
        assertTrue(decision.onPacket(0, TCP, false, SyncStates.TCP_TIME_WAIT, 120 * S, 6 * S), "TIME_WAIT at once");
    }

    @Test
    void shouldSyncATemplateEveryTimeAConnectionItControlsIs() {
        for (int i = 1; i <= 5; i++) {
            assertTrue(decision.onPacket(7, TCP, true, SyncStates.TEMPLATE_NONE, 300 * S, i * S));
        }
    }

    @Test
    void shouldCountAnInstalledEntryAsIpvsBackupDoesAndStartANewOneAfresh() {
        decision.installed(2, EST);
        List<Integer> synced = syncedPackets(2, TCP, EST, 60);
        assertEquals(List.of(50), synced, "in_pkts starts at the threshold: 50 packets to the next sync");
        decision.reset(2);
        assertEquals(List.of(3), syncedPackets(2, TCP, EST, 10), "a new connection with the same number");
    }

    @Test
    void shouldHoldBackARefreshWithinTheRefreshPeriodAndRetryAsConfigured() {
        SyncDecision refresh = new SyncDecision(4, new SyncTuning(3, 0, 20, 1, 0, 1));
        assertTrue(refresh.onPacket(0, UDP, false, 0, 300 * S, 0), "the first packet: nothing synced yet");
        assertFalse(refresh.onPacket(0, UDP, false, 0, 300 * S, S), "within an eighth of the period");
        assertTrue(refresh.onPacket(0, UDP, false, 0, 300 * S, 3 * S), "the one retry, after an eighth");
        assertFalse(refresh.onPacket(0, UDP, false, 0, 300 * S, 5 * S), "no retry left");
        assertTrue(refresh.onPacket(0, UDP, false, 0, 300 * S, 30 * S), "the refresh period has passed");
    }
}

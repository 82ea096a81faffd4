package io.lvs4j.transport.epoll;

import io.lvs4j.core.sync.SyncStates;

/**
 * Whether a master syncs a connection after one of its incoming packets: IPVS's
 * {@code ip_vs_sync_conn_needed} (Linux {@code net/netfilter/ipvs/ip_vs_core.c}). A TCP
 * connection is synced only in ESTABLISHED, FIN_WAIT, CLOSE, CLOSE_WAIT or TIME_WAIT; a change
 * into one of these other than ESTABLISHED is synced at once; otherwise a connection is synced
 * when its incoming packet count modulo {@code sync_period} equals {@code sync_threshold} (3, 53,
 * 103, ... by default), a template every time a connection it controls is. With
 * {@code sync_refresh_period}, a connection is not synced again before that period (or half its
 * timeout) has passed since the last sync, but for {@code sync_retries} retries spaced by an
 * eighth of the period.
 *
 * <p>What IPVS keeps in {@code struct ip_vs_conn} ({@code in_pkts}, {@code old_state},
 * {@code sync_endtime}) lives here in arrays indexed by entry number, so the connection table's
 * records stay as they are; {@link #reset} starts an entry afresh when the table hands its number
 * to a new connection. Not thread-safe: its loop only; allocation-free after construction.
 */
final class SyncDecision {

    private static final long SECOND = 1_000_000_000L;
    private static final int SYNCED_TCP_STATES = 1 << SyncStates.TCP_ESTABLISHED | 1 << SyncStates.TCP_FIN_WAIT
            | 1 << SyncStates.TCP_CLOSE | 1 << SyncStates.TCP_CLOSE_WAIT | 1 << SyncStates.TCP_TIME_WAIT;

    private final SyncTuning tuning;
    private final int[] packets;
    private final byte[] oldState;
    /** With a refresh period: when the last sync's timeout ends, and the retries since. */
    private final long[] syncEnd;
    private final byte[] retries;

    /**
     * @param capacity the connection table's capacity
     * @param tuning the sysctls
     */
    SyncDecision(int capacity, SyncTuning tuning) {
        this.tuning = tuning;
        this.packets = new int[capacity];
        this.oldState = new byte[capacity];
        boolean refresh = tuning.refreshPeriodSeconds() > 0;
        this.syncEnd = new long[refresh ? capacity : 0];
        this.retries = new byte[refresh ? capacity : 0];
    }

    /** Starts an entry afresh: a new connection (or template) took its number. */
    void reset(int entry) {
        packets[entry] = 0;
        oldState[entry] = 0;
        if (syncEnd.length > 0) {
            syncEnd[entry] = 0;
            retries[entry] = 0;
        }
    }

    /**
     * Marks an entry a peer synced: counted as IPVS's backup does ({@code in_pkts} set to the
     * threshold), so that as master it syncs the entry again after {@code sync_period} packets or
     * at its next state change.
     */
    void installed(int entry, int state) {
        reset(entry);
        packets[entry] = tuning.threshold();
        oldState[entry] = (byte) state;
    }

    /**
     * Counts an incoming packet of an entry and tells whether to sync it now.
     *
     * @param entry the entry
     * @param protocol its IP protocol
     * @param template whether it is a template (counted as a connection it controls was synced)
     * @param state its state after the packet (IPVS's numbering)
     * @param timeoutNanos its timeout in its state
     * @param now the loop's clock
     * @return true to send its record
     */
    boolean onPacket(int entry, int protocol, boolean template, int state, long timeoutNanos, long now) {
        int pkts = ++packets[entry];
        long end = now + timeoutNanos;
        int nextRetries = 0;
        boolean tcp = protocol == SyncStates.PROTOCOL_TCP;
        if (!template && tcp) {
            if ((1 << state & SYNCED_TCP_STATES) == 0) {
                return false;
            }
            if (state != oldState[entry] && state != SyncStates.TCP_ESTABLISHED) {
                return set(entry, state, end, 0);
            }
        }
        long refresh = tuning.refreshPeriodSeconds() * SECOND;
        if (refresh > 0) {
            long orig = syncEnd[entry];
            long minDiff = Math.max(timeoutNanos >> 1, 10 * SECOND);
            if (Math.abs(end - orig) < Math.min(refresh, minDiff)) {
                int r = retries[entry];
                if (r >= tuning.retries() || now < orig - timeoutNanos + (refresh >> 3)) {
                    return false;
                }
                nextRetries = r + 1;
            }
        }
        int period = tuning.period();
        if (period > 0) {
            if (!template && pkts % period != tuning.threshold()) {
                return false;
            }
        } else if (refresh == 0 && pkts != tuning.threshold()) {
            return false;
        }
        return set(entry, state, end, nextRetries);
    }

    private boolean set(int entry, int state, long end, int nextRetries) {
        oldState[entry] = (byte) state;
        if (syncEnd.length > 0) {
            syncEnd[entry] = end;
            retries[entry] = (byte) nextRetries;
        }
        return true;
    }
}

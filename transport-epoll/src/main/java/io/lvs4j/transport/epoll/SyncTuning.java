package io.lvs4j.transport.epoll;

import io.lvs4j.core.sync.SyncSysctls;

/**
 * When a master syncs a connection, IPVS's sysctls ({@code sync_threshold}, {@code sync_period},
 * {@code sync_refresh_period}, {@code sync_retries}), and lvs4j's table sweep: every
 * {@code sweepIntervalNanos} a master starts re-sending its whole table, at most
 * {@code sweepRecordsPerTick} records per loop and 100 ms tick, so that a director that comes
 * back (and so has an empty table) learns every connection, idle ones included, before it
 * preempts (IPVS has no such sweep; a kernel backup takes the records as updates).
 *
 * @param threshold packets before a connection is first synced ({@code sync_threshold}), 3
 * @param period packets between syncs ({@code sync_period}), 50; 0 syncs once
 * @param refreshPeriodSeconds {@code sync_refresh_period}, 0 (off)
 * @param retries {@code sync_retries}, 0 to 3, 0
 * @param sweepIntervalNanos time between the starts of two sweeps, 0 for no sweep
 * @param sweepRecordsPerTick records a loop sends per tick while it sweeps
 */
record SyncTuning(int threshold, int period, int refreshPeriodSeconds, int retries, long sweepIntervalNanos,
        int sweepRecordsPerTick) {

    /** IPVS's defaults, with a sweep every 3 seconds of at most 256 records per loop and tick. */
    static final SyncTuning DEFAULTS = new SyncTuning(SyncSysctls.SYNC_THRESHOLD, SyncSysctls.SYNC_PERIOD,
            SyncSysctls.SYNC_REFRESH_PERIOD_SECONDS, SyncSysctls.SYNC_RETRIES, 3_000_000_000L, 256);

    SyncTuning {
        if (!SyncSysctls.validThreshold(threshold, period)) {
            throw new IllegalArgumentException("sync_threshold " + threshold + " " + period);
        }
        if (refreshPeriodSeconds < 0 || retries < 0 || retries > SyncSysctls.SYNC_RETRIES_MAX) {
            throw new IllegalArgumentException("sync_refresh_period " + refreshPeriodSeconds + ", sync_retries "
                    + retries);
        }
        if (sweepIntervalNanos < 0 || sweepRecordsPerTick < 1) {
            throw new IllegalArgumentException("sweep every " + sweepIntervalNanos + " ns, " + sweepRecordsPerTick
                    + " records per tick");
        }
    }
}

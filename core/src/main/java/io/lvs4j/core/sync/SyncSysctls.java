package io.lvs4j.core.sync;

/**
 * The defaults of the kernel's sync sysctls ({@code /proc/sys/net/ipv4/vs/*}), as Linux
 * {@code Documentation/networking/ipvs-sysctl.rst} documents them and
 * {@code ip_vs_ctl.c} sets them, so that an lvs4j director sends as often as a kernel one.
 *
 * <p>When a connection is synced: for TCP only in ESTABLISHED, FIN_WAIT, CLOSE, CLOSE_WAIT and
 * TIME_WAIT; on a state change (other than into ESTABLISHED) at once; otherwise when its
 * incoming packet count modulo {@code sync_period} equals {@code sync_threshold}; with
 * {@code sync_refresh_period} set, not before that many seconds (or half the timeout) have passed
 * since the last sync, with {@code sync_retries} retries every eighth of the period.
 */
public final class SyncSysctls {

    /** {@code sync_threshold} (first value): packets before a connection is first synced. */
    public static final int SYNC_THRESHOLD = 3;
    /** {@code sync_threshold} (second value, {@code sync_period}): packets between syncs; 0 syncs once. */
    public static final int SYNC_PERIOD = 50;
    /** {@code sync_refresh_period}, in seconds: 0 turns the refresh rule off. */
    public static final int SYNC_REFRESH_PERIOD_SECONDS = 0;
    /** {@code sync_retries}: retries of a refresh, every {@code sync_refresh_period/8}. */
    public static final int SYNC_RETRIES = 0;
    /** Largest {@code sync_retries}. */
    public static final int SYNC_RETRIES_MAX = 3;
    /**
     * {@code sync_qlen_max} of a kernel built without sysctls; with them the default is a 32nd
     * of the free buffer pages ({@link #syncQlenMax(long)}). Counts datagrams queued unsent.
     */
    public static final int SYNC_QLEN_MAX_WITHOUT_SYSCTL = 32;
    /** {@code sync_sock_size}: send (master) or receive (backup) buffer; 0 keeps the system's. */
    public static final int SYNC_SOCK_SIZE = 0;
    /** {@code sync_ports}: sync threads, each on its own port from {@link SyncDefaults#PORT}. */
    public static final int SYNC_PORTS = 1;
    /** Largest {@code sync_ports} ({@code IPVS_SYNC_PORTS_MAX}); the value is a power of two. */
    public static final int SYNC_PORTS_MAX = 64;
    /** {@code sync_version}: the protocol version sent. */
    public static final int SYNC_VERSION = 1;
    /** {@code sync_persist_mode}: 0 syncs every connection, 1 only templates of persistent services. */
    public static final int SYNC_PERSIST_MODE = 0;
    /** A datagram is sent at most this long after its first record ({@code IPVS_SYNC_FLUSH_TIME}). */
    public static final long FLUSH_TIME_MILLIS = 2000;
    /** Delay of the master's wake-up after the first queued datagram ({@code IPVS_SYNC_SEND_DELAY}). */
    public static final long SEND_DELAY_MILLIS = 20;
    /** The master wakes at once when this many datagrams are queued ({@code IPVS_SYNC_WAKEUP_RATE}). */
    public static final int WAKEUP_RATE = 8;
    /** The timeout a receiver gives a template whose record says 0 seconds. */
    public static final int TEMPLATE_TIMEOUT_FALLBACK_SECONDS = 180;

    private SyncSysctls() {
    }

    /**
     * The kernel's default {@code sync_qlen_max}.
     *
     * @param freeBufferPages {@code nr_free_buffer_pages()}
     * @return a 32nd of them
     */
    public static long syncQlenMax(long freeBufferPages) {
        return freeBufferPages / 32;
    }

    /**
     * Checks a {@code sync_threshold} pair as the kernel's sysctl handler does.
     *
     * @param threshold the first value
     * @param period the second value
     * @return true if both are non-negative and the threshold is below a non-zero period
     */
    public static boolean validThreshold(int threshold, int period) {
        return threshold >= 0 && period >= 0 && (period == 0 || threshold < period);
    }
}

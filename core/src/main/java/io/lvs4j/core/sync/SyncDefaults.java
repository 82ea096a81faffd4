package io.lvs4j.core.sync;

/**
 * The sync daemon's defaults, as the kernel applies them when it starts a master or backup
 * daemon (Linux {@code net/netfilter/ipvs/ip_vs_sync.c}, {@code start_sync_thread}), and the
 * kernel's rule for the largest datagram ({@code sync_maxlen}).
 *
 * <p>With no group configured the kernel uses IPv4 and {@link #GROUP_IPV4}; it has no IPv6
 * default group: an IPv6 daemon needs its group configured ({@code ipvsadm --mcast-group},
 * keepalived's {@code lvs_sync_daemon ... group}). Sync thread {@code n} (see
 * {@link SyncSysctls#SYNC_PORTS}) uses port {@code port + n}.
 */
public final class SyncDefaults {

    /** UDP port of sync thread 0 ({@code IP_VS_SYNC_PORT}). */
    public static final int PORT = 8848;
    /** Multicast group 224.0.0.81 ({@code IP_VS_SYNC_GROUP}), high byte first. */
    public static final int GROUP_IPV4 = 0xE000_0051;
    /** {@link #GROUP_IPV4} in dotted form. */
    public static final String GROUP_IPV4_TEXT = "224.0.0.81";
    /** Multicast TTL (IPv6 hop limit) of sent datagrams. */
    public static final int TTL = 1;
    /** The MTU a master assumes whatever its interface's ({@code 1500U}). */
    public static final int MASTER_MTU = 1500;
    /** The smallest MTU a backup assumes for its receive buffer. */
    public static final int BACKUP_MIN_MTU = 1500;
    /** The smallest {@code maxlen} a backup accepts when one is configured. */
    public static final int BACKUP_MIN_MAXLEN = 1024;
    /** IPv4 and UDP header bytes below a datagram. */
    public static final int IPV4_UDP_HEADERS = 20 + 8;
    /** IPv6 and UDP header bytes below a datagram. */
    public static final int IPV6_UDP_HEADERS = 40 + 8;

    private SyncDefaults() {
    }

    /**
     * The largest datagram a master fills: 1472 bytes over IPv4 and 1452 over IPv6 by default,
     * whatever the interface's MTU; a configured value is clamped to 1 ... 65535 minus headers.
     *
     * @param ipv6 whether the daemon sends over IPv6
     * @param configured the configured {@code maxlen}, 0 for the default
     * @return the master's {@code sync_maxlen}
     */
    public static int masterMaxlen(boolean ipv6, int configured) {
        int headers = ipv6 ? IPV6_UDP_HEADERS : IPV4_UDP_HEADERS;
        return configured > 0 ? clamp(configured, 1, 65535 - headers) : MASTER_MTU - headers;
    }

    /**
     * The receive buffer of a backup, and so the largest datagram it takes whole: the
     * interface's MTU (at least 1500) minus headers by default; a configured value is clamped to
     * 1024 ... 65535 minus headers. A longer datagram is cut by the receive call and then
     * refused for its size.
     *
     * @param ipv6 whether the daemon receives over IPv6
     * @param deviceMtu the MTU of the sync interface
     * @param configured the configured {@code maxlen}, 0 for the default
     * @return the backup's {@code sync_maxlen}
     */
    public static int backupMaxlen(boolean ipv6, int deviceMtu, int configured) {
        int headers = ipv6 ? IPV6_UDP_HEADERS : IPV4_UDP_HEADERS;
        if (configured > 0) {
            return clamp(configured, BACKUP_MIN_MAXLEN, 65535 - headers);
        }
        return clamp(deviceMtu, BACKUP_MIN_MTU, 65535) - headers;
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}

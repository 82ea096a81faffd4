package io.lvs4j.core.conn;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How long a connection entry lives without packets, per TCP state and for UDP; IPVS's
 * defaults ({@code ipvsadm --set tcp tcpfin udp} changes three of them). Immutable.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>state</th><th>timeout</th></tr>
 *   <tr><td>ESTABLISHED</td><td>900 s</td></tr>
 *   <tr><td>SYN_SENT, FIN_WAIT, TIME_WAIT, LISTEN, SYNACK</td><td>120 s</td></tr>
 *   <tr><td>SYN_RECV, CLOSE_WAIT</td><td>60 s</td></tr>
 *   <tr><td>LAST_ACK</td><td>30 s</td></tr>
 *   <tr><td>CLOSE</td><td>10 s</td></tr>
 *   <tr><td>NONE</td><td>2 s</td></tr>
 *   <tr><td>UDP (and other protocols)</td><td>300 s</td></tr>
 * </table>
 */
public final class ConnectionTimeouts {

    private static final long SECOND = 1_000_000_000L;

    /** IPVS's defaults. */
    public static final ConnectionTimeouts DEFAULTS = new ConnectionTimeouts(new long[] {
        2 * SECOND, 900 * SECOND, 120 * SECOND, 60 * SECOND, 120 * SECOND, 120 * SECOND,
        10 * SECOND, 60 * SECOND, 30 * SECOND, 120 * SECOND, 120 * SECOND}, 300 * SECOND);

    private final long[] tcpNanos;
    private final long udpNanos;

    private ConnectionTimeouts(long[] tcpNanos, long udpNanos) {
        this.tcpNanos = tcpNanos;
        this.udpNanos = udpNanos;
    }

    /**
     * Returns these timeouts with one TCP state's timeout changed.
     *
     * @param state the state
     * @param timeout a positive duration
     * @return new timeouts
     */
    public ConnectionTimeouts withTcp(TcpState state, Duration timeout) {
        long[] copy = Arrays.copyOf(tcpNanos, tcpNanos.length);
        copy[state.ordinal()] = positive(timeout);
        return new ConnectionTimeouts(copy, udpNanos);
    }

    /**
     * Returns these timeouts with the UDP timeout changed.
     *
     * @param timeout a positive duration
     * @return new timeouts
     */
    public ConnectionTimeouts withUdp(Duration timeout) {
        return new ConnectionTimeouts(tcpNanos, positive(timeout));
    }

    /**
     * Returns a TCP state's timeout.
     *
     * @param state the state
     * @return nanoseconds
     */
    public long tcpNanos(TcpState state) {
        return tcpNanos[state.ordinal()];
    }

    long tcpNanos(int stateOrdinal) {
        return tcpNanos[stateOrdinal];
    }

    /** @return the UDP timeout in nanoseconds */
    public long udpNanos() {
        return udpNanos;
    }

    private static long positive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return timeout.toNanos();
    }
}

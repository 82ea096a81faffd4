package io.lvs4j.core.config;

import io.lvs4j.core.conn.ConnectionTimeouts;
import io.lvs4j.core.conn.TcpState;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * keepalived's {@code lvs_timeouts tcp N tcpfin N udp N} (in {@code global_defs}), which it
 * gives IPVS as {@code ipvsadm --set tcp tcpfin udp} does: the timeouts of established TCP
 * connections, of TCP connections after the client's FIN, and of UDP connections. Each one left
 * out keeps IPVS's default.
 *
 * @param tcp the ESTABLISHED timeout, if set
 * @param tcpFin the FIN_WAIT timeout, if set
 * @param udp the UDP timeout, if set
 */
public record LvsTimeouts(Optional<Duration> tcp, Optional<Duration> tcpFin, Optional<Duration> udp) {

    /** keepalived's default: no {@code lvs_timeouts}, IPVS's own timeouts. */
    public static final LvsTimeouts NONE = new LvsTimeouts(Optional.empty(), Optional.empty(), Optional.empty());

    /** The longest timeout keepalived accepts: 31 days. */
    public static final Duration MAX = Duration.ofDays(31);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a timeout is not within 1 s to 31 days
     * @throws NullPointerException if a component is null
     */
    public LvsTimeouts {
        check("tcp", tcp);
        check("tcpfin", tcpFin);
        check("udp", udp);
    }

    private static void check(String what, Optional<Duration> value) {
        Objects.requireNonNull(value, what);
        value.ifPresent(d -> {
            if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX) > 0) {
                throw new IllegalArgumentException("lvs_timeouts " + what + " out of range 1-" + MAX.toSeconds()
                        + " s: " + d.toSeconds());
            }
        });
    }

    /**
     * Applies these timeouts to a connection table's.
     *
     * @param base the timeouts to start from, usually {@link ConnectionTimeouts#DEFAULTS}
     * @return {@code base} with ESTABLISHED, FIN_WAIT and UDP replaced where set
     */
    public ConnectionTimeouts applyTo(ConnectionTimeouts base) {
        ConnectionTimeouts t = base;
        if (tcp.isPresent()) {
            t = t.withTcp(TcpState.ESTABLISHED, tcp.get());
        }
        if (tcpFin.isPresent()) {
            t = t.withTcp(TcpState.FIN_WAIT, tcpFin.get());
        }
        if (udp.isPresent()) {
            t = t.withUdp(udp.get());
        }
        return t;
    }
}

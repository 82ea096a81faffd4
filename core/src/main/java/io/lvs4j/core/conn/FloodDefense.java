package io.lvs4j.core.conn;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ConnectionTable} defends itself against a SYN flood, IPVS's way
 * ({@code Documentation/networking/ipvs-sysctl.rst}): {@code drop_entry} drops embryonic
 * entries at random (TCP connections that never got past the handshake: NONE, SYN_SENT,
 * SYN_RECV, SYNACK), and {@code secure_tcp} gives such entries a short timeout. Each is
 * {@link Mode#OFF off}, {@link Mode#ON on}, or {@link Mode#AUTO auto}: on while the table holds
 * at least {@link #thresholdPercent()} of its capacity, off again once it holds less than 7/8
 * of that (IPVS's {@code amemthresh} counts free memory; a table of fixed capacity counts its
 * own fill). While {@code drop_entry} is on, the table scans a random 1/32 of its records every
 * 100 ms for embryonic entries to drop, and an insert that finds the table full drops one
 * embryonic entry found among a few random records to make room. Established connections, and
 * entries in any later state, are never dropped.
 *
 * @param dropEntry IPVS's {@code drop_entry}
 * @param secureTcp IPVS's {@code secure_tcp}
 * @param thresholdPercent the fill, in percent of the capacity, at which AUTO turns on (1 to 100)
 * @param secureTimeout the timeout of embryonic entries while {@code secure_tcp} is on
 */
public record FloodDefense(Mode dropEntry, Mode secureTcp, int thresholdPercent, Duration secureTimeout) {

    /** IPVS's defaults: both off. */
    public static final FloodDefense OFF = new FloodDefense(Mode.OFF, Mode.OFF, 90, Duration.ofSeconds(5));

    /** Both on automatically from 90% of the capacity, embryonic entries living 5 s meanwhile. */
    public static final FloodDefense AUTO = new FloodDefense(Mode.AUTO, Mode.AUTO, 90, Duration.ofSeconds(5));

    /** A defence's switch, as IPVS's sysctl values 0, 1 and 2. */
    public enum Mode {
        /** Never on (IPVS's 0). */
        OFF,
        /** On while the table is filled past the threshold (IPVS's 1). */
        AUTO,
        /** Always on (IPVS's 2). */
        ON
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException for a threshold out of 1-100 or a timeout that is not positive
     */
    public FloodDefense {
        Objects.requireNonNull(dropEntry, "dropEntry");
        Objects.requireNonNull(secureTcp, "secureTcp");
        Objects.requireNonNull(secureTimeout, "secureTimeout");
        if (thresholdPercent < 1 || thresholdPercent > 100) {
            throw new IllegalArgumentException("threshold out of 1-100%: " + thresholdPercent);
        }
        if (secureTimeout.isNegative() || secureTimeout.isZero()) {
            throw new IllegalArgumentException("the secure timeout must be positive: " + secureTimeout);
        }
    }
}

package io.lvs4j.core.check;

import io.lvs4j.core.config.CheckerConfig;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.DnsCheckConfig;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.MiscCheckConfig;
import io.lvs4j.core.config.TcpCheckConfig;
import io.lvs4j.core.config.UdpCheckConfig;
import java.util.Objects;

/**
 * One checker of a real server: what to probe and when.
 *
 * <p>The timing is keepalived's ({@link CheckerTiming}): {@code delay_loop} between rounds,
 * {@code connect_timeout} as each attempt's hard deadline, {@code retry} retries
 * {@code delay_before_retry} apart while the checker is up (a down checker is not retried, as
 * in keepalived), a random first delay up to {@code warmup}, {@code alpha} to start down; plus
 * HAProxy-style hysteresis: down after {@code fall} failed rounds in a row, up after {@code rise}
 * successful rounds in a row (keepalived's behaviour is rise = fall = 1).
 *
 * @param check the probe
 * @param timing its timing and hysteresis
 */
public record Checker(HealthCheck check, CheckerTiming timing) {

    /** Checks the values. */
    public Checker {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(timing, "timing");
    }

    /**
     * The checker a keepalived checker block describes.
     *
     * @param config the checker's configuration
     * @return the checker, with the configuration's timing
     */
    public static Checker of(CheckerConfig config) {
        HealthCheck check = switch (config) {
            case TcpCheckConfig c -> new TcpCheck(c);
            case HttpGetCheckConfig c -> new HttpGetCheck(c);
            case UdpCheckConfig c -> new UdpCheck(c);
            case MiscCheckConfig c -> new MiscCheck(c);
            case DnsCheckConfig c -> new DnsCheck(c);
        };
        return new Checker(check, config.timing());
    }
}

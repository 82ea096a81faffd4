package io.lvs4j.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code MISC_CHECK}: an external command decides. Exit status 0 is success, 1 failure; with
 * {@code misc_dynamic}, 2 to 255 is success and sets the server's weight to the status minus 2.
 *
 * @param timing timing settings (the connection settings do not apply)
 * @param script {@code misc_path} and {@code user}
 * @param timeout {@code misc_timeout}: a run taking longer fails (default: the delay loop)
 * @param dynamic {@code misc_dynamic}
 */
public record MiscCheckConfig(CheckerTiming timing, Script script, Duration timeout, boolean dynamic)
        implements CheckerConfig {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the timeout is not positive
     * @throws NullPointerException if a component is null
     */
    public MiscCheckConfig {
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(script, "script");
        Require.positive("misc_timeout", timeout);
    }

    /**
     * A misc check with keepalived's defaults: timeout = delay loop, not dynamic.
     *
     * @param command the command line ({@code misc_path})
     * @return the checker
     */
    public static MiscCheckConfig of(String command) {
        CheckerTiming timing = CheckerTiming.defaults(CheckerType.MISC_CHECK);
        return new MiscCheckConfig(timing, Script.of(command), timing.delayLoop(), false);
    }

    /** @return {@link CheckerType#MISC_CHECK} */
    @Override
    public CheckerType type() {
        return CheckerType.MISC_CHECK;
    }
}

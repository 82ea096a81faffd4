package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.Scripts;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.MiscCheckConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * keepalived's {@code MISC_CHECK}: an external command, killed (with everything it started) if
 * it outlives {@code misc_timeout}. Exit status 0 means up, anything else down; with
 * {@code misc_dynamic}, a status of 2 to 255 means up with weight {@code status - 2}, 1 means
 * down, and 0 means up with the configured weight, as in keepalived.
 *
 * <p>The loop only starts the process; the JDK's process reaper reports its end, so a
 * hung command blocks nothing. The command line is split into words as keepalived does (no
 * shell); running it as another {@code user} is not supported.
 *
 * @param config the checker block: misc_path, misc_timeout, misc_dynamic and timing
 */
public record MiscCheck(MiscCheckConfig config) implements HealthCheck {

    /**
     * Checks the value.
     *
     * @throws IllegalArgumentException if the command line is empty or badly quoted
     */
    public MiscCheck {
        Objects.requireNonNull(config, "config");
        if (Scripts.split(config.script().command()).isEmpty()) {
            throw new IllegalArgumentException("MISC_CHECK needs a command");
        }
    }

    /**
     * Maps an exit status to a result, as keepalived does.
     *
     * @param status the exit status, 0 to 255
     * @param dynamic {@code misc_dynamic}
     * @return the result
     */
    public static CheckResult resultOf(int status, boolean dynamic) {
        if (status == 0) {
            return CheckResult.success();
        }
        if (dynamic && status >= 2 && status <= 255) {
            return CheckResult.successWithWeight(status - 2);
        }
        return CheckResult.failure("exited with status " + status);
    }

    /** The deadline of an attempt is {@code misc_timeout}, not {@code connect_timeout}. */
    @Override
    public Duration timeout(CheckerTiming timing) {
        return config.timeout();
    }

    @Override
    public void check(CheckAttempt attempt) {
        List<String> command = Scripts.split(config.script().command());
        Process p;
        try {
            p = Scripts.start(command);
        } catch (IOException e) {
            attempt.complete(CheckResult.failure("cannot run " + command.getFirst() + ": " + e.getMessage()));
            return;
        }
        attempt.whenDone(() -> Scripts.kill(p));
        p.onExit().thenAccept(done -> attempt.complete(resultOf(done.exitValue(), config.dynamic())));
    }

    @Override
    public String name() {
        return "MISC_CHECK";
    }
}

package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.Scripts;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * keepalived's {@code MISC_CHECK}: an external command, killed (with everything it started) if
 * it outlives {@code misc_timeout}. Exit status 0 means up, anything else down; with
 * {@code misc_dynamic}, a status of 2 to 255 means up with weight {@code status - 2}, 1 means
 * down, and 0 means up with the configured weight, as in keepalived.
 *
 * <p>The event loop only starts the process; the JDK's process reaper reports its end, so a
 * hung command blocks nothing.
 *
 * @param command the program and its arguments ({@code misc_path}, split into words)
 * @param miscTimeout the longest the command may run, or null for {@code delay_loop}
 *     (keepalived's default)
 * @param dynamic {@code misc_dynamic}
 */
public record MiscCheck(List<String> command, Duration miscTimeout, boolean dynamic) implements HealthCheck {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the command is empty
     */
    public MiscCheck {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("MISC_CHECK needs a command");
        }
    }

    /**
     * A check from a keepalived {@code misc_path} line, split as keepalived splits it.
     *
     * @param miscPath the command line
     * @param miscTimeout the timeout, or null for {@code delay_loop}
     * @param dynamic {@code misc_dynamic}
     * @return the check
     */
    public static MiscCheck of(String miscPath, Duration miscTimeout, boolean dynamic) {
        return new MiscCheck(Scripts.split(miscPath), miscTimeout, dynamic);
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

    @Override
    public Duration timeout(CheckTiming timing) {
        return miscTimeout != null ? miscTimeout : timing.delayLoop();
    }

    @Override
    public void check(CheckAttempt attempt) {
        Process p;
        try {
            p = Scripts.start(command);
        } catch (IOException e) {
            attempt.complete(CheckResult.failure("cannot run " + command.getFirst() + ": " + e.getMessage()));
            return;
        }
        attempt.whenDone(() -> Scripts.kill(p));
        p.onExit().thenAccept(done -> attempt.complete(resultOf(done.exitValue(), dynamic)));
    }

    @Override
    public String name() {
        return "MISC_CHECK";
    }
}

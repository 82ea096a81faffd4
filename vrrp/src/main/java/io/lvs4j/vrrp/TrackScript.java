package io.lvs4j.vrrp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A script an instance runs periodically, as keepalived's {@code vrrp_script}: exit status 0
 * is a success. {@code rise} consecutive successes make it good, {@code fall} consecutive
 * failures make it bad; it starts bad, one success short of good. Weight 0: bad puts the
 * instance in {@link VrrpState#FAULT}. Negative weight: bad lowers the priority by its
 * magnitude. Positive weight: good raises the priority by it.
 *
 * @param name a name for logs and notifications
 * @param command the program and its arguments
 * @param interval time between the starts of two runs
 * @param timeout a run that takes longer counts as a failure
 * @param rise successes to become good, at least 1
 * @param fall failures to become bad, at least 1
 * @param weight -254 to 254
 */
public record TrackScript(String name, List<String> command, Duration interval, Duration timeout,
                          int rise, int fall, int weight) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when a field is out of range
     */
    public TrackScript {
        Objects.requireNonNull(name, "name");
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1");
        }
        if (weight < -254 || weight > 254) {
            throw new IllegalArgumentException("weight out of -254..254: " + weight);
        }
    }
}

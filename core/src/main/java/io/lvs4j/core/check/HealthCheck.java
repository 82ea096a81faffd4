package io.lvs4j.core.check;

import io.lvs4j.core.config.CheckerTiming;
import java.time.Duration;

/**
 * A health check: one probe of a real server, started on a {@link CheckLoop} and finished
 * through its {@link CheckAttempt}. The built-in checkers ({@link TcpCheck}, {@link HttpGetCheck},
 * {@link UdpCheck}, {@link DnsCheck}, {@link MiscCheck}) implement it, the network ones through
 * the loop's {@link CheckNetwork}; so may an application's own check.
 *
 * <p>Contract: {@link #check(CheckAttempt)} is called on the attempt's loop and must not
 * block; it starts the probe and returns. The probe completes the attempt once, from any thread;
 * if the deadline passes first, the attempt fails and the cleanups registered with
 * {@link CheckAttempt#whenDone(Runnable)} run, so a hung server costs nothing after its deadline.
 *
 * <p>A configuration reload keeps the state of a checker whose check is {@link Object#equals
 * equal} to the new one and whose timing is unchanged: implement {@code equals} (records do) to
 * get that for a custom check.
 */
public interface HealthCheck {

    /**
     * Starts one probe. Called on {@link CheckAttempt#loop()}; must not block.
     *
     * @param attempt the attempt to complete
     */
    void check(CheckAttempt attempt);

    /**
     * Returns the hard deadline of one attempt; keepalived's {@code connect_timeout} by default.
     *
     * @param timing the checker's timing
     * @return the deadline, from the start of the attempt
     */
    default Duration timeout(CheckerTiming timing) {
        return timing.connectTimeout();
    }

    /** @return a short name for logs, such as {@code TCP_CHECK} */
    default String name() {
        return getClass().getSimpleName();
    }
}

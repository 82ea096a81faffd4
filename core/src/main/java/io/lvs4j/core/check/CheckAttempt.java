package io.lvs4j.core.check;

import java.net.InetSocketAddress;

/**
 * One attempt of a {@link HealthCheck}: its loop, its target and its deadline.
 *
 * <p>Threading: {@link #complete(CheckResult)} may be called from any thread (the first result
 * wins, later ones are ignored); the other methods are meant for the attempt's loop.
 */
public interface CheckAttempt {

    /** @return the loop the attempt runs on; timers and I/O of the check belong on it */
    CheckLoop loop();

    /** @return the real server's address and port, the default target of a check */
    InetSocketAddress target();

    /** @return nanoseconds left before the deadline, 0 if it has passed */
    long remainingNanos();

    /**
     * Completes the attempt. The first call wins.
     *
     * @param result the result
     * @return true if this call completed the attempt
     */
    boolean complete(CheckResult result);

    /** @return true once the attempt has a result (or was aborted) */
    boolean isDone();

    /**
     * Registers a cleanup (close a channel, kill a process) that runs on the loop when the
     * attempt ends for any reason: a result, the deadline, or the checker stopping. If the
     * attempt has already ended, it runs at once.
     *
     * @param cleanup the cleanup
     */
    void whenDone(Runnable cleanup);

    /**
     * Sets the result the deadline gives instead of a timeout failure. A UDP check with no reply
     * required uses it: silence until the deadline is a success, as in keepalived.
     *
     * @param result the result at the deadline
     */
    void resultAtDeadline(CheckResult result);
}

package io.lvs4j.core.check;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * One attempt of a {@link HealthCheck}: its event loop, its target and its deadline.
 *
 * <p>Threading: {@link #complete(CheckResult)} may be called from any thread (the first result
 * wins, later ones are ignored); the other methods are meant for the event loop.
 */
public interface CheckAttempt {

    /** @return the event loop the attempt runs on; I/O of the check belongs on it */
    EventLoop eventLoop();

    /** @return the real server's address and port, the default target of a check */
    InetSocketAddress target();

    /**
     * Returns a bootstrap for a TCP connection on this attempt's loop, with the channel type of
     * its transport (epoll or NIO) and a connect timeout of the time left.
     *
     * @return a new bootstrap; set its handler before connecting
     */
    Bootstrap tcpBootstrap();

    /**
     * Returns a bootstrap for a UDP socket on this attempt's loop.
     *
     * @return a new bootstrap; set its handler before binding or connecting
     */
    Bootstrap udpBootstrap();

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
     * Registers a cleanup (close a channel, kill a process) that runs on the event loop when the
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

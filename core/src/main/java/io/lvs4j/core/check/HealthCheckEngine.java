package io.lvs4j.core.check;

import java.time.Duration;

/**
 * Where health checks run: the loops of a transport, which time the checkers and do the network
 * I/O of their probes. transport-epoll's {@code EpollHealthCheckEngine} runs them on Netty event
 * loops.
 *
 * <p>Threading: implementations are safe to share; {@link #close()} once, after the services using
 * the engine are closed.
 */
public interface HealthCheckEngine extends AutoCloseable {

    /** @return the loop for a new checker, round robin */
    CheckLoop nextLoop();

    /** @return the longest a notify script may run before it is killed */
    Duration scriptTimeout();

    /** Releases the engine's loops. */
    @Override
    void close();
}

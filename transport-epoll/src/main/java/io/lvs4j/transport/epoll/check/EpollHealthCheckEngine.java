package io.lvs4j.transport.epoll.check;

import io.lvs4j.core.check.CheckLoop;
import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.transport.epoll.check.internal.NettyCheckLoop;
import io.lvs4j.transport.epoll.check.internal.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Health checks on Netty event loops: Netty's epoll transport when its native library is there,
 * NIO otherwise. Thousands of checkers share a few loops; a checker owns no thread. The loops do
 * the network I/O of keepalived's checkers: TCP connections, HTTP and HTTPS GETs, UDP datagrams
 * and DNS queries.
 *
 * <p>Threading: safe to share; {@link #close()} once, after the services using it are closed.
 */
public final class EpollHealthCheckEngine implements HealthCheckEngine {

    private final EventLoopGroup group;
    private final boolean owned;
    private final Duration scriptTimeout;

    private EpollHealthCheckEngine(EventLoopGroup group, boolean owned, Duration scriptTimeout) {
        this.group = group;
        this.owned = owned;
        this.scriptTimeout = scriptTimeout;
    }

    /**
     * Creates an engine with its own event loops.
     *
     * @param threads the number of loops, 1 or more
     * @return the engine
     */
    public static EpollHealthCheckEngine create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be 1 or more: " + threads);
        }
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("lvs4j-check", true), Transport.bestHandlerFactory());
        LoggerFactory.getLogger(EpollHealthCheckEngine.class).info("health checks on {} {} loop(s)",
                Transport.of(g.next()).epoll() ? "epoll" : "NIO", threads);
        return new EpollHealthCheckEngine(g, true, Duration.ofSeconds(10));
    }

    /**
     * Creates an engine on loops the application already runs (epoll or NIO); closing the engine
     * leaves them running.
     *
     * @param group the loops
     * @return the engine
     */
    public static EpollHealthCheckEngine on(EventLoopGroup group) {
        return new EpollHealthCheckEngine(Objects.requireNonNull(group, "group"), false, Duration.ofSeconds(10));
    }

    /**
     * @param timeout the longest a notify script may run before it is killed
     * @return an engine on the same loops with another script timeout
     */
    public EpollHealthCheckEngine withScriptTimeout(Duration timeout) {
        return new EpollHealthCheckEngine(group, owned, Objects.requireNonNull(timeout, "timeout"));
    }

    /** @return the next loop, round robin */
    @Override
    public CheckLoop nextLoop() {
        return new NettyCheckLoop(group.next());
    }

    /** @return true if the loops run Netty's native epoll transport */
    public boolean epoll() {
        return Transport.of(group.next()).epoll();
    }

    @Override
    public Duration scriptTimeout() {
        return scriptTimeout;
    }

    /** Shuts the engine's own loops down (not those given to {@link #on(EventLoopGroup)}). */
    @Override
    public void close() {
        if (owned) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

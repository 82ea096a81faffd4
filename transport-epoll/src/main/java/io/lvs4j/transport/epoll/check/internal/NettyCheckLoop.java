package io.lvs4j.transport.epoll.check.internal;

import io.lvs4j.core.check.CheckLoop;
import io.lvs4j.core.check.CheckNetwork;
import io.netty.channel.EventLoop;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CheckLoop} on a Netty event loop: the loop's ticker is the clock, and its channels
 * (epoll's or NIO's, whichever the loop serves) do the checkers' network I/O.
 *
 * <p>Threading: as the event loop's; safe from any thread.
 */
public final class NettyCheckLoop implements CheckLoop {

    private final EventLoop loop;
    private final NettyCheckNetwork network;

    /** @param loop the event loop */
    public NettyCheckLoop(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.network = new NettyCheckNetwork(loop, Transport.of(loop));
    }

    @Override
    public long nanoTime() {
        return loop.ticker().nanoTime();
    }

    @Override
    public boolean inLoop() {
        return loop.inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public Future<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return loop.schedule(task, delay, unit);
    }

    @Override
    public CheckNetwork network() {
        return network;
    }
}

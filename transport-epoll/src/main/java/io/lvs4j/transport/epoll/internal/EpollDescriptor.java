package io.lvs4j.transport.epoll.internal;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file descriptor opened through FFM and watched for reading on a Netty epoll loop: it
 * registers the descriptor, arms {@code EPOLLIN}, calls the owner when it is readable, and
 * closes it exactly once, on the loop while the loop runs (or directly once it has
 * terminated), then lets the owner free its memory. Thread-safe. Code that uses the descriptor
 * off its loop synchronizes on this object and checks {@link #released()} first: the close
 * happens under the same lock.
 */
public final class EpollDescriptor {

    private final IoEventLoop loop;
    private final int fd;
    private final Runnable onReadable;
    private final Runnable onRelease;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile IoRegistration registration;

    /**
     * Takes ownership of an open descriptor; {@link #register} then watches it.
     *
     * @param loop the epoll loop
     * @param fd the open descriptor
     * @param onReadable called on the loop when the descriptor is readable (drain it)
     * @param onRelease called once after the descriptor is closed (free the owner's memory)
     */
    public EpollDescriptor(IoEventLoop loop, int fd, Runnable onReadable, Runnable onRelease) {
        this.loop = loop;
        this.fd = fd;
        this.onReadable = onReadable;
        this.onRelease = onRelease;
    }

    /**
     * Registers the descriptor on its loop and arms it for reading; on failure the descriptor
     * is closed and {@code onRelease} has run. Not from the loop itself (it waits for the loop).
     *
     * @param what what the descriptor is, for error messages
     * @throws IOException if the loop refuses it
     */
    public void register(String what) throws IOException {
        if (loop.inEventLoop()) {
            release();
            throw new IllegalStateException("registering " + what + " blocks: call it from outside its event loop");
        }
        Future<IoRegistration> registered = loop.register(new Handle()).awaitUninterruptibly();
        if (!registered.isSuccess()) {
            release();
            throw new IOException("cannot register " + what + " on " + loop, registered.cause());
        }
        registration = registered.getNow();
        Future<?> armed = loop.submit(() -> registration.submit(EpollIoOps.EPOLLIN)).awaitUninterruptibly();
        if (!armed.isSuccess()) {
            close();
            throw new IOException("cannot arm " + what + " on " + loop, armed.cause());
        }
    }

    /** @return the descriptor number */
    public int fd() {
        return fd;
    }

    /** @return {@code true} once the descriptor is closed */
    public boolean released() {
        return released.get();
    }

    /** @return the loop the descriptor is registered on */
    public IoEventLoop loop() {
        return loop;
    }

    /**
     * Deregisters and closes the descriptor, on its loop (waiting up to 10 s from another
     * thread), or once the loop has terminated (waiting up to 10 s for a loop shutting down);
     * idempotent. After it, {@link #released()} says whether the descriptor is closed.
     */
    public void close() {
        if (released.get()) {
            return;
        }
        if (loop.inEventLoop()) {
            closeOnLoop();
        } else if (!loop.isShuttingDown()) {
            loop.submit(this::closeOnLoop).awaitUninterruptibly(10, TimeUnit.SECONDS);
        } else {
            loop.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        if (loop.isTerminated()) {
            release();
        }
    }

    private void closeOnLoop() {
        IoRegistration r = registration;
        if (r != null && r.isValid()) {
            r.cancel();
        }
        release();
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            synchronized (this) {
                PacketSocketFd.close(fd);
                onRelease.run();
            }
        }
    }

    /** The epoll side; called by Netty on the loop thread. */
    private final class Handle implements EpollIoHandle {
        private final FileDescriptor descriptor = new FileDescriptor(fd);

        @Override
        public FileDescriptor fd() {
            return descriptor;
        }

        @Override
        public void handle(IoRegistration r, IoEvent event) {
            if (!released.get()) {
                onReadable.run();
            }
        }

        @Override
        public void close() {
            release();
        }
    }
}

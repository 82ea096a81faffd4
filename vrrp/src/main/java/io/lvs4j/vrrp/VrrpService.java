package io.lvs4j.vrrp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs a {@link VrrpNode} on a thread of its own with the system clock, so that an
 * application can hold a floating IP with nothing else of lvs4j: build the node's
 * configuration (instances, groups, scripts, listeners) and a {@link VrrpPort}, then
 * {@link #start()}. Packets and link events may be handed in from any thread; they are copied
 * and processed on the service's thread, where the port and listeners are also called.
 *
 * <p>Thread-safe.
 */
public final class VrrpService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VrrpService.class);

    private final ScheduledExecutorService executor;
    private final VrrpNode node;
    private ScheduledFuture<?> wakeup;

    /**
     * Creates the service; the clock and callback executor of the builder are replaced by the
     * system clock and the service's thread.
     *
     * @param builder the node's configuration
     */
    public VrrpService(VrrpNode.Builder builder) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lvs4j-vrrp");
            t.setDaemon(true);
            return t;
        });
        this.node = builder.clock(System::nanoTime).callbackExecutor(this::execute).build();
    }

    /** Starts the node's instances. */
    public void start() {
        execute(node::start);
    }

    /**
     * Hands in a packet from an IPv4 raw socket (IP header included); the bytes are copied.
     *
     * @param interfaceName the interface it arrived on
     * @param packet the bytes
     */
    public void receiveIpv4(String interfaceName, byte[] packet) {
        MemorySegment copy = MemorySegment.ofArray(packet.clone());
        execute(() -> node.receiveIpv4(interfaceName, copy, 0, (int) copy.byteSize()));
    }

    /**
     * Hands in a VRRP message from an IPv6 raw socket; the bytes are copied.
     *
     * @param interfaceName the interface it arrived on
     * @param message the VRRP message
     * @param hopLimit its hop limit
     * @param source the sender, 16 bytes
     * @param destination the destination, 16 bytes
     */
    public void receiveIpv6(String interfaceName, byte[] message, int hopLimit, byte[] source, byte[] destination) {
        MemorySegment copy = MemorySegment.ofArray(message.clone());
        byte[] src = source.clone();
        byte[] dst = destination.clone();
        execute(() -> node.receiveIpv6(interfaceName, copy, 0, (int) copy.byteSize(), hopLimit, src, dst));
    }

    /**
     * Hands in a link change.
     *
     * @param interfaceName the interface
     * @param up whether its link is up
     */
    public void linkChanged(String interfaceName, boolean up) {
        execute(() -> node.linkChanged(interfaceName, up));
    }

    /**
     * Reads something of the node on its thread.
     *
     * @param query what to read
     * @param <T> the result type
     * @return the result
     * @throws IllegalStateException when the service is closed or the query fails or takes over 10 s
     */
    public <T> T query(Function<VrrpNode, T> query) {
        try {
            return executor.submit(() -> query.apply(node)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("query failed", e);
        }
    }

    /**
     * Returns an instance's state.
     *
     * @param instance the instance name
     * @return its state
     */
    public VrrpState state(String instance) {
        return query(n -> n.state(instance));
    }

    private void execute(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("VRRP task failed", e);
                }
                reschedule();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("VRRP service closed; event dropped");
        }
    }

    private void reschedule() {
        if (wakeup != null) {
            wakeup.cancel(false);
            wakeup = null;
        }
        long next = node.nextDeadline();
        if (next != Long.MAX_VALUE && !executor.isShutdown()) {
            long delay = Math.max(0, next - System.nanoTime());
            wakeup = executor.schedule(() -> execute(node::tick), delay, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops the instances (priority-0 adverts, addresses released) and the thread. */
    @Override
    public void close() {
        try {
            executor.submit(() -> {
                node.stop();
                if (wakeup != null) {
                    wakeup.cancel(false);
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("VRRP service did not stop cleanly", e);
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.vrrp.Advertisement;
import io.lvs4j.vrrp.ScriptRunner;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpNode;
import io.lvs4j.vrrp.VrrpPort;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs a {@link VrrpNode} on one Netty epoll event loop with real I/O: a {@link VrrpSocket} per
 * interface for the adverts (multicast or unicast peers), an rtnetlink monitor feeding the link
 * state of the instances' and tracked interfaces to {@link VrrpNode#linkChanged} and, while an
 * instance is master, its
 * virtual addresses owned in user space (ARP answers and gratuitous ARPs as the instance's
 * {@link GarpConfig} says). The node's timers run on the loop's scheduler at
 * {@link VrrpNode#nextDeadline()}. This is the API to hold a floating IP with nothing else of
 * lvs4j; {@link MasterAction}s (such as starting a director's forwarding) follow the
 * instances' mastership.
 *
 * <p>Each instance needs its source address (the primary address of its interface, or its
 * {@code unicast_src_ip}). IPv4 instances use a {@link VrrpSocket} (VRRPv2 or v3) and ARP; IPv6
 * instances (VRRPv3, link-local source address) a {@link VrrpSocket6} and neighbour discovery.
 *
 * <p>Threading: build and {@link #start()} from a thread of the network namespace of the
 * interfaces (the sockets are opened there), never from the loop; the node, the port, the
 * listeners and the actions run on the loop; the read methods and {@link #close()} may be
 * called from any other thread.
 */
public final class EpollVrrpRouter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EpollVrrpRouter.class);

    private final IoEventLoop loop;
    private volatile List<VrrpInstanceConfig> instances;
    private volatile List<VrrpSyncGroupConfig> groups;
    private final List<MasterAction> actions;
    private final VrrpNode node;
    private final VrrpSockets sockets;
    private final VipAnnouncer vips;
    private final LinkWatch links;
    private Map<String, Boolean> initialLinks = Map.of();
    private ScheduledFuture<?> wakeup;
    private long wakeupAt;
    private volatile boolean started;
    private volatile boolean closed;

    private EpollVrrpRouter(Builder b) {
        this.loop = b.loop;
        this.vips = new VipAnnouncer(b.loop, b.ownAddresses, b.onKernel);
        this.sockets = new VrrpSockets(b.loop, name -> (segment, offset, length) -> received(name, segment, offset,
                length), name -> (segment, offset, length, hops, src, dst) -> received6(name, segment, offset, length,
                hops, src, dst));
        this.instances = List.copyOf(b.instances);
        this.groups = List.copyOf(b.groups);
        this.actions = List.copyOf(b.actions);
        // a script result can move a timer (leaving FAULT starts the master-down timer; a
        // finished run makes the next one due), so the loop looks at the deadline again after it
        VrrpNode.Builder nb = VrrpNode.builder(new Port()).clock(System::nanoTime)
                .callbackExecutor(task -> loop.execute(() -> {
                    task.run();
                    reschedule();
                }));
        instances.forEach(nb::instance);
        groups.forEach(nb::syncGroup);
        b.listeners.forEach(nb::listener);
        if (b.scriptRunner != null) {
            nb.scriptRunner(b.scriptRunner);
        }
        this.node = nb.build();
        this.links = new LinkWatch(b.loop, (name, up) -> {
            node.linkChanged(name, up);
            reschedule();
        });
    }

    /**
     * Starts a builder.
     *
     * @param loop an epoll event loop (of a group built with {@code EpollIoHandler.newFactory()})
     * @return a builder
     */
    public static Builder builder(IoEventLoop loop) {
        return new Builder(Objects.requireNonNull(loop, "loop"));
    }

    /**
     * Opens the sockets of every interface the instances use (in the calling thread's network
     * namespace) and starts the instances on the loop.
     *
     * @return this router
     * @throws IOException if a socket cannot be opened (the ones opened are closed again)
     */
    public EpollVrrpRouter start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            openSockets(instances);
            initialLinks = links.watch(instances, groups);
        } catch (IOException | RuntimeException e) {
            closeSockets();
            throw e;
        }
        Future<?> f = loop.submit(() -> {
            initialLinks.forEach(node::linkChanged);
            node.start();
            reschedule();
        }).awaitUninterruptibly();
        if (!f.isSuccess()) {
            close();
            throw new IOException("cannot start the VRRP node", f.cause());
        }
        LOG.info("VRRP router on {} running {} instance(s)", sockets.interfaces(), instances.size());
        return this;
    }

    /** Opens the sockets of the interfaces the instances use, those not open yet (calling thread's namespace). */
    private void openSockets(List<VrrpInstanceConfig> list) throws IOException {
        sockets.open(list);
        for (VrrpInstanceConfig c : list) {
            vips.open(c);
        }
    }

    /**
     * Applies a new configuration of instances and sync groups while running, as keepalived's
     * reload does (see {@link VrrpNode#reconfigure}): unchanged instances keep their state and
     * send no extra advert; changed ones change in place; removed masters send their priority-0
     * advert and release their addresses; new ones start as backup. Sockets of new interfaces
     * open first, in the calling thread's namespace.
     *
     * @param nextInstances the instances, each with its source address
     * @param nextGroups the sync groups
     * @throws IOException if a socket of a new interface cannot be opened
     * @throws IllegalArgumentException if the node refuses the configuration (it is then unchanged)
     * @throws IllegalStateException if the router is not running
     */
    public void reload(List<VrrpInstanceConfig> nextInstances, List<VrrpSyncGroupConfig> nextGroups)
            throws IOException {
        if (!started || closed) {
            throw new IllegalStateException("the VRRP router is not running");
        }
        openSockets(nextInstances);
        Map<String, Boolean> initial = links.watch(nextInstances, nextGroups);
        Future<?> f = loop.submit(() -> {
            initial.forEach(node::linkChanged);
            node.reconfigure(nextInstances, nextGroups);
            reschedule();
        }).awaitUninterruptibly();
        if (!f.isSuccess()) {
            if (f.cause() instanceof IllegalArgumentException refused) {
                throw refused;
            }
            throw new IllegalStateException("cannot reconfigure the VRRP node", f.cause());
        }
        instances = List.copyOf(nextInstances);
        groups = List.copyOf(nextGroups);
        LOG.info("VRRP router reloaded: {} instance(s)", nextInstances.size());
    }

    private void received(String interfaceName, MemorySegment segment, long offset, int length) {
        node.receiveIpv4(interfaceName, segment, offset, length);
        reschedule();
    }

    private void received6(String interfaceName, MemorySegment segment, long offset, int length, int hopLimit,
                           byte[] source, byte[] destination) {
        node.receiveIpv6(interfaceName, segment, offset, length, hopLimit, source, destination);
        reschedule();
    }

    private void tick() {
        wakeup = null;
        if (!closed) {
            node.tick();
            reschedule();
        }
    }

    private void reschedule() {
        long next = node.nextDeadline();
        if (next == Long.MAX_VALUE || closed) {
            return;
        }
        if (wakeup != null) {
            if (wakeupAt == next) {
                return;
            }
            wakeup.cancel(false);
        }
        wakeupAt = next;
        wakeup = loop.schedule(this::tick, wakeupDelay(next - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Below this, Netty's epoll loop waits on its timerfd, which the kernel fires on time. */
    static final long PRECISE_WAIT_NANOS = 4_000_000L;

    /**
     * How long to wait before the next look at a deadline {@code remaining} nanoseconds away.
     * Netty waits for delays of 10 ms and more with {@code epoll_wait}'s millisecond timeout,
     * which the kernel may fire up to 0.1% late (its timer slack for poll timeouts: 3.6 ms on a
     * 3.6 s master-down interval) and which is rounded to a millisecond; keepalived's timers do
     * not have that slack. So a long wait ends early by {@code remaining / 256} (at least
     * {@link #PRECISE_WAIT_NANOS}), and the last few milliseconds are waited on the timerfd;
     * waking early costs a tick that finds nothing due.
     *
     * @param remaining nanoseconds to the deadline (negative when past)
     * @return the delay to schedule the next tick with
     */
    static long wakeupDelay(long remaining) {
        if (remaining <= PRECISE_WAIT_NANOS) {
            return Math.max(0, remaining);
        }
        return remaining - Math.min(remaining - PRECISE_WAIT_NANOS / 2, Math.max(PRECISE_WAIT_NANOS, remaining / 256));
    }

    /**
     * Reads something of the node, on the loop.
     *
     * @param query what to read
     * @param <T> the result type
     * @return the result
     * @throws IllegalStateException if the loop does not answer within 10 s or the query fails
     */
    public <T> T query(Function<VrrpNode, T> query) {
        Future<T> f = loop.submit(() -> query.apply(node));
        if (!f.awaitUninterruptibly(10, TimeUnit.SECONDS) || !f.isSuccess()) {
            throw new IllegalStateException("VRRP query failed", f.cause());
        }
        return f.getNow();
    }

    /**
     * Returns an instance's state.
     *
     * @param instance its name
     * @return its state
     */
    public VrrpState state(String instance) {
        return query(n -> n.state(instance));
    }

    /**
     * Returns whether this router answers ARP for an address now.
     *
     * @param interfaceName the interface
     * @param address an IPv4 address
     * @return {@code true} while an instance owning it is master
     */
    public boolean owns(String interfaceName, InetAddress address) {
        return query(n -> vips.owns(interfaceName, address));
    }

    /**
     * Returns the adverts sent on an interface.
     *
     * @param interfaceName the interface
     * @return adverts handed to the kernel, 0 for an unknown interface
     */
    public long advertsSent(String interfaceName) {
        return sockets.sent(interfaceName);
    }

    /**
     * Returns the packets received on an interface's VRRP socket (valid or not).
     *
     * @param interfaceName the interface
     * @return packets received, 0 for an unknown interface
     */
    public long packetsReceived(String interfaceName) {
        return sockets.received(interfaceName);
    }

    /**
     * Returns the gratuitous ARPs sent on an interface.
     *
     * @param interfaceName the interface
     * @return gratuitous ARPs sent
     */
    public long gratuitousArpsSent(String interfaceName) {
        return query(n -> vips.gratuitousSent(interfaceName));
    }

    /** Stops the instances (masters send a priority-0 advert and release) and closes the sockets. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!loop.isShuttingDown()) {
            loop.submit(() -> {
                node.stop();
                closed = true;
                if (wakeup != null) {
                    wakeup.cancel(false);
                }
                vips.stop();
            }).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        closed = true;
        closeSockets();
        sockets.free();
    }

    private void closeSockets() {
        links.close();
        sockets.close();
        vips.close();
    }

    /** @return the instance's virtual addresses as text, for the log */
    private static List<String> addresses(VrrpInstanceConfig instance) {
        return instance.virtualIpAddresses().stream().map(v -> v.address().getHostAddress()).toList();
    }

    /** The node's I/O; runs on the loop. */
    private final class Port implements VrrpPort {

        @Override
        public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
            sockets.send(instance, advert);
        }

        @Override
        public void takeOver(VrrpInstanceConfig instance) {
            vips.takeOver(instance);
            LOG.info("VRRP_Instance({}) setting protocol VIPs {} on {}", instance.name(), addresses(instance),
                    instance.interfaceName());
            for (MasterAction a : actions) {
                try {
                    a.becameMaster(instance);
                } catch (RuntimeException e) {
                    LOG.warn("master action failed for {}", instance.name(), e);
                }
            }
        }

        @Override
        public void addressesChanged(VrrpInstanceConfig before, VrrpInstanceConfig after) {
            vips.release(before);
            vips.takeOver(after);
            LOG.info("VRRP_Instance({}) setting protocol VIPs {} on {}", after.name(), addresses(after),
                    after.interfaceName());
        }

        @Override
        public void heardLowerPriority(VrrpInstanceConfig instance) {
            vips.lowerPriority(instance);
        }

        @Override
        public void release(VrrpInstanceConfig instance) {
            vips.release(instance);
            LOG.info("VRRP_Instance({}) removing protocol VIPs {} on {}", instance.name(), addresses(instance),
                    instance.interfaceName());
            for (MasterAction a : actions) {
                try {
                    a.leftMaster(instance);
                } catch (RuntimeException e) {
                    LOG.warn("master action failed for {}", instance.name(), e);
                }
            }
        }
    }

    /** Configures an {@link EpollVrrpRouter}. Not thread-safe. */
    public static final class Builder {
        private final IoEventLoop loop;
        private final List<VrrpInstanceConfig> instances = new ArrayList<>();
        private final List<VrrpSyncGroupConfig> groups = new ArrayList<>();
        private final List<VrrpListener> listeners = new ArrayList<>();
        private final List<MasterAction> actions = new ArrayList<>();
        private ScriptRunner scriptRunner;
        private boolean ownAddresses = true;
        private Predicate<InetAddress> onKernel = address -> false;

        private Builder(IoEventLoop loop) {
            this.loop = loop;
        }

        /**
         * Adds an instance; its gratuitous ARPs follow its {@link VrrpInstanceConfig#garp()}.
         *
         * @param value an instance with its source address
         * @return this
         */
        public Builder instance(VrrpInstanceConfig value) {
            instances.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Adds a sync group.
         *
         * @param value the group
         * @return this
         */
        public Builder syncGroup(VrrpSyncGroupConfig value) {
            groups.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Adds a listener of state changes (called on the loop).
         *
         * @param value the listener
         * @return this
         */
        public Builder listener(VrrpListener value) {
            listeners.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Adds an action that follows mastership, such as a director's forwarding.
         *
         * @param value the action
         * @return this
         */
        public Builder masterAction(MasterAction value) {
            actions.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Sets whether the router itself answers ARP for the virtual addresses and announces
         * them while master (default true); turn it off when a {@link MasterAction} such as
         * {@link MasterAction#forwarding} serves them.
         *
         * @param value whether to own the addresses in this router
         * @return this
         */
        public Builder ownAddresses(boolean value) {
            ownAddresses = value;
            return this;
        }

        /**
         * Puts virtual addresses on the kernel interface while their instance is master, as
         * keepalived does, instead of owning them in user space: those the predicate selects
         * among each instance's {@code virtual_ipaddress} and {@code virtual_ipaddress_excluded},
         * on the address's {@code dev} or the instance's interface. The kernel then answers for
         * them and the host's own services can use them; the router announces them, removes
         * them when the instance leaves master or the router stops, and removes such addresses
         * left by a crash when it starts. Default: none (every address in user space).
         *
         * @param which the addresses for the kernel
         * @return this
         */
        public Builder onKernel(Predicate<InetAddress> which) {
            onKernel = Objects.requireNonNull(which);
            return this;
        }

        /**
         * Sets the runner of tracked and notify scripts.
         *
         * @param value the runner
         * @return this
         */
        public Builder scriptRunner(ScriptRunner value) {
            scriptRunner = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Builds the router (not started).
         *
         * @return the router
         * @throws IllegalArgumentException with no instance, an IPv6 source address that is
         *     not link-local, or what
         *     {@link VrrpNode.Builder#build()} refuses
         */
        public EpollVrrpRouter build() {
            if (instances.isEmpty()) {
                throw new IllegalArgumentException("no VRRP instance");
            }
            for (VrrpInstanceConfig c : instances) {
                if (c.sourceAddress().orElse(null) instanceof Inet6Address a && !a.isLinkLocalAddress()) {
                    throw new IllegalArgumentException("the IPv6 primary address must be link-local: " + c.name());
                }
            }
            return new EpollVrrpRouter(this);
        }
    }
}

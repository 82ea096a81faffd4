package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.core.time.NanoClock;
import io.lvs4j.vrrp.internal.Instance;
import io.lvs4j.vrrp.internal.NodeLayout;
import io.lvs4j.vrrp.internal.NotifyScriptListener;
import io.lvs4j.vrrp.internal.ScriptTracker;
import io.lvs4j.vrrp.internal.SyncGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A VRRP router: several instances, their sync groups, tracked interfaces and scripts, and
 * notifications, driven by events and a clock and talking to the network through a
 * {@link VrrpPort}. It owns no thread: the host calls {@link #tick()} at
 * {@link #nextDeadline()} and feeds received packets and link changes in. {@link VrrpService}
 * is such a host on a thread of its own; a raw-socket transport can drive one from its event
 * loop instead.
 *
 * <p>Not thread-safe: every method must be called on one thread, which is also where script
 * results arrive through the callback executor given to the builder.
 */
public final class VrrpNode {

    private static final Logger LOG = LoggerFactory.getLogger(VrrpNode.class);

    private final NanoClock clock;
    private final ScriptRunner scriptRunner;
    private final Executor callbackExecutor;
    private final VrrpPort port;
    private final List<VrrpListener> userListeners;
    private final VrrpListener listener;
    private NotifyScriptListener notify;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final List<SyncGroup> groups = new ArrayList<>();
    private final Map<String, AdvertValidator> validators = new HashMap<>();
    private final Map<String, Instance[]> v4 = new HashMap<>();
    private final Map<String, Instance[]> v6 = new HashMap<>();
    private final Map<String, Boolean> linkUp = new HashMap<>();
    private final AtomicLong loopedBack = new AtomicLong();
    private final byte[] sender4 = new byte[4];
    private final byte[] sender6 = new byte[16];
    private final long[] lastDropLog = new long[AdvertCheck.values().length];
    private boolean started;

    private VrrpNode(Builder b) {
        this.clock = b.clock;
        this.scriptRunner = b.scriptRunner;
        this.callbackExecutor = b.callbackExecutor;
        this.port = b.port;
        NodeLayout layout = NodeLayout.check(b.instances, b.groups, scriptRunner != null);
        this.userListeners = List.copyOf(b.listeners);
        this.listener = new Dispatch();
        notify = layout.notifies() ? new NotifyScriptListener(scriptRunner, layout.instanceScripts(),
                layout.groupScripts()) : null;
        for (VrrpInstanceConfig c : layout.instances()) {
            instances.put(c.name(), new Instance(c, layout.tracking().get(c.name()), clock, port, listener));
        }
        index(layout);
    }

    /** Rebuilds the VRID tables, the validators' expectations and the sync groups from the instances. */
    private void index(NodeLayout layout) {
        v4.clear();
        v6.clear();
        for (Instance inst : instances.values()) {
            VrrpInstanceConfig c = inst.config();
            Instance[] table = (inst.primary().length == 4 ? v4 : v6)
                    .computeIfAbsent(c.interfaceName(), k -> new Instance[256]);
            table[c.virtualRouterId()] = inst;
        }
        validators.keySet().retainAll(instances.values().stream().map(i -> i.config().interfaceName()).toList());
        validators.values().forEach(AdvertValidator::forgetAll);
        for (Instance inst : instances.values()) {
            VrrpInstanceConfig c = inst.config();
            Advertisement advert = Advertisement.of(c, c.priority());
            validators.computeIfAbsent(c.interfaceName(), k -> new AdvertValidator())
                    .expect(advert.version(), c.virtualRouterId(), advert.addresses(), advert.intervalCentis(),
                            advert.authPass(), c.unicastPeers(), c.priority() == 255, c.strictMode());
        }
        instances.values().forEach(i -> i.group(null));
        groups.clear();
        for (VrrpSyncGroupConfig g : layout.groups()) {
            groups.add(new SyncGroup(g.name(), g.instances().stream().map(instances::get).toList(), listener));
        }
    }

    /**
     * Applies a new configuration, as keepalived's reload does: an instance that is still there
     * (same name, interface, VRID, version and source address) keeps its state and its timers;
     * its priority, addresses, advert interval, preemption, tracking and scripts change in
     * place, without a transition (a master's changed addresses are re-owned through
     * {@link VrrpPort#addressesChanged}); an instance that changed its identity starts anew;
     * a removed instance stops (a master sends its priority-0 advert and releases its
     * addresses); a new one starts. Sync groups and notify scripts are rebuilt.
     *
     * @param nextInstances the instances, each with its source address
     * @param nextGroups the sync groups
     * @throws IllegalArgumentException if the configuration is refused as {@link Builder#build()}
     *     refuses one; the node is then unchanged
     */
    public void reconfigure(List<VrrpInstanceConfig> nextInstances, List<VrrpSyncGroupConfig> nextGroups) {
        NodeLayout layout = NodeLayout.check(nextInstances, nextGroups, scriptRunner != null);
        Map<String, Instance> next = new LinkedHashMap<>();
        List<Instance> fresh = new ArrayList<>();
        for (VrrpInstanceConfig c : layout.instances()) {
            Instance old = instances.get(c.name());
            if (old == null || !old.sameRouter(c)) {
                Instance inst = new Instance(c, layout.tracking().get(c.name()), clock, port, listener);
                next.put(c.name(), inst);
                fresh.add(inst);
            } else {
                next.put(c.name(), old);
            }
        }
        for (Instance old : instances.values()) {
            if (next.get(old.config().name()) != old) {
                LOG.info("VRRP_Instance({}) no longer exists", old.config().name());
                old.machine().shutdown();
            }
        }
        notify = layout.notifies() ? new NotifyScriptListener(scriptRunner, layout.instanceScripts(),
                layout.groupScripts()) : null;
        long now = clock.nanoTime();
        for (VrrpInstanceConfig c : layout.instances()) {
            Instance inst = next.get(c.name());
            if (!fresh.contains(inst)) {
                inst.reconfigure(c, layout.tracking().get(c.name()), now);
            }
        }
        instances.clear();
        instances.putAll(next);
        index(layout);
        if (started) {
            for (Instance i : instances.values()) {
                i.refreshTracking(linkUp);
            }
            for (Instance i : fresh) {
                i.machine().start();
            }
            tick();
        }
    }

    /** Tells the user's listeners and the notify scripts of the moment, each failure logged and contained. */
    private final class Dispatch implements VrrpListener {
        @Override
        public void instanceStateChanged(String instance, VrrpState from, VrrpState to, int priority) {
            for (VrrpListener l : targets()) {
                try {
                    l.instanceStateChanged(instance, from, to, priority);
                } catch (RuntimeException e) {
                    LOG.warn("VRRP listener failed on {} {}", instance, to, e);
                }
            }
        }

        @Override
        public void groupStateChanged(String group, VrrpState state) {
            for (VrrpListener l : targets()) {
                try {
                    l.groupStateChanged(group, state);
                } catch (RuntimeException e) {
                    LOG.warn("VRRP listener failed on group {} {}", group, state, e);
                }
            }
        }

        private List<VrrpListener> targets() {
            if (notify == null) {
                return userListeners;
            }
            List<VrrpListener> all = new ArrayList<>(userListeners);
            all.add(notify);
            return all;
        }
    }

    /**
     * Starts a builder.
     *
     * @param port the I/O boundary
     * @return a builder using the system clock and running callbacks directly
     */
    public static Builder builder(VrrpPort port) {
        return new Builder(Objects.requireNonNull(port, "port"));
    }

    /** Starts every instance (owners become master at once, the others backup). */
    public void start() {
        if (started) {
            return;
        }
        started = true;
        for (Instance i : instances.values()) {
            i.refreshTracking(linkUp);
        }
        for (Instance i : instances.values()) {
            i.machine().start();
        }
        tick();
    }

    /** Stops every instance: masters send a priority-0 advert and release their addresses. */
    public void stop() {
        if (!started) {
            return;
        }
        started = false;
        for (Instance i : instances.values()) {
            i.machine().shutdown();
        }
    }

    /** Fires the timers and starts the scripts that are due. */
    public void tick() {
        if (!started) {
            return;
        }
        long now = clock.nanoTime();
        for (Instance i : instances.values()) {
            if (i.machine().nextDeadline() - now <= 0) {
                i.machine().tick();
            }
            for (ScriptTracker s : i.scripts()) {
                if (s.nextRun() - now <= 0) {
                    runScript(i, s, now);
                }
            }
        }
    }

    private void runScript(Instance instance, ScriptTracker tracker, long now) {
        tracker.started(now);
        scriptRunner.run(tracker.command(), tracker.script().timeout()).whenComplete((result, error) ->
                callbackExecutor.execute(() -> scriptDone(instance, tracker, error == null && result.success())));
    }

    private void scriptDone(Instance instance, ScriptTracker tracker, boolean success) {
        if (tracker.record(success)) {
            LOG.info("VRRP script {} of {} is now {}", tracker.script().name(), instance.config().name(),
                    tracker.good() ? "good" : "bad");
            if (started) {
                instance.refreshTracking(linkUp);
            }
        }
    }

    /** @return the earliest time {@link #tick()} is wanted, or {@link Long#MAX_VALUE} */
    public long nextDeadline() {
        if (!started) {
            return Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        long now = clock.nanoTime();
        for (Instance i : instances.values()) {
            next = earlier(next, i.machine().nextDeadline(), now);
            for (ScriptTracker s : i.scripts()) {
                next = earlier(next, s.nextRun(), now);
            }
        }
        return next;
    }

    private static long earlier(long a, long b, long now) {
        if (a == Long.MAX_VALUE) {
            return b;
        }
        if (b == Long.MAX_VALUE) {
            return a;
        }
        return b - now < a - now ? b : a;
    }

    /**
     * Handles a packet received on an IPv4 raw socket of protocol 112 (IP header included).
     *
     * @param interfaceName the interface it arrived on
     * @param packet its memory
     * @param offset where the IP header starts
     * @param length bytes received
     * @return the validator's verdict ({@link AdvertCheck#UNKNOWN_VRID}, uncounted, for an
     *     interface no instance uses)
     */
    public AdvertCheck receiveIpv4(String interfaceName, MemorySegment packet, long offset, int length) {
        AdvertValidator validator = validators.get(interfaceName);
        if (validator == null) {
            return AdvertCheck.UNKNOWN_VRID;
        }
        AdvertCheck verdict = validator.checkIpv4(packet, offset, length);
        if (verdict == AdvertCheck.ACCEPTED) {
            System.arraycopy(validator.sourceAddress(), 0, sender4, 0, 4);
            deliver(v4.get(interfaceName), validator.advert(), sender4);
        } else {
            logDrop(interfaceName, validator, verdict);
        }
        return verdict;
    }

    /**
     * Handles a VRRP message received on an IPv6 raw socket of protocol 112.
     *
     * @param interfaceName the interface it arrived on
     * @param message its memory
     * @param offset where the VRRP message starts
     * @param length its length
     * @param hopLimit the hop limit it arrived with
     * @param source the sender, 16 bytes
     * @param destination the destination, 16 bytes
     * @return the validator's verdict
     */
    public AdvertCheck receiveIpv6(String interfaceName, MemorySegment message, long offset, int length,
                                   int hopLimit, byte[] source, byte[] destination) {
        AdvertValidator validator = validators.get(interfaceName);
        if (validator == null) {
            return AdvertCheck.UNKNOWN_VRID;
        }
        AdvertCheck verdict = validator.checkIpv6(message, offset, length, hopLimit, source, destination);
        if (verdict == AdvertCheck.ACCEPTED) {
            System.arraycopy(source, 0, sender6, 0, 16);
            deliver(v6.get(interfaceName), validator.advert(), sender6);
        } else {
            logDrop(interfaceName, validator, verdict);
        }
        return verdict;
    }

    /** Logs a dropped advert, at most once per cause every ten seconds. */
    private void logDrop(String interfaceName, AdvertValidator validator, AdvertCheck verdict) {
        long now = clock.nanoTime();
        int i = verdict.ordinal();
        if (lastDropLog[i] == 0 || now - lastDropLog[i] >= 10_000_000_000L) {
            lastDropLog[i] = now;
            LOG.info("VRRP advert dropped on {}: {} ({} so far)", interfaceName, verdict, validator.counter(verdict));
        }
    }

    private void deliver(Instance[] table, VrrpAdvert advert, byte[] sender) {
        Instance inst = table == null ? null : table[advert.vrid()];
        if (inst == null) {
            return;
        }
        if (java.util.Arrays.equals(sender, inst.primary())) {
            loopedBack.incrementAndGet();
            return;
        }
        inst.machine().advert(advert.priority(), advert.intervalCentis(), sender);
    }

    /**
     * Handles a link change of an interface (tracked interfaces follow it).
     *
     * @param interfaceName the interface
     * @param up whether its link is up
     */
    public void linkChanged(String interfaceName, boolean up) {
        Boolean old = linkUp.put(interfaceName, up);
        if (old == null ? !up : old != up) {
            for (Instance i : instances.values()) {
                if (i.tracking().tracks(interfaceName)) {
                    i.refreshTracking(linkUp);
                }
            }
        }
    }

    /**
     * Returns an instance's state.
     *
     * @param instance the instance name
     * @return its state
     * @throws IllegalArgumentException for an unknown name
     */
    public VrrpState state(String instance) {
        return instance(instance).machine().state();
    }

    /**
     * Returns an instance's effective priority.
     *
     * @param instance the instance name
     * @return the priority after tracking weights
     * @throws IllegalArgumentException for an unknown name
     */
    public int priority(String instance) {
        return instance(instance).machine().priority();
    }

    /** @return the instance names, in configuration order */
    public List<String> instanceNames() {
        return List.copyOf(instances.keySet());
    }

    /**
     * Returns the validator (and its counters) of an interface.
     *
     * @param interfaceName the interface
     * @return its validator, or null when no instance uses it
     */
    public AdvertValidator validator(String interfaceName) {
        return validators.get(interfaceName);
    }

    /** @return how many valid adverts carried this router's own address (looped back) and were ignored */
    public long loopedBack() {
        return loopedBack.get();
    }

    private Instance instance(String name) {
        Instance i = instances.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no instance " + name);
        }
        return i;
    }

    /** Builds a {@link VrrpNode}. Not thread-safe. */
    public static final class Builder {
        private final VrrpPort port;
        private NanoClock clock = NanoClock.SYSTEM;
        private ScriptRunner scriptRunner;
        private Executor callbackExecutor = Runnable::run;
        private final List<VrrpListener> listeners = new ArrayList<>();
        private final List<VrrpInstanceConfig> instances = new ArrayList<>();
        private final List<VrrpSyncGroupConfig> groups = new ArrayList<>();

        private Builder(VrrpPort port) {
            this.port = port;
        }

        /**
         * Sets the clock.
         *
         * @param value the time source
         * @return this
         */
        public Builder clock(NanoClock value) {
            clock = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Sets the script runner (needed for tracked and notify scripts).
         *
         * @param value the runner
         * @return this
         */
        public Builder scriptRunner(ScriptRunner value) {
            scriptRunner = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Sets the executor that brings script results back to the node's thread.
         *
         * @param value an executor running tasks on the node's thread
         * @return this
         */
        public Builder callbackExecutor(Executor value) {
            callbackExecutor = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param value called on state changes
         * @return this
         */
        public Builder listener(VrrpListener value) {
            listeners.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Adds an instance. It tracks its own interface (unless {@code dont_track_primary}), its
         * tracked interfaces and scripts and those of its sync group.
         *
         * @param value its configuration, with its source address
         * @return this
         */
        public Builder instance(VrrpInstanceConfig value) {
            instances.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Adds a sync group; a group of one instance runs that instance alone.
         *
         * @param value its configuration
         * @return this
         */
        public Builder syncGroup(VrrpSyncGroupConfig value) {
            groups.add(Objects.requireNonNull(value));
            return this;
        }

        /**
         * Builds the node (not started).
         *
         * @return the node
         * @throws IllegalArgumentException on duplicate names or VRIDs, unknown group members or
         *     an instance in two groups, an instance without source or virtual address, or
         *     scripts without a runner
         */
        public VrrpNode build() {
            return new VrrpNode(this);
        }
    }
}

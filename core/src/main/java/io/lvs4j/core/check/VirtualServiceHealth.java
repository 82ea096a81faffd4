package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.CheckRunner;
import io.lvs4j.core.check.internal.KeepalivedNames;
import io.lvs4j.core.check.internal.QuorumState;
import io.lvs4j.core.check.internal.Scripts;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.DestinationSet;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health checking of one {@link VirtualService}, as keepalived's checker process does it: the
 * checkers' outcomes add and remove real servers ({@code inhibit_on_failure}: weight 0 instead,
 * so existing connections stay), restore their weight when they come back, apply
 * {@code misc_dynamic} weights, swap in the {@code sorry_server} while quorum is lost, and run
 * the notify hooks (Java {@link HealthListener}s and scripts).
 *
 * <p>keepalived's {@code ha_suspend}: {@link #vipHeld(boolean)} suspends the checkers while the
 * director does not hold the VIP; {@code omega}: {@link #shutdown()} runs the notifiers first.
 *
 * <p>It manages only the servers it is given; other servers of the service are left alone,
 * and a server someone else changed (a runtime change, {@code ipvsadm -e}) stays as changed until
 * its health changes, as keepalived leaves what ipvsadm did. A
 * {@link #reload(ServiceChecks) reload} keeps the checkers (and so the health) of servers whose
 * checks did not change; {@link #reassert()} then puts the service back as the checks have it.
 *
 * <p>It logs in keepalived's words, so that log-based alerts carry over:
 * {@code TCP_CHECK on service [198.18.0.11]:tcp:80 failed (...).},
 * {@code Removing service [198.18.0.11]:tcp:80 from VS [198.18.0.10]:tcp:80} ({@code Adding ... to},
 * or {@code Disabling}/{@code Enabling ... of} with {@code inhibit_on_failure}),
 * {@code Lost quorum 1-0=1 > 0 for VS [198.18.0.10]:tcp:80}.
 *
 * <p>Threading: safe for use from any thread; state changes are serialised on this object's
 * monitor (control plane only: the packet path reads the service's published snapshot).
 */
public final class VirtualServiceHealth implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualServiceHealth.class);
    private static final int ABSENT = -1;

    private final VirtualService service;
    private final HealthCheckEngine engine;
    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private ServiceChecks config;
    private QuorumState quorum;
    private RealServer sorryApplied;
    private RealServer sorryServer;
    private boolean started;
    private boolean closed;
    /** Whether the director holds the service's VIP (ha_suspend); true until told otherwise. */
    private boolean vipHeld = true;
    private boolean suspended;

    /**
     * Prepares health checking; nothing runs before {@link #start()}.
     *
     * @param service the virtual service whose real servers the checks drive
     * @param engine the loops the checkers run on
     * @param config the checks
     */
    public VirtualServiceHealth(VirtualService service, HealthCheckEngine engine, ServiceChecks config) {
        this.service = Objects.requireNonNull(service, "service");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Adds a listener.
     *
     * @param listener told of server and quorum changes
     * @return this
     */
    public VirtualServiceHealth addListener(HealthListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Puts the servers in the service as their initial states say (up unless alpha), computes the
     * quorum, and starts the checkers.
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        for (ServerChecks sc : config.servers()) {
            members.put(sc.server().endpoint(), new Member(sc));
        }
        sorryServer = config.sorryServer();
        quorum = new QuorumState(config.quorum(), config.hysteresis(), liveWeight());
        syncAll();
        if (!quorum.up()) {
            quorumNotify(false);
        }
        for (Member m : members.values()) {
            m.startRunners();
        }
    }

    /**
     * Applies a new configuration. Servers, and checkers of a server, that are equal in both keep
     * running with their state, so a healthy server does not flap; new ones start, gone ones stop
     * and their servers leave the service.
     *
     * @param next the new checks
     */
    public synchronized void reload(ServiceChecks next) {
        Objects.requireNonNull(next, "next");
        if (!started || closed) {
            config = next;
            return;
        }
        Map<String, Member> old = new LinkedHashMap<>(members);
        members.clear();
        List<Member> fresh = new ArrayList<>();
        for (ServerChecks sc : next.servers()) {
            Member previous = old.remove(sc.server().endpoint());
            Member m = previous == null ? new Member(sc) : previous.migrate(sc);
            members.put(sc.server().endpoint(), m);
            fresh.add(m);
        }
        for (Member gone : old.values()) {
            gone.stopRunners();
            LOG.info("service {} no longer exist", endpoint(gone.spec.server()));
            removeMember(gone, "removed by reload");
        }
        if (sorryServer != null && (next.sorryServer() == null || !next.sorryServer().equals(sorryServer))) {
            apply(sorryServer, ABSENT, sorryApplied);
            sorryApplied = null;
        }
        sorryServer = next.sorryServer();
        config = next;
        suspendIfNeeded();
        quorum.configure(next.quorum(), next.hysteresis());
        for (Member m : fresh) {
            m.refresh();
        }
        if (quorum.update(liveWeight())) {
            quorumNotify(quorum.up());
        }
        List<Member> added = fresh.stream().filter(m -> m.applied == null).toList();
        syncAll();
        for (Member m : added) {
            if (m.applied != null) {
                LOG.info("Adding service {} to VS {}", endpoint(m.spec.server()), endpoint(service));
            }
        }
        for (Member m : fresh) {
            m.startRunners();
        }
    }

    /**
     * Makes the service hold exactly what these checks put in: the managed servers that are up
     * (or inhibited) at the weights the checks give, the sorry server as quorum has it, and no
     * other server. Undoes runtime changes, as a keepalived reload replaces what ipvsadm changed.
     */
    public synchronized void reassert() {
        if (!started || closed) {
            return;
        }
        Map<String, RealServer> present = new HashMap<>();
        DestinationSet set = service.destinations();
        for (int i = 0; i < set.size(); i++) {
            present.put(set.get(i).server().endpoint(), set.get(i).server());
        }
        for (RealServer s : present.values()) {
            if (!members.containsKey(s.endpoint()) && (sorryServer == null || !sorryServer.sameEndpoint(s))) {
                service.removeRealServer(s.address(), s.port());
            }
        }
        for (Member m : members.values()) {
            m.applied = present.get(m.spec.server().endpoint());
        }
        if (sorryServer != null) {
            sorryApplied = present.get(sorryServer.endpoint());
        }
        syncAll();
    }

    /** @return true while quorum is met (the tracked state a VRRP instance may follow) */
    public synchronized boolean quorumUp() {
        return quorum != null && quorum.up();
    }

    /**
     * @param server a managed server (matched by address and port)
     * @return true if it is up; false if it is down or unknown
     */
    public synchronized boolean isUp(RealServer server) {
        Member m = members.get(server.endpoint());
        return m != null && m.alive;
    }

    /** @return the sum of the weights of the live servers */
    public synchronized long liveWeight() {
        long sum = 0;
        for (Member m : members.values()) {
            if (m.alive) {
                sum += m.weight;
            }
        }
        return sum;
    }

    /**
     * @param server a managed server
     * @return attempts its checkers completed (a measure of schedule keeping), -1 if unknown
     */
    public synchronized long attempts(RealServer server) {
        Member m = members.get(server.endpoint());
        if (m == null) {
            return -1;
        }
        long n = 0;
        for (CheckRunner r : m.runners) {
            n += r.attempts();
        }
        return n;
    }

    /**
     * @param server a managed server
     * @return the result of the last attempt of each of its checkers (null before the first),
     *     empty if the server is unknown
     */
    public synchronized List<CheckResult> lastResults(RealServer server) {
        Member m = members.get(server.endpoint());
        if (m == null) {
            return List.of();
        }
        List<CheckResult> list = new ArrayList<>(m.runners.size());
        for (CheckRunner r : m.runners) {
            list.add(r.lastResult());
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * Returns how late, at worst, any checker started an attempt against its schedule since the
     * last call (a measure of event-loop saturation), and starts a new measurement.
     *
     * @return nanoseconds
     */
    public synchronized long takeMaxLateNanos() {
        long max = 0;
        for (Member m : members.values()) {
            for (CheckRunner r : m.runners) {
                max = Math.max(max, r.takeMaxLateNanos());
            }
        }
        return max;
    }

    /**
     * Tells whether the director holds the service's VIP (a VRRP master of it, or no VRRP). With
     * {@code ha_suspend} the checkers are suspended while it does not (their servers stay as they
     * were) and resume when it does, as keepalived suspends them while the address is not on the
     * host. May be called before {@link #start()}, so that checks start suspended.
     *
     * @param held true while the VIP is held
     */
    public synchronized void vipHeld(boolean held) {
        vipHeld = held;
        if (!closed) {
            suspendIfNeeded();
        }
    }

    /** @return true while {@code ha_suspend} holds the checkers */
    public synchronized boolean suspended() {
        return suspended;
    }

    private void suspendIfNeeded() {
        boolean want = config.haSuspend() && !vipHeld;
        if (want == suspended) {
            return;
        }
        suspended = want;
        LOG.info("{} healthcheckers of VS {} (ha_suspend: its VIP is {}held)", want ? "Suspending" : "Activating",
                endpoint(service), want ? "not " : "");
        for (Member m : members.values()) {
            for (CheckRunner r : m.runners) {
                r.suspend(want);
            }
        }
    }

    /**
     * Stops at shutdown: with {@code omega}, as keepalived does, first tells the listeners and
     * runs {@code notify_down} for every live server ({@code Shutting down service ... from VS
     * ...}), then runs {@code quorum_down} (the listeners hear of it if quorum was up); then
     * {@link #close()}. Without {@code omega} it is {@link #close()}.
     */
    public synchronized void shutdown() {
        if (config.omega() && started && !closed) {
            for (Member m : members.values()) {
                if (m.alive) {
                    LOG.info("Shutting down service {} from VS {}", endpoint(m.spec.server()), endpoint(service));
                    tellDown(m, "shutting down");
                }
            }
            if (quorum.up()) {
                listeners.forEach(l -> safely(() -> l.quorumChanged(service, false, 0)));
            }
            LOG.info("Shutting down VS {}: quorum down", endpoint(service));
            script(config.quorumDown());
        }
        close();
    }

    /**
     * Stops because a reload removed the service, as keepalived does: its live servers are told
     * down ({@code notify_down}), then a quorum that was up is lost ({@code quorum_down}); then
     * {@link #close()}. Whatever {@code omega} says, which is for shutdown only.
     */
    public synchronized void remove() {
        if (started && !closed) {
            for (Member m : members.values()) {
                m.stopRunners();
                removeMember(m, "service removed by reload");
            }
            if (sorryServer != null) {
                apply(sorryServer, ABSENT, sorryApplied);
                sorryApplied = null;
            }
            if (quorum.up()) {
                LOG.info("Lost quorum for VS {}: the service was removed", endpoint(service));
                listeners.forEach(l -> safely(() -> l.quorumChanged(service, false, 0)));
                script(config.quorumDown());
            }
        }
        close();
    }

    /** Takes a server out of the service, telling a live one down (keepalived's {@code clear_service_rs}). */
    private void removeMember(Member gone, String reason) {
        if (gone.applied != null) {
            LOG.info("Removing service {} from VS {}", endpoint(gone.spec.server()), endpoint(service));
            if (gone.alive) {
                tellDown(gone, reason);
            }
        }
        apply(gone.spec.server(), ABSENT, gone.applied);
        gone.applied = null;
        gone.alive = false;
    }

    /** Tells the listeners a server is down and runs its {@code notify_down}. */
    private void tellDown(Member m, String reason) {
        RealServer s = m.spec.server().withWeight(m.weight);
        listeners.forEach(l -> safely(() -> l.realServerDown(service, s, reason)));
        script(m.spec.notifyDown());
    }

    /** Stops every checker; the service's servers stay as they are. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Member m : members.values()) {
            m.stopRunners();
        }
    }

    private void changed(Member m, CheckRunner runner, CheckResult result) {
        synchronized (this) {
            if (closed || members.get(m.spec.server().endpoint()) != m) {
                return;
            }
            boolean wasAlive = m.alive;
            m.refresh();
            if (m.alive != wasAlive) {
                RealServer s = m.spec.server().withWeight(m.weight);
                boolean inhibit = m.spec.inhibitOnFailure();
                if (m.alive) {
                    LOG.info("{} on service {} success.", runner.check().name(), endpoint(s));
                    LOG.info("{} service {} {} VS {}", inhibit ? "Enabling" : "Adding", endpoint(s),
                            inhibit ? "of" : "to", endpoint(service));
                    listeners.forEach(l -> safely(() -> l.realServerUp(service, s)));
                    script(m.spec.notifyUp());
                } else {
                    String reason = result.reason() + " (" + runner.check().name() + ")";
                    LOG.info("{} on service {} failed ({}).", runner.check().name(), endpoint(s), result.reason());
                    LOG.info("{} service {} {} VS {}", inhibit ? "Disabling" : "Removing", endpoint(s),
                            inhibit ? "of" : "from", endpoint(service));
                    tellDown(m, reason);
                }
            }
            if (quorum.update(liveWeight())) {
                quorumNotify(quorum.up());
                syncAll();
            } else {
                sync(m);
            }
        }
    }

    private void quorumNotify(boolean up) {
        long weight = liveWeight();
        int q = Math.max(1, config.quorum());
        int h = config.hysteresis();
        if (up) {
            LOG.info("Gained quorum {}+{}={} <= {} for VS {}", q, h, q + h, weight, endpoint(service));
        } else {
            LOG.info("Lost quorum {}-{}={} > {} for VS {}", q, h, q - h, weight, endpoint(service));
        }
        listeners.forEach(l -> safely(() -> l.quorumChanged(service, up, weight)));
        script(up ? config.quorumUp() : config.quorumDown());
    }

    private boolean sorryActive() {
        return sorryServer != null && !quorum.up();
    }

    private void syncAll() {
        for (Member m : members.values()) {
            sync(m);
        }
        if (sorryServer != null) {
            int want = sorryActive() ? sorryServer.weight() : config.sorryInhibit() ? 0 : ABSENT;
            sorryApplied = apply(sorryServer, want, sorryApplied);
        }
    }

    private void sync(Member m) {
        int want;
        if (m.alive && !sorryActive()) {
            want = m.weight;
        } else if (m.spec.inhibitOnFailure()) {
            want = 0;
        } else {
            want = ABSENT;
        }
        m.applied = apply(m.spec.server(), want, m.applied);
    }

    /**
     * Makes the service hold {@code server} at weight {@code want} (or not at all), given what was
     * applied last; returns what is applied now (null: absent).
     */
    private RealServer apply(RealServer server, int want, RealServer applied) {
        if (want == ABSENT) {
            if (applied != null) {
                service.removeRealServer(server.address(), server.port());
            }
            return null;
        }
        RealServer s = server.withWeight(want);
        if (s.equals(applied)) {
            return applied;
        }
        try {
            if (applied == null) {
                service.addRealServer(s);
            } else {
                service.editRealServer(s);
            }
        } catch (IllegalArgumentException e) {
            // Someone else added or removed it meanwhile: do the other operation.
            if (applied == null) {
                service.editRealServer(s);
            } else {
                service.addRealServer(s);
            }
        }
        return s;
    }

    /** @return the server as keepalived names it ({@link KeepalivedNames}) */
    private String endpoint(RealServer server) {
        return KeepalivedNames.realServer(service, server);
    }

    /** @return the service as keepalived names it ({@link KeepalivedNames}) */
    private static String endpoint(VirtualService vs) {
        return KeepalivedNames.virtualServer(vs);
    }

    private void script(List<String> command) {
        if (!command.isEmpty()) {
            Scripts.notify(command, engine.scriptTimeout());
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("health listener failed", e);
        }
    }

    /** One managed real server and its checkers. Guarded by the outer object's monitor. */
    private final class Member {
        private ServerChecks spec;
        private final List<CheckRunner> runners = new ArrayList<>();
        private final List<CheckRunner> toStart = new ArrayList<>();
        private boolean alive;
        private int weight;
        private RealServer applied;

        Member(ServerChecks spec) {
            this.spec = spec;
            for (Checker c : spec.checkers()) {
                addRunner(c);
            }
            refresh();
        }

        private void addRunner(Checker c) {
            RealServer s = spec.server();
            CheckRunner r = new CheckRunner(c.check(), c.timing(), new InetSocketAddress(s.address(), s.port()),
                    engine.nextLoop(), this::runnerChanged);
            if (suspended) {
                r.suspend(true);
            }
            runners.add(r);
            toStart.add(r);
        }

        private void runnerChanged(CheckRunner r, CheckResult result) {
            changed(this, r, result);
        }

        Member migrate(ServerChecks next) {
            List<CheckRunner> old = new ArrayList<>(runners);
            runners.clear();
            toStart.clear();
            ServerChecks before = spec;
            spec = next;
            for (Checker c : next.checkers()) {
                CheckRunner kept = null;
                for (Iterator<CheckRunner> it = old.iterator(); it.hasNext(); ) {
                    CheckRunner r = it.next();
                    if (r.check().equals(c.check()) && r.timing().equals(c.timing())) {
                        kept = r;
                        it.remove();
                        break;
                    }
                }
                if (kept != null) {
                    runners.add(kept);
                } else {
                    addRunner(c);
                }
            }
            for (CheckRunner r : old) {
                r.stop();
            }
            if (!before.server().equals(next.server())) {
                LOG.info("{}: real server {} reconfigured", service, next.server().endpoint());
            }
            return this;
        }

        void refresh() {
            boolean up = true;
            long w = spec.server().weight();
            for (CheckRunner r : runners) {
                up &= r.up();
                if (r.weight() != CheckResult.KEEP_WEIGHT) {
                    w += r.weight() - spec.server().weight();
                }
            }
            alive = up;
            weight = (int) Math.max(0, Math.min(RealServer.MAX_WEIGHT, w));
        }

        void startRunners() {
            for (CheckRunner r : toStart) {
                r.start();
            }
            toStart.clear();
        }

        void stopRunners() {
            for (CheckRunner r : runners) {
                r.stop();
            }
            toStart.clear();
        }
    }
}

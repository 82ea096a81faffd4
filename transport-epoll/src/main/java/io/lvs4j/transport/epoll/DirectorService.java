package io.lvs4j.transport.epoll;

import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.ServiceKey;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.time.NanoClock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A virtual service of a {@link Director}: the service (which the data path forwards), how it is
 * forwarded, the scheduler it was made with (name and flags, to tell a changed one on reload),
 * its health checks as configured and, once started, the health checking that puts its real
 * servers in. Thread-safe: the mutable parts are the control plane's, read through volatile
 * fields.
 */
final class DirectorService {

    /**
     * A scheduler as configured: {@code lb_algo} and its flags.
     *
     * @param name the scheduler's name
     * @param flags its flags by ipvsadm name
     */
    record SchedulerSpec(String name, Set<String> flags) {

        /** Copies the flags. */
        SchedulerSpec {
            Objects.requireNonNull(name, "name");
            flags = Set.copyOf(flags);
        }

        /** @return a new scheduler of this kind, on the system clock */
        io.lvs4j.core.sched.Scheduler create() {
            return Schedulers.create(name, new SchedulerOptions(flags, NanoClock.SYSTEM, 0, 0));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DirectorService.class);

    private final VirtualService service;
    private final Forwarding forwarding;
    private volatile SchedulerSpec scheduler;
    private volatile ServiceChecks checks;
    private volatile VirtualServiceHealth health;

    DirectorService(VirtualService service, Forwarding forwarding, SchedulerSpec scheduler, ServiceChecks checks) {
        this.service = Objects.requireNonNull(service, "service");
        this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.checks = Objects.requireNonNull(checks, "checks");
    }

    /**
     * Makes the service a keepalived {@code virtual_server} declares: its scheduler
     * ({@code lb_algo} and flags), persistence, forwarding and checks.
     *
     * @param vs the virtual server
     * @return the service, its health not started
     * @throws IllegalArgumentException if it is an IPv6 fwmark service, its scheduler is unknown or
     *     its forwarding cannot be served (see {@link ConfigForwarding#map})
     */
    static DirectorService of(VirtualServerConfig vs) {
        if (vs.isFwmark()) {
            requireIpv4(vs);
        }
        SchedulerSpec spec = new SchedulerSpec(vs.scheduler(), vs.schedulerFlags());
        VirtualService service = vs.isFwmark()
                ? VirtualService.firewallMark(vs.protocol(), false, vs.fwmark(), spec.create())
                : new VirtualService(vs.protocol(), vs.address().orElseThrow(), vs.port(), spec.create());
        persistence(service, vs);
        return new DirectorService(service, ConfigForwarding.map(vs), spec, ServiceChecks.from(vs));
    }

    /**
     * Gives a service a virtual server's persistence (none if it has none) and its one-packet
     * scheduling ({@code ops}).
     */
    static void persistence(VirtualService service, VirtualServerConfig vs) {
        service.onePacketScheduling(vs.onePacketScheduling());
        Duration timeout = vs.persistenceTimeout();
        if (timeout.toSeconds() > 65535) {
            LOG.warn("virtual_server {}: persistence_timeout {} s cut to 65535 s", vs.displayName(),
                    timeout.toSeconds());
            timeout = Duration.ofSeconds(65535);
        }
        service.persistence(timeout, vs.persistenceGranularity()
                .orElse(service.address() instanceof Inet4Address ? 32 : 128));
    }

    /**
     * Refuses an IPv6 fwmark service. A fwmark service has no address to tell its family: it is
     * that of its real servers (keepalived's default when {@code ip_family} is not given), IPv4
     * without any; lvs4j serves IPv4 fwmark services only.
     *
     * @throws IllegalArgumentException for IPv6 real servers that are not tunnelled
     */
    private static void requireIpv4(VirtualServerConfig vs) {
        if (vs.forwarding() != ForwardingMethod.TUNNEL && vs.realServers().stream()
                .anyMatch(rs -> rs.address() instanceof java.net.Inet6Address)) {
            throw new IllegalArgumentException("virtual_server " + vs.displayName() + ": lvs4j serves IPv4 fwmark"
                    + " services only (its marked packet socket is bound to IPv4); declare the IPv6 addresses and"
                    + " ports as virtual_servers");
        }
    }

    VirtualService service() {
        return service;
    }

    ServiceKey key() {
        return ServiceKey.of(service);
    }

    Forwarding forwarding() {
        return forwarding;
    }

    SchedulerSpec scheduler() {
        return scheduler;
    }

    /** Replaces the scheduler of new connections, as {@code ipvsadm -E -s} does. */
    void scheduler(SchedulerSpec spec) {
        if (!spec.equals(scheduler)) {
            service.scheduler(spec.create());
            scheduler = spec;
        }
    }

    ServiceChecks checks() {
        return checks;
    }

    /** @return the health checking, null before it starts */
    VirtualServiceHealth health() {
        return health;
    }

    /**
     * Starts the health checking, which puts the configured real servers in.
     *
     * @param engine the loops of the checks
     * @param vipHeld whether the director holds the VIP now ({@code ha_suspend} starts the
     *     checks suspended if not)
     */
    void start(HealthCheckEngine engine, boolean vipHeld) {
        VirtualServiceHealth h = new VirtualServiceHealth(service, engine, checks);
        h.vipHeld(vipHeld);
        health = h;
        h.start();
    }

    /** Tells the health checking whether the director holds the VIP ({@code ha_suspend}). */
    void vipHeld(boolean held) {
        VirtualServiceHealth h = health;
        if (h != null) {
            h.vipHeld(held);
        }
    }

    /**
     * Applies new checks: unchanged checkers keep their state; the service's servers become what
     * the checks say, undoing runtime changes.
     */
    void reload(ServiceChecks next) {
        checks = next;
        VirtualServiceHealth h = health;
        if (h != null) {
            h.reload(next);
            h.reassert();
        }
    }

    /** Stops the health checking. */
    void stop() {
        VirtualServiceHealth h = health;
        if (h != null) {
            h.close();
        }
    }

    /** Stops the health checking of a service a reload removed: its live servers' {@code notify_down} and {@code quorum_down} run. */
    void remove() {
        VirtualServiceHealth h = health;
        if (h != null) {
            h.remove();
        }
    }

    /** Stops the health checking at the director's shutdown: with {@code omega}, the notifiers run first. */
    void shutdown() {
        VirtualServiceHealth h = health;
        if (h != null) {
            h.shutdown();
        }
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ServiceKey;
import io.lvs4j.core.model.VirtualService;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The virtual services a {@link Director} runs, as one list that reloads and runtime changes
 * replace: each service's health checking starts before the data path forwards it (so it has
 * its servers from its first packet) and stops once the data path no longer does.
 *
 * <p>Threading: changes hold this object's lock; {@link #all()} is a lock-free snapshot.
 */
final class DirectorServices {

    private volatile List<DirectorService> services = List.of();
    private HealthCheckEngine engine;
    private volatile PacketDirector data;
    /** Started with no service, so with no data path: VRRP alone. */
    private boolean alone;

    /** Adds a service before the director starts. */
    synchronized void add(DirectorService service) {
        List<DirectorService> next = new ArrayList<>(services);
        next.add(service);
        services = List.copyOf(next);
    }

    /** @return the services, in order */
    List<DirectorService> all() {
        return services;
    }

    /** @return the service with a key, or null */
    DirectorService find(ServiceKey key) {
        for (DirectorService s : services) {
            if (key.matches(s.service())) {
                return s;
            }
        }
        return null;
    }

    /** @return the service of a virtual service, or null */
    DirectorService of(VirtualService service) {
        for (DirectorService s : services) {
            if (s.service() == service) {
                return s;
            }
        }
        return null;
    }

    /** @return the virtual services, in order */
    List<VirtualService> virtualServices() {
        return services.stream().map(DirectorService::service).toList();
    }

    /** @return the health checks of the started services, in order */
    List<VirtualServiceHealth> healths() {
        return services.stream().map(DirectorService::health).filter(Objects::nonNull).toList();
    }

    /** Starts every service's health checking on an engine; later services start on it too. */
    synchronized void start(HealthCheckEngine checks, PacketDirector path) {
        this.engine = checks;
        for (DirectorService s : services) {
            s.start(checks, path.active(s.service().address()));
        }
        this.data = path;
    }

    /**
     * Tells each service's health checking whether the director serves its VIP now (for
     * {@code ha_suspend}); called whenever that may have changed (mastership, reload). Any thread.
     */
    void servingChanged() {
        PacketDirector path = data;
        if (path == null) {
            return;
        }
        for (DirectorService s : services) {
            s.vipHeld(path.active(s.service().address()));
        }
    }

    /** Notes that the director started with no service and so no data path (VRRP alone). */
    synchronized void startAlone() {
        alone = true;
    }

    /**
     * Replaces the services: the health checking of new ones starts, the data path forwards
     * exactly these, the health checking of the services left out stops (their live servers are
     * told down, as a keepalived reload does). Services given again (the same objects) keep
     * everything.
     *
     * @param next the services, in order
     * @throws IllegalArgumentException if the data path cannot serve them, or the director runs
     *     VRRP alone (nothing changes then)
     */
    synchronized void replace(List<DirectorService> next) {
        if (alone && !next.isEmpty()) {
            throw new IllegalArgumentException("the director runs VRRP alone: virtual services need a restart");
        }
        List<DirectorService> fresh = next.stream().filter(s -> !services.contains(s)).toList();
        List<DirectorService> gone = services.stream().filter(s -> !next.contains(s)).toList();
        if (engine != null) {
            for (DirectorService s : fresh) {
                s.start(engine, data == null || data.active(s.service().address()));
            }
        }
        if (data != null) {
            try {
                data.update(next.stream().map(DirectorService::service).toList(),
                        next.stream().map(DirectorService::forwarding).toList());
            } catch (RuntimeException e) {
                fresh.forEach(DirectorService::stop);
                throw e;
            }
        }
        services = List.copyOf(next);
        gone.forEach(DirectorService::remove);
    }

    /** Tells the data path to follow the services' real servers now. */
    void syncDestinations() {
        PacketDirector path = data;
        if (path != null) {
            path.syncDestinations();
        }
    }

    /** @return how a virtual service is forwarded, or null if it is not one of these */
    Forwarding forwarding(VirtualService service) {
        DirectorService s = of(service);
        return s == null ? null : s.forwarding();
    }

    /** Stops every service's health checking at the director's shutdown ({@code omega} notifiers run). */
    synchronized void stop() {
        services.forEach(DirectorService::shutdown);
    }
}

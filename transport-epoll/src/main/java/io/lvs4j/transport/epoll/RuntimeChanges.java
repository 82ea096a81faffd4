package io.lvs4j.transport.epoll;

import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.ServiceKey;
import io.lvs4j.core.model.VirtualService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Changes a running {@link Director}'s services and real servers one at a time, as
 * {@code ipvsadm -A/-E/-D} and {@code -a/-e/-d} do. Each change applies at once (the data path
 * follows within the call) and is logged.
 *
 * <p>As with ipvsadm beside keepalived: a real server the health checks manage keeps what a
 * runtime change gave it until its health changes (then the checks apply their own weight, or
 * remove it); a server or service added at run time is not checked; and a later
 * {@link Director#reload reload} replaces every runtime change with the configuration. A weight
 * of 0 quiesces a server (no new connection, its connections go on); deleting it makes it
 * unavailable (its connections follow {@code expire_nodest_conn}).
 *
 * <p>Thread-safe: changes are serialised.
 */
public final class RuntimeChanges {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeChanges.class);

    private final DirectorServices services;

    RuntimeChanges(DirectorServices services) {
        this.services = services;
    }

    /**
     * Adds a virtual service with no real server, as {@code ipvsadm -A}.
     *
     * @param key its protocol, address and port, or its firewall mark ({@code ipvsadm -A -f};
     *     its address then gives the family)
     * @param scheduler the scheduler's name ({@code rr}, {@code wlc}, {@code mh} ...)
     * @param persistence its persistence timeout, zero for none ({@code -p})
     * @param forwarding how its real servers are reached (lvs4j forwards a service by one method)
     * @throws IllegalArgumentException if the service exists, the scheduler is unknown, or the
     *     director cannot serve it
     */
    public synchronized void addService(ServiceKey key, String scheduler, Duration persistence, Forwarding forwarding) {
        Objects.requireNonNull(forwarding, "forwarding");
        if (services.find(key) != null) {
            throw new IllegalArgumentException("service " + key + " exists");
        }
        DirectorService.SchedulerSpec spec = new DirectorService.SchedulerSpec(scheduler, Set.of());
        VirtualService vs = key.fwmark() != 0
                ? VirtualService.firewallMark(key.protocol(), key.address() instanceof java.net.Inet6Address,
                        key.fwmark(), spec.create())
                : new VirtualService(key.protocol(), key.address(), key.port(), spec.create());
        persistence(vs, persistence);
        List<DirectorService> next = new ArrayList<>(services.all());
        next.add(new DirectorService(vs, forwarding, spec, ServiceChecks.of(List.of())));
        services.replace(next);
        LOG.info("runtime change: added service {} {} ({})", key, scheduler, forwarding.method());
    }

    /**
     * Changes a virtual service's scheduler or persistence, as {@code ipvsadm -E}: a new
     * scheduler takes the new connections.
     *
     * @param key the service
     * @param scheduler the scheduler's name, or null to keep it
     * @param persistence the persistence timeout (zero: none), or null to keep it
     * @throws IllegalArgumentException if there is no such service or the scheduler is unknown
     */
    public synchronized void editService(ServiceKey key, String scheduler, Duration persistence) {
        DirectorService s = service(key);
        if (scheduler != null) {
            s.scheduler(new DirectorService.SchedulerSpec(scheduler, Set.of()));
        }
        if (persistence != null) {
            persistence(s.service(), persistence);
        }
        LOG.info("runtime change: edited service {} (scheduler {}, persistence {} s)", key,
                s.scheduler().name(), s.service().persistenceSeconds());
    }

    /**
     * Removes a virtual service, as {@code ipvsadm -D}: its VIP:port is no longer forwarded.
     *
     * @param key the service
     * @throws IllegalArgumentException if there is no such service, or it is the last one
     */
    public synchronized void deleteService(ServiceKey key) {
        DirectorService s = service(key);
        List<DirectorService> next = new ArrayList<>(services.all());
        next.remove(s);
        if (next.isEmpty()) {
            throw new IllegalArgumentException("service " + key + " is the director's last service");
        }
        services.replace(next);
        LOG.info("runtime change: deleted service {}", key);
    }

    /**
     * Adds a real server, as {@code ipvsadm -a}.
     *
     * @param key the service
     * @param server the server, with the service's forwarding method
     * @throws IllegalArgumentException if there is no such service, the server exists, or its
     *     method or address family is not the service's
     */
    public synchronized void addServer(ServiceKey key, RealServer server) {
        DirectorService s = serverOf(key, server);
        s.service().addRealServer(server);
        services.syncDestinations();
        LOG.info("runtime change: added real server {} to {} (weight {})", server.endpoint(), key, server.weight());
    }

    /**
     * Changes a real server's weight or thresholds, as {@code ipvsadm -e}; weight 0 quiesces it.
     *
     * @param key the service
     * @param server the server's new settings, found by address and port
     * @throws IllegalArgumentException if there is no such service or server, or the method is not the service's
     */
    public synchronized void editServer(ServiceKey key, RealServer server) {
        DirectorService s = serverOf(key, server);
        s.service().editRealServer(server);
        services.syncDestinations();
        LOG.info("runtime change: edited real server {} of {} (weight {})", server.endpoint(), key, server.weight());
    }

    /**
     * Deletes a real server, as {@code ipvsadm -d}.
     *
     * @param key the service
     * @param address the server's address
     * @param port the server's port
     * @throws IllegalArgumentException if there is no such service or server
     */
    public synchronized void deleteServer(ServiceKey key, InetAddress address, int port) {
        DirectorService s = service(key);
        if (!s.service().removeRealServer(address, port)) {
            throw new IllegalArgumentException("no real server " + address.getHostAddress() + ":" + port + " in " + key);
        }
        services.syncDestinations();
        LOG.info("runtime change: deleted real server {}:{} of {}", address.getHostAddress(), port, key);
    }

    /**
     * Returns how a service is forwarded, the method its real servers take.
     *
     * @param key the service
     * @return its forwarding
     * @throws IllegalArgumentException if there is no such service
     */
    public Forwarding forwarding(ServiceKey key) {
        return service(key).forwarding();
    }

    private DirectorService service(ServiceKey key) {
        DirectorService s = services.find(Objects.requireNonNull(key, "key"));
        if (s == null) {
            throw new IllegalArgumentException("no service " + key);
        }
        return s;
    }

    private DirectorService serverOf(ServiceKey key, RealServer server) {
        DirectorService s = service(key);
        if (server.forwarding() != s.forwarding().method()) {
            throw new IllegalArgumentException(key + " forwards by " + s.forwarding().method()
                    + ", not " + server.forwarding() + ": lvs4j forwards all servers of a service by one method");
        }
        if ((server.address() instanceof Inet4Address) != (key.address() instanceof Inet4Address)) {
            throw new IllegalArgumentException("real server " + server.endpoint() + " is not of the family of " + key);
        }
        return s;
    }

    private static void persistence(VirtualService vs, Duration timeout) {
        vs.persistence(timeout, vs.address() instanceof Inet4Address ? 32 : 128);
    }
}

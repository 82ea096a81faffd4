package io.lvs4j.transport.epoll;

import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.conn.ConnectionTimeouts;
import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.SyncDaemonConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.status.AnnouncementStatus;
import io.lvs4j.core.status.StatusProvider;
import io.lvs4j.core.status.StatusSource;
import io.lvs4j.core.status.VrrpCounters;
import io.lvs4j.core.status.VrrpTransition;
import io.lvs4j.transport.epoll.check.EpollHealthCheckEngine;
import io.lvs4j.vrrp.ProcessScriptRunner;
import io.lvs4j.vrrp.ScriptRunner;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A whole director, as keepalived with IPVS runs one: virtual services with their schedulers,
 * forwarding methods and real servers, health checks that add, remove and inhibit the real
 * servers, the {@link PacketDirector} data path, and optionally VRRP instances whose mastership
 * starts and stops serving the VIPs (ARP and forwarding).
 *
 * <p>Without VRRP instances the director serves its VIPs from {@link #start()} on. With them it
 * starts as backup and serves only while an instance is master; {@link #close()} makes a master
 * send its priority-0 advert and release the VIPs before the sockets close. With
 * {@link DirectorBuilder#bgp(BgpConfig) bgp_announce} it announces each VIP over BGP while it can serve
 * it ({@code RouteAnnouncer}), for scale-out behind ECMP routers; {@link #drain(boolean)}
 * withdraws them while it serves on.
 *
 * <p>While it runs, {@link #reload(DirectorConfig)} applies a new configuration's difference, as
 * keepalived's reload does, and {@link #changes()} changes services and real servers one at a
 * time, as ipvsadm does; a later reload replaces such changes.
 *
 * <p>Threading: build, {@link #start()} and {@link #reload} from a thread of the interface's
 * network namespace; the read methods are thread-safe.
 */
public final class Director implements AutoCloseable, StatusProvider {

    private static final Logger LOG = LoggerFactory.getLogger(Director.class);

    private final DirectorBuilder config;
    private final StatusSource status = new DirectorStatusSource(this);
    private final DirectorServices services = new DirectorServices();
    private final RuntimeChanges changes = new RuntimeChanges(services);
    private final DirectorVrrp vrrp;
    private final DirectorBgp bgp = new DirectorBgp();
    private final DirectorSync sync;
    private MultiThreadIoEventLoopGroup loops;
    private HealthCheckEngine engine;
    private volatile PacketDirector data;

    Director(DirectorBuilder config) {
        this.config = config;
        config.services.forEach(services::add);
        this.sync = config.syncDaemon == null ? null : new DirectorSync(config.syncDaemon);
        List<VrrpListener> listeners = new ArrayList<>(config.listeners);
        if (sync != null) {
            listeners.addFirst(sync);
        }
        this.vrrp = new DirectorVrrp(config.instances, config.syncGroups,
                config.scriptRunner != null ? config.scriptRunner : new ProcessScriptRunner(), listeners);
    }

    /** @return a builder */
    public static DirectorBuilder builder() {
        return new DirectorBuilder();
    }

    /**
     * Builds a director from a keepalived configuration: every address virtual server (IPv4 or
     * IPv6) with its forwarding method ({@code lb_kind DR}, {@code NAT} with the real servers'
     * ports, {@code TUN type ipip} or {@code TUN type gue port N}, {@code FNAT} with the
     * addresses of its {@code local_address_group}), its
     * scheduler ({@code lb_algo}), real servers and checkers, and every
     * VRRP instance and sync group, each instance on its own {@code interface}; real servers
     * behind another instance's interface than the director's (the inside of an LVS-NAT pair) are
     * forwarded to through it ({@link DirectorBuilder#serverInterface}). A configuration
     * may be VRRP alone (a floating address for services on the host itself). They run as
     * {@code io.lvs4j.vrrp.VrrpNode} runs the configuration model: with their tracked interfaces
     * and scripts and notify scripts, a group's tracking applied to each member, scripts run as
     * processes of the director's user, and a warning for what it leaves out.
     *
     * @param conf the configuration
     * @param interfaceName the interface of the data path; it also replaces the first VRRP
     *     instance's interface wherever an instance names that one (so that a configuration
     *     written for {@code eth0} runs on another name); null for the first instance's interface
     * @return the builder, ready to {@link DirectorBuilder#build()}, open to more settings
     * @throws IllegalArgumentException if a virtual server is an IPv6 fwmark service, its servers use
     *     different methods, a tunnel crosses address families, GUE asks for a checksum option,
     *     full-NAT services of one family name different local addresses, or no interface is
     *     given or configured
     */
    public static DirectorBuilder fromConfig(DirectorConfig conf, String interfaceName) {
        String first = conf.vrrpInstances().isEmpty() ? null : conf.vrrpInstances().getFirst().interfaceName();
        String name = interfaceName != null ? interfaceName : first;
        if (name == null) {
            throw new IllegalArgumentException("no interface given and no vrrp_instance names one");
        }
        DirectorBuilder b = builder().interfaceName(name);
        for (VirtualServerConfig vs : conf.virtualServers()) {
            b.services.add(DirectorService.of(vs));
        }
        b.timeouts(conf.globalDefs().lvsTimeouts().applyTo(ConnectionTimeouts.DEFAULTS));
        b.localAddresses(ConfigForwarding.localAddresses(conf));
        conf.vrrpSyncGroups().forEach(b::syncGroup);
        conf.bgp().ifPresent(b::bgp);
        conf.globalDefs().syncDaemon().ifPresent(sd -> b.syncDaemon(sd.interfaceName().equals(first)
                ? new SyncDaemonConfig(name, sd.vrrpInstance(), sd.syncId(), sd.maxLength(), sd.port(), sd.ttl(),
                        sd.group(), sd.peers()) : sd));
        for (VrrpInstanceConfig c : onInterface(conf.vrrpInstances(), name)) {
            b.vrrpInstance(c);
            b.garp(c.garp());
            if (!c.interfaceName().equals(name)) {
                b.serverInterface(c.interfaceName());
            }
        }
        return b;
    }

    /**
     * Puts the instances on the director's interface where they name the first instance's (the
     * others stay on theirs), as {@link #fromConfig} does and a reload does again.
     */
    static List<VrrpInstanceConfig> onInterface(List<VrrpInstanceConfig> instances, String name) {
        String first = instances.isEmpty() ? null : instances.getFirst().interfaceName();
        return instances.stream().map(c -> c.interfaceName().equals(first) ? c.toBuilder().interfaceName(name).build()
                : c).toList();
    }

    /**
     * Starts the event loops, the data path (inactive while VRRP instances exist), the health
     * checks and the VRRP instances.
     *
     * @return this director
     * @throws IOException if a socket cannot be opened (what was started is closed again)
     */
    public synchronized Director start() throws IOException {
        try {
            InetAddress own = config.directorAddress != null ? config.directorAddress
                    : InterfaceAddresses.ipv4(config.interfaceName, InterfaceAddresses.virtualAddresses(config.instances));
            loops = new MultiThreadIoEventLoopGroup(config.loops, EpollIoHandler.newFactory());
            if (services.all().isEmpty()) {
                services.startAlone();
            } else {
                startDataPath(own);
                if (sync != null) {
                    sync.start(data, own, config.interfaceName, InterfaceAddresses.virtualAddresses(config.instances));
                }
            }
            vrrp.start(loops.next(), data, own, config.interfaceName, this::services, services::servingChanged);
            if (config.bgp != null) {
                bgp.start(config.bgp, own, data, loops, this::services);
            }
            LOG.info("director started on {} ({}): {} virtual service(s), {} VRRP instance(s), {} loop(s), transport {}",
                    config.interfaceName, own.getHostAddress(), services.all().size(), vrrp.instances().size(),
                    config.loops, data == null ? "none" : data.transport());
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startDataPath(InetAddress own) throws IOException {
        PacketDirectorBuilder db = PacketDirector.builder().interfaceName(config.interfaceName).directorAddress(own)
                .loops(loops).transport(config.transport).active(vrrp.instances().isEmpty())
                .connectionCapacity(config.connectionCapacity)
                .timeouts(config.timeouts).expireNodestConn(config.expireNodestConn)
                .maxRealServers(config.maxRealServers)
                .gratuitousArp(Math.max(1, config.garp.masterRepeat()), garpInterval(config.garp));
        for (DirectorService e : services.all()) {
            db.virtualService(e.service(), e.forwarding());
        }
        Inet6Address own6 = config.directorAddress6;
        if (own6 == null) {
            try {
                own6 = InterfaceAddresses.ipv6(config.interfaceName, false);
            } catch (IOException e) {
                // a reload may bring the first IPv6 service; only one at the start needs the address now
                if (services.all().stream().anyMatch(s -> s.service().address() instanceof Inet6Address)) {
                    throw e;
                }
            }
        }
        if (own6 != null) {
            db.directorAddress6(own6);
        }
        if (!config.localAddresses.isEmpty()) {
            db.localAddresses(config.localAddresses.toArray(InetAddress[]::new));
        }
        serverInterfaces(db);
        db.floodDefense(config.floodDefense);
        if (config.tableDirectory != null) {
            db.keepConnections(config.tableDirectory, config.tableName);
        }
        data = db.build();
        data.start();
        engine = EpollHealthCheckEngine.create(1);
        services.start(engine, data);
        data.recoverConnections();
        data.syncDestinations();
    }

    /**
     * Adds the server interfaces behind which a real server sits now (one of their connected
     * IPv4 subnets holds it) to the data path, each with the director's own address there.
     */
    private void serverInterfaces(PacketDirectorBuilder db) {
        Set<InetAddress> vips = InterfaceAddresses.virtualAddresses(config.instances);
        List<Integer> servers = services.all().stream().flatMap(s -> s.checks().servers().stream())
                .map(c -> c.server().address()).filter(a -> a instanceof java.net.Inet4Address)
                .map(ServiceTable::ipv4).toList();
        for (String name : config.serverInterfaces) {
            if (name.equals(config.interfaceName)) {
                continue;
            }
            List<DataLinks.Subnet> subnets;
            try {
                subnets = DataLinks.connected(name);
            } catch (IOException e) {
                continue; // its VRRP instance reports the interface's absence
            }
            if (servers.stream().noneMatch(rs -> subnets.stream().anyMatch(s -> s.holds(rs)))) {
                continue;
            }
            try {
                db.serverInterface(name, InterfaceAddresses.ipv4(name, vips));
            } catch (IOException e) {
                LOG.warn("real servers sit behind {}, but the data path cannot use it: {}", name, e.getMessage());
            }
        }
    }

    /**
     * Applies a new configuration while the director runs, as keepalived's reload does: only
     * the difference changes. Virtual services and their real servers, schedulers, persistence,
     * checkers, quorum and sorry servers are added, removed or changed in place; checkers of
     * unchanged servers keep their state, so a healthy server does not flap; a new scheduler
     * takes new connections only; a removed server's connections follow
     * {@code expire_nodest_conn}; runtime changes ({@link #changes()}) are replaced. VRRP
     * instances that did not change keep their state and send no extra advert; a changed
     * priority, address list or timer applies without a needless transition; a removed master
     * sends its priority-0 advert. The interface, the connection table, the local addresses and
     * the timeouts stay as started (a change of those is logged and left for a restart).
     *
     * <p>Nothing changes if the configuration cannot be applied as a whole.
     *
     * @param next the new configuration, checked whole (as the parser does)
     * @throws IllegalArgumentException if it cannot be applied (an IPv6 fwmark service, the first
     *     fwmark service of a director started without one (its marked sockets open at start), an unknown
     *     scheduler, what {@link #fromConfig} refuses, changed full-NAT local addresses, a VRRP
     *     configuration the router refuses); the running configuration stays as it was
     * @throws IllegalStateException before {@link #start()}
     */
    public synchronized void reload(DirectorConfig next) {
        if (loops == null) {
            throw new IllegalStateException("not started");
        }
        new DirectorReload(this, next).apply();
    }

    /**
     * Returns the runtime changes of this director's services and real servers, as ipvsadm makes
     * them; a later {@link #reload} replaces them.
     *
     * @return the changes, the same on every call
     */
    public RuntimeChanges changes() {
        return changes;
    }

    private static Duration garpInterval(GarpConfig garp) {
        return garp.interval().isZero() ? Duration.ofMillis(100) : garp.interval();
    }

    DirectorBuilder settings() {
        return config;
    }

    DirectorServices running() {
        return services;
    }

    DirectorVrrp vrrp() {
        return vrrp;
    }


    /** @return the full-NAT local addresses (DPVS's {@code laddr}) the data path sends from */
    public List<InetAddress> localAddresses() {
        return List.copyOf(config.localAddresses);
    }

    /** @return the virtual services, whose real servers the health checks keep current */
    public List<VirtualService> services() {
        return services.virtualServices();
    }

    /**
     * Returns how a virtual service of this director is forwarded.
     *
     * @param service one of {@link #services()}
     * @return its forwarding
     * @throws IllegalArgumentException if the service is not this director's
     */
    public Forwarding forwardingOf(VirtualService service) {
        Forwarding forwarding = services.forwarding(service);
        if (forwarding == null) {
            throw new IllegalArgumentException("not a service of this director: " + service);
        }
        return forwarding;
    }

    /**
     * Returns the director's status, as {@code ipvsadm -Ln --stats}, an admin endpoint or
     * {@code new LvsMetrics(director)} read it: the virtual services with their real servers'
     * health, connections and traffic, the data path's drops and counters, the VRRP instances.
     * Valid at any time (zeros before {@link #start()}); thread-safe.
     *
     * @return the status source, the same on every call
     */
    @Override
    public StatusSource status() {
        return status;
    }

    /** @return the data path, or null before {@link #start()} */
    public PacketDirector dataPath() {
        return data;
    }

    /**
     * Returns a VRRP instance's last reported state.
     *
     * @param instance the instance name
     * @return its state; {@link VrrpState#INITIALIZE} if it has reported none
     */
    public VrrpState state(String instance) {
        return vrrp.state(instance);
    }

    /**
     * A VRRP instance as last reported.
     *
     * @param name the instance name
     * @param virtualRouterId its virtual router id
     * @param state its state
     * @param priority its effective priority at the last change
     * @param transitions state changes since the start
     */
    public record InstanceState(String name, int virtualRouterId, VrrpState state, int priority, long transitions) {
    }

    /** @return the VRRP instances as last reported, in configuration order (empty before start) */
    public List<InstanceState> vrrpStates() {
        return vrrp.states();
    }

    /**
     * Returns a VRRP instance's effective priority now: its configured priority adjusted by the
     * weights of its tracked interfaces and scripts.
     *
     * @param instance the instance name
     * @return the priority
     * @throws IllegalStateException before {@link #start()} or after {@link #close()}
     * @throws IllegalArgumentException for an unknown instance
     */
    public int priority(String instance) {
        return vrrp.priority(instance);
    }

    /**
     * Returns the last state changes of a VRRP instance, oldest first.
     *
     * @param instance the instance name
     * @return up to {@value DirectorVrrp#RECENT_TRANSITIONS} changes
     */
    List<VrrpTransition> recentTransitions(String instance) {
        return vrrp.recentTransitions(instance);
    }

    /** @return the adverts sent and received on each interface of a VRRP instance, in configuration order */
    List<VrrpCounters> vrrpCounters() {
        return vrrp.counters();
    }

    /**
     * Names a state as keepalived and {@code ipvsadm}-minded users know it.
     *
     * @param state the state
     * @return {@code INIT} for {@link VrrpState#INITIALIZE}, else the state's name
     */
    static String name(VrrpState state) {
        return state == VrrpState.INITIALIZE ? "INIT" : state.name();
    }

    /** @return the health checks, one per virtual service in {@link #services()} order (empty before start) */
    public List<VirtualServiceHealth> healthChecks() {
        return services.healths();
    }

    /** @return the names of the VRRP instances */
    public List<String> instances() {
        return vrrp.instances().stream().map(VrrpInstanceConfig::name).toList();
    }

    /**
     * Drains the director: its VIPs are withdrawn from BGP while it goes on serving the flows that
     * still reach it, as before maintenance; or ends the drain.
     *
     * @param on true to drain, false to announce again what it can serve
     * @return the announcement once the BGP daemon has been told
     * @throws IllegalStateException if the director announces nothing (no {@code bgp_announce}, or not started)
     */
    public CompletableFuture<AnnouncementStatus> drain(boolean on) {
        return bgp.drain(on);
    }

    /** @return what the director announces over BGP, or null if it announces nothing */
    public AnnouncementStatus announcement() {
        return bgp.status();
    }

    /** @return whether the director serves its VIPs now (answers ARP and forwards) */
    public boolean serving() {
        return data != null && data.active();
    }

    /**
     * Stops: VRRP masters send their priority-0 advert and release the VIPs, health checks stop,
     * the data path closes, the loops shut down.
     */
    @Override
    public void close() {
        bgp.close();
        vrrp.close();
        if (data != null) {
            data.active(false);
        }
        services.stop();
        if (sync != null) {
            sync.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (data != null) {
            data.close();
        }
        if (loops != null) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        LOG.info("director stopped");
    }
}

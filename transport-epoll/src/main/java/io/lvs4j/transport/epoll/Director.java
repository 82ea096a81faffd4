package io.lvs4j.transport.epoll;

import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.status.AnnouncementStatus;
import io.lvs4j.core.status.StatusProvider;
import io.lvs4j.core.status.StatusSource;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.time.NanoClock;
import io.lvs4j.transport.epoll.bgp.RouteAnnouncer;
import io.lvs4j.transport.epoll.check.EpollHealthCheckEngine;
import io.lvs4j.transport.epoll.vrrp.EpollVrrpRouter;
import io.lvs4j.transport.epoll.vrrp.MasterAction;
import io.lvs4j.vrrp.ProcessScriptRunner;
import io.lvs4j.vrrp.ScriptRunner;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * {@link Builder#bgp(BgpConfig) bgp_announce} it announces each VIP over BGP while it can serve
 * it ({@link RouteAnnouncer}), for scale-out behind ECMP routers; {@link #drain(boolean)}
 * withdraws them while it serves on.
 *
 * <p>Threading: build and {@link #start()} from a thread of the interface's network namespace;
 * the read methods are thread-safe.
 */
public final class Director implements AutoCloseable, StatusProvider {

    private static final Logger LOG = LoggerFactory.getLogger(Director.class);

    private final Builder config;
    private final StatusSource status = new DirectorStatusSource(this);
    private final Map<String, InstanceState> states = new ConcurrentHashMap<>();
    private final List<VirtualServiceHealth> healths = new CopyOnWriteArrayList<>();
    private MultiThreadIoEventLoopGroup loops;
    private HealthCheckEngine engine;
    private volatile PacketDirector data;
    private EpollVrrpRouter vrrp;
    private volatile RouteAnnouncer announcer;

    private Director(Builder config) {
        this.config = config;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a director from a keepalived configuration: every address virtual server (IPv4 or
     * IPv6) with its forwarding method ({@code lb_kind DR}, {@code NAT} with the real servers'
     * ports, {@code TUN type ipip} or {@code TUN type gue port N}, {@code FNAT} with the
     * addresses of its {@code local_address_group}), its
     * scheduler ({@code lb_algo}), real servers and checkers, and every
     * VRRP instance and sync group, each instance on its own {@code interface}. A configuration
     * may be VRRP alone (a floating address for services on the host itself). They run as
     * {@code io.lvs4j.vrrp.VrrpNode} runs the configuration model: with their tracked interfaces
     * and scripts and notify scripts, a group's tracking applied to each member, scripts run as
     * processes of the director's user, and a warning for what it leaves out.
     *
     * @param conf the configuration
     * @param interfaceName the interface of the data path; it also replaces the first VRRP
     *     instance's interface wherever an instance names that one (so that a configuration
     *     written for {@code eth0} runs on another name); null for the first instance's interface
     * @return the builder, ready to {@link Builder#build()}, open to more settings
     * @throws IllegalArgumentException if a virtual server is a fwmark service, its servers use
     *     different methods, a tunnel crosses address families, GUE asks for a checksum option,
     *     full-NAT services of one family name different local addresses, or no interface is
     *     given or configured
     */
    public static Builder fromConfig(DirectorConfig conf, String interfaceName) {
        String first = conf.vrrpInstances().isEmpty() ? null : conf.vrrpInstances().getFirst().interfaceName();
        String name = interfaceName != null ? interfaceName : first;
        if (name == null) {
            throw new IllegalArgumentException("no interface given and no vrrp_instance names one");
        }
        Builder b = builder().interfaceName(name);
        for (VirtualServerConfig vs : conf.virtualServers()) {
            if (vs.isFwmark()) {
                throw new IllegalArgumentException("virtual_server " + vs.displayName()
                        + ": fwmark virtual servers are not supported, only address and port");
            }
            VirtualService service = new VirtualService(vs.protocol(), vs.address().orElseThrow(), vs.port(),
                    Schedulers.create(vs.scheduler(),
                            new SchedulerOptions(vs.schedulerFlags(), NanoClock.SYSTEM, 0, 0)));
            if (!vs.persistenceTimeout().isZero()) {
                Duration timeout = vs.persistenceTimeout();
                if (timeout.toSeconds() > 65535) {
                    LOG.warn("virtual_server {}: persistence_timeout {} s cut to 65535 s", vs.displayName(),
                            timeout.toSeconds());
                    timeout = Duration.ofSeconds(65535);
                }
                service.persistence(timeout, vs.persistenceGranularity()
                        .orElse(vs.address().orElseThrow() instanceof Inet4Address ? 32 : 128));
            }
            b.virtualService(service, ServiceChecks.from(vs), ConfigForwarding.map(vs));
        }
        b.localAddresses(ConfigForwarding.localAddresses(conf));
        conf.vrrpSyncGroups().forEach(b::syncGroup);
        conf.bgp().ifPresent(b::bgp);
        for (VrrpInstanceConfig c : conf.vrrpInstances()) {
            // The interface given replaces the first instance's wherever it appears; others stay.
            b.vrrpInstance(c.interfaceName().equals(first) ? c.toBuilder().interfaceName(name).build() : c);
            b.garp(c.garp());
        }
        return b;
    }

    /**
     * Starts the event loops, the data path (inactive while VRRP instances exist), the health
     * checks and the VRRP instances.
     *
     * @return this director
     * @throws IOException if a socket cannot be opened (what was started is closed again)
     */
    public Director start() throws IOException {
        try {
            InetAddress own = config.directorAddress != null ? config.directorAddress
                    : InterfaceAddresses.ipv4(config.interfaceName);
            for (int i = 0; i < config.instances.size(); i++) {
                config.instances.set(i, withSource(config.instances.get(i), own));
            }
            loops = new MultiThreadIoEventLoopGroup(config.loops, EpollIoHandler.newFactory());
            if (!config.services.isEmpty()) {
                startDataPath(own);
            }
            if (!config.instances.isEmpty()) {
                Set<InetAddress> serviceVips = new HashSet<>();
                config.services.forEach(e -> serviceVips.add(e.service.address()));
                IoEventLoop loop = loops.next();
                EpollVrrpRouter.Builder rb = EpollVrrpRouter.builder(loop).ownAddresses(false)
                        .onKernel(address -> !serviceVips.contains(address))
                        .listener(new StateLog())
                        .scriptRunner(config.scriptRunner != null ? config.scriptRunner : new ProcessScriptRunner());
                if (data != null) {
                    rb.masterAction(MasterAction.forwarding(data));
                }
                config.instances.forEach(rb::instance);
                config.syncGroups.forEach(rb::syncGroup);
                vrrp = rb.build().start();
            }
            if (config.bgp != null) {
                announce(own);
            }
            LOG.info("director started on {} ({}): {} virtual service(s), {} VRRP instance(s)",
                    config.interfaceName, own.getHostAddress(), config.services.size(), config.instances.size());
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Gives an instance without {@code unicast_src_ip}/{@code mcast_src_ip} its source address:
     * the director's own address on the data path's interface, else its interface's first IPv4
     * address, or for an IPv6 instance its interface's link-local address (RFC 5798's source).
     */
    private VrrpInstanceConfig withSource(VrrpInstanceConfig c, InetAddress own) throws IOException {
        if (c.sourceAddress().isPresent()) {
            return c;
        }
        boolean ipv6 = !c.virtualIpAddresses().isEmpty() && c.virtualIpAddresses().getFirst().address()
                instanceof Inet6Address;
        InetAddress source = ipv6 ? InterfaceAddresses.ipv6(c.interfaceName(), true)
                : c.interfaceName().equals(config.interfaceName) ? own : InterfaceAddresses.ipv4(c.interfaceName());
        return c.toBuilder().sourceAddress(source).build();
    }

    private void startDataPath(InetAddress own) throws IOException {
        PacketDirectorBuilder db = PacketDirector.builder().interfaceName(config.interfaceName).directorAddress(own)
                .loops(loops).active(config.instances.isEmpty())
                .gratuitousArp(Math.max(1, config.garp.masterRepeat()), garpInterval(config.garp));
        for (ServiceEntry e : config.services) {
            db.virtualService(e.service, e.forwarding);
        }
        if (config.services.stream().anyMatch(e -> e.service.address() instanceof Inet6Address)) {
            db.directorAddress6(config.directorAddress6 != null ? config.directorAddress6
                    : InterfaceAddresses.ipv6(config.interfaceName, false));
        }
        if (!config.localAddresses.isEmpty()) {
            db.localAddresses(config.localAddresses.toArray(InetAddress[]::new));
        }
        data = db.build();
        data.start();
        engine = EpollHealthCheckEngine.create(1);
        for (ServiceEntry e : config.services) {
            VirtualServiceHealth h = new VirtualServiceHealth(e.service, engine, e.checks);
            healths.add(h);
            h.start();
        }
        data.syncDestinations();
    }

    private void announce(InetAddress own) throws IOException {
        if (!(own instanceof Inet4Address routerId)) {
            throw new IOException("bgp_announce needs the director's IPv4 address for a router id");
        }
        long loopTimeout = Math.max(TimeUnit.SECONDS.toNanos(1), 5 * config.bgp.checkInterval().toNanos());
        ServingReadiness readiness = new ServingReadiness(vip -> data.active(vip), loops, this::services,
                loopTimeout);
        announcer = RouteAnnouncer.start(config.bgp, services().stream().map(VirtualService::address).toList(),
                routerId, readiness);
    }

    private static Duration garpInterval(GarpConfig garp) {
        return garp.interval().isZero() ? Duration.ofMillis(100) : garp.interval();
    }

    /** @return the full-NAT local addresses (DPVS's {@code laddr}) the data path sends from */
    public List<InetAddress> localAddresses() {
        return List.copyOf(config.localAddresses);
    }

    /** @return the virtual services, whose real servers the health checks keep current */
    public List<VirtualService> services() {
        return config.services.stream().map(e -> e.service).toList();
    }

    /**
     * Returns how a virtual service of this director is forwarded.
     *
     * @param service one of {@link #services()}
     * @return its forwarding
     * @throws IllegalArgumentException if the service is not this director's
     */
    public Forwarding forwardingOf(VirtualService service) {
        return config.services.stream().filter(e -> e.service == service).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a service of this director: " + service))
                .forwarding;
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
        InstanceState s = states.get(instance);
        return s == null ? VrrpState.INITIALIZE : s.state();
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
        List<InstanceState> result = new ArrayList<>();
        for (VrrpInstanceConfig c : config.instances) {
            InstanceState s = states.get(c.name());
            result.add(s != null ? s
                    : new InstanceState(c.name(), c.virtualRouterId(), VrrpState.INITIALIZE, c.priority(), 0));
        }
        return result;
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
        EpollVrrpRouter router = vrrp;
        if (router == null) {
            throw new IllegalStateException("no VRRP instance running");
        }
        try {
            return router.query(n -> n.priority(instance));
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof IllegalArgumentException unknown) {
                throw unknown;
            }
            throw e;
        }
    }

    /** @return the health checks, one per virtual service in {@link #services()} order (empty before start) */
    public List<VirtualServiceHealth> healthChecks() {
        return List.copyOf(healths);
    }

    /** @return the names of the VRRP instances */
    public List<String> instances() {
        return config.instances.stream().map(VrrpInstanceConfig::name).toList();
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
        RouteAnnouncer a = announcer;
        if (a == null) {
            throw new IllegalStateException("the director announces nothing over BGP: no bgp_announce, or not started");
        }
        return a.drain(on);
    }

    /** @return what the director announces over BGP, or null if it announces nothing */
    public AnnouncementStatus announcement() {
        RouteAnnouncer a = announcer;
        return a == null ? null : a.status();
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
        if (announcer != null) {
            announcer.close();
        }
        if (vrrp != null) {
            vrrp.close();
        }
        if (data != null) {
            data.active(false);
        }
        healths.forEach(VirtualServiceHealth::close);
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

    private final class StateLog implements VrrpListener {
        @Override
        public void instanceStateChanged(String instance, VrrpState from, VrrpState to, int priority) {
            int vrid = config.instances.stream().filter(c -> c.name().equals(instance)).findFirst()
                    .map(VrrpInstanceConfig::virtualRouterId).orElse(0);
            states.merge(instance, new InstanceState(instance, vrid, to, priority, 1),
                    (old, now) -> new InstanceState(instance, vrid, to, priority, old.transitions() + 1));
            LOG.info("VRRP instance {} {} -> {} (priority {})", instance, from, to, priority);
        }
    }

    private record ServiceEntry(VirtualService service, ServiceChecks checks, Forwarding forwarding) {
    }

    /** Configures a {@link Director}. Not thread-safe. */
    public static final class Builder {
        private String interfaceName;
        private InetAddress directorAddress;
        private Inet6Address directorAddress6;
        private final List<InetAddress> localAddresses = new ArrayList<>();
        private int loops = 1;
        private GarpConfig garp = GarpConfig.DEFAULTS;
        private final List<ServiceEntry> services = new ArrayList<>();
        private final List<VrrpInstanceConfig> instances = new ArrayList<>();
        private final List<VrrpSyncGroupConfig> syncGroups = new ArrayList<>();
        private ScriptRunner scriptRunner;
        private BgpConfig bgp;

        private Builder() {
        }

        /** @param name the interface facing clients, real servers and VRRP peers @return this builder */
        public Builder interfaceName(String name) {
            this.interfaceName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @param address the director's own address; default the interface's first IPv4 address @return this builder */
        public Builder directorAddress(InetAddress address) {
            this.directorAddress = address;
            return this;
        }

        /**
         * Sets the director's own IPv6 address, the source of its neighbour solicitations; used
         * when a virtual service is IPv6.
         *
         * @param address an address of the interface; default its first global IPv6 address,
         *     else its link-local one
         * @return this builder
         */
        public Builder directorAddress6(Inet6Address address) {
            this.directorAddress6 = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Sets the local addresses of the full-NAT services (see
         * {@link PacketDirectorBuilder#localAddresses}).
         *
         * @param addresses the addresses; none if no service is full-NAT
         * @return this builder
         */
        public Builder localAddresses(List<InetAddress> addresses) {
            localAddresses.clear();
            localAddresses.addAll(List.copyOf(addresses));
            return this;
        }

        /** @param count event loops of the data path, default 1 @return this builder */
        public Builder loops(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("at least one loop: " + count);
            }
            this.loops = count;
            return this;
        }

        /**
         * Adds a virtual service whose real servers the checks manage (the service should have
         * no servers of its own: the checks put them in).
         *
         * @param service the virtual service, forwarded by direct routing
         * @param checks its real servers and their health checks
         * @return this builder
         */
        public Builder virtualService(VirtualService service, ServiceChecks checks) {
            return virtualService(service, checks, Forwarding.directRoute());
        }

        /**
         * Adds a virtual service whose real servers the checks manage, forwarded by a method.
         *
         * @param service the virtual service
         * @param checks its real servers and their health checks
         * @param forwarding how its packets reach the real servers
         * @return this builder
         */
        public Builder virtualService(VirtualService service, ServiceChecks checks, Forwarding forwarding) {
            services.add(new ServiceEntry(Objects.requireNonNull(service, "service"),
                    Objects.requireNonNull(checks, "checks"), Objects.requireNonNull(forwarding, "forwarding")));
            return this;
        }

        /**
         * Adds a VRRP instance on the interface; its mastership serves the VIPs.
         *
         * @param instance the instance; without a source address it sends from the director's address
         * @return this builder
         */
        public Builder vrrpInstance(VrrpInstanceConfig instance) {
            instances.add(Objects.requireNonNull(instance, "instance"));
            return this;
        }

        /**
         * Adds a sync group of VRRP instances, which change state together.
         *
         * @param group the group; its members are instances of this director
         * @return this builder
         */
        public Builder syncGroup(VrrpSyncGroupConfig group) {
            syncGroups.add(Objects.requireNonNull(group, "group"));
            return this;
        }

        /**
         * Sets what runs the tracked and notify scripts of the VRRP instances and sync groups.
         *
         * @param runner the runner; default a {@link ProcessScriptRunner}
         * @return this builder
         */
        public Builder scriptRunner(ScriptRunner runner) {
            this.scriptRunner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /**
         * Announces the VIPs over BGP while the director can serve them ({@code bgp_announce}).
         *
         * @param value the BGP daemon and its routers
         * @return this builder
         */
        public Builder bgp(BgpConfig value) {
            this.bgp = Objects.requireNonNull(value, "value");
            return this;
        }

        /** @param value gratuitous ARP settings when becoming master @return this builder */
        public Builder garp(GarpConfig value) {
            this.garp = Objects.requireNonNull(value, "value");
            return this;
        }

        /** @return the director, not started */
        public Director build() {
            if (interfaceName == null || services.isEmpty() && instances.isEmpty()) {
                throw new IllegalStateException("interfaceName and a virtual service or a VRRP instance are required");
            }
            return new Director(this);
        }
    }
}

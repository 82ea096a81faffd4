package io.lvs4j.transport.epoll;

import io.lvs4j.core.check.HealthCheckEngine;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.time.NanoClock;
import io.lvs4j.transport.epoll.vrrp.EpollVrrpRouter;
import io.lvs4j.vrrp.VrrpInstanceConfig;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A whole direct-routing director, as keepalived with IPVS runs one: virtual services with
 * their schedulers and real servers, health checks that add, remove and inhibit the real
 * servers, the {@link DrDirector} data path, and optionally VRRP instances whose mastership
 * starts and stops serving the VIPs (ARP and forwarding).
 *
 * <p>Without VRRP instances the director serves its VIPs from {@link #start()} on. With them it
 * starts as backup and serves only while an instance is master; {@link #close()} makes a master
 * send its priority-0 advert and release the VIPs before the sockets close.
 *
 * <p>Threading: build and {@link #start()} from a thread of the interface's network namespace;
 * the read methods are thread-safe.
 */
public final class Director implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Director.class);

    private final Builder config;
    private final Map<String, InstanceState> states = new ConcurrentHashMap<>();
    private final List<VirtualServiceHealth> healths = new ArrayList<>();
    private MultiThreadIoEventLoopGroup loops;
    private HealthCheckEngine engine;
    private DrDirector data;
    private EpollVrrpRouter vrrp;

    private Director(Builder config) {
        this.config = config;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a director from a keepalived configuration: every IPv4 virtual server with
     * {@code lb_kind DR}, its scheduler ({@code lb_algo}), real servers and checkers, and every
     * VRRP instance, all served on one interface.
     *
     * @param conf the configuration
     * @param interfaceName the interface of the data path and of every VRRP instance; null for
     *     the interface of the first VRRP instance
     * @return the builder, ready to {@link Builder#build()}, open to more settings
     * @throws IllegalArgumentException if a virtual server is not IPv4 direct routing, or no
     *     interface is given or configured
     */
    public static Builder fromConfig(DirectorConfig conf, String interfaceName) {
        String name = interfaceName;
        if (name == null && !conf.vrrpInstances().isEmpty()) {
            name = conf.vrrpInstances().getFirst().interfaceName();
        }
        if (name == null) {
            throw new IllegalArgumentException("no interface given and no vrrp_instance names one");
        }
        Builder b = builder().interfaceName(name);
        for (VirtualServerConfig vs : conf.virtualServers()) {
            if (vs.isFwmark() || !(vs.address().orElseThrow() instanceof Inet4Address)) {
                throw new IllegalArgumentException("virtual_server " + vs.displayName()
                        + ": only IPv4 address virtual servers are supported");
            }
            if (vs.forwarding() != ForwardingMethod.DIRECT_ROUTE) {
                throw new IllegalArgumentException("virtual_server " + vs.displayName()
                        + ": only lb_kind DR is supported, not " + vs.forwarding());
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
                service.persistence(timeout, vs.persistenceGranularity().orElse(32));
            }
            b.virtualService(service, ServiceChecks.from(vs));
        }
        if (!conf.vrrpSyncGroups().isEmpty()) {
            LOG.warn("vrrp_sync_group is not applied by the director yet; its instances run on their own");
        }
        for (io.lvs4j.core.config.VrrpInstanceConfig c : conf.vrrpInstances()) {
            if (!c.trackScripts().isEmpty() || c.notifyMaster().isPresent() || c.notifyBackup().isPresent()
                    || c.notifyFault().isPresent() || c.notifyStop().isPresent() || c.notifyAny().isPresent()) {
                LOG.warn("vrrp_instance {}: track_script and notify scripts are not applied by the director yet",
                        c.name());
            }
            b.keepalivedInstances.add(c);
            b.garp(c.garp());
        }
        return b;
    }

    private static VrrpInstanceConfig vrrpInstance(io.lvs4j.core.config.VrrpInstanceConfig c, String iface,
            InetAddress own) {
        VrrpInstanceConfig.Builder v = VrrpInstanceConfig.builder(c.name()).interfaceName(iface).primaryAddress(own)
                .version(c.version() == 3 ? io.lvs4j.vrrp.VrrpVersion.V3 : io.lvs4j.vrrp.VrrpVersion.V2)
                .vrid(c.virtualRouterId()).priority(c.priority())
                .advertIntervalCentis((int) (c.advertInterval().toMillis() / 10)).preempt(c.preempt())
                .preemptDelay(c.preemptDelay());
        c.unicastSrcIp().ifPresent(v::primaryAddress);
        c.unicastPeers().forEach(v::unicastPeer);
        c.authentication().ifPresent(a -> v.authPass(a.password()));
        if (!c.dontTrackPrimary()) {
            v.trackInterface(new io.lvs4j.vrrp.TrackedInterface(iface, 0)); // keepalived: own link down = FAULT
        }
        for (io.lvs4j.core.config.TrackedInterface t : c.trackInterfaces()) {
            v.trackInterface(new io.lvs4j.vrrp.TrackedInterface(t.name(), t.weight()));
        }
        for (VirtualIpAddress vip : c.virtualIpAddresses()) {
            v.virtualAddress(vip.address());
        }
        return v.build();
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
                    : primaryAddress(config.interfaceName);
            for (io.lvs4j.core.config.VrrpInstanceConfig c : config.keepalivedInstances) {
                config.instances.add(vrrpInstance(c, config.interfaceName, own));
            }
            config.keepalivedInstances.clear();
            loops = new MultiThreadIoEventLoopGroup(config.loops, EpollIoHandler.newFactory());
            DrDirector.Builder db = DrDirector.builder().interfaceName(config.interfaceName).directorAddress(own)
                    .loops(loops).active(config.instances.isEmpty())
                    .gratuitousArp(Math.max(1, config.garp.masterRepeat()), garpInterval(config.garp));
            for (ServiceEntry e : config.services) {
                db.virtualService(e.service);
            }
            data = db.build();
            data.start();
            engine = HealthCheckEngine.create(1);
            for (ServiceEntry e : config.services) {
                VirtualServiceHealth h = new VirtualServiceHealth(e.service, engine, e.checks);
                healths.add(h);
                h.start();
            }
            data.syncDestinations();
            if (!config.instances.isEmpty()) {
                IoEventLoop loop = loops.next();
                EpollVrrpRouter.Builder rb = EpollVrrpRouter.builder(loop).garp(config.garp).ownAddresses(false)
                        .masterAction(EpollVrrpRouter.MasterAction.forwarding(data))
                        .listener(new StateLog());
                config.instances.forEach(rb::instance);
                vrrp = rb.build().start();
            }
            LOG.info("director started on {} ({}): {} virtual service(s), {} VRRP instance(s)",
                    config.interfaceName, own.getHostAddress(), config.services.size(), config.instances.size());
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Duration garpInterval(GarpConfig garp) {
        return garp.interval().isZero() ? Duration.ofMillis(100) : garp.interval();
    }

    private static InetAddress primaryAddress(String interfaceName) throws IOException {
        try {
            NetworkInterface ni = NetworkInterface.getByName(interfaceName);
            if (ni == null) {
                throw new IOException("no interface " + interfaceName);
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a;
                }
            }
            throw new IOException("interface " + interfaceName + " has no IPv4 address");
        } catch (SocketException e) {
            throw new IOException("cannot read interface " + interfaceName, e);
        }
    }

    /** @return the virtual services, whose real servers the health checks keep current */
    public List<VirtualService> services() {
        return config.services.stream().map(e -> e.service).toList();
    }

    /** @return the data path, or null before {@link #start()} */
    public DrDirector dataPath() {
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
            result.add(s != null ? s : new InstanceState(c.name(), c.vrid(), VrrpState.INITIALIZE, c.priority(), 0));
        }
        return result;
    }

    /** @return the health checks, one per virtual service in {@link #services()} order (empty before start) */
    public List<VirtualServiceHealth> healthChecks() {
        return List.copyOf(healths);
    }

    /** @return the names of the VRRP instances */
    public List<String> instances() {
        List<String> names = new ArrayList<>(config.instances.stream().map(VrrpInstanceConfig::name).toList());
        config.keepalivedInstances.forEach(c -> names.add(c.name()));
        return names;
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
                    .map(VrrpInstanceConfig::vrid).orElse(0);
            states.merge(instance, new InstanceState(instance, vrid, to, priority, 1),
                    (old, now) -> new InstanceState(instance, vrid, to, priority, old.transitions() + 1));
            LOG.info("VRRP instance {} {} -> {} (priority {})", instance, from, to, priority);
        }
    }

    private record ServiceEntry(VirtualService service, ServiceChecks checks) {
    }

    /** Configures a {@link Director}. Not thread-safe. */
    public static final class Builder {
        private String interfaceName;
        private InetAddress directorAddress;
        private int loops = 1;
        private GarpConfig garp = GarpConfig.DEFAULTS;
        private final List<ServiceEntry> services = new ArrayList<>();
        private final List<VrrpInstanceConfig> instances = new ArrayList<>();
        private final List<io.lvs4j.core.config.VrrpInstanceConfig> keepalivedInstances = new ArrayList<>();

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
            services.add(new ServiceEntry(Objects.requireNonNull(service, "service"),
                    Objects.requireNonNull(checks, "checks")));
            return this;
        }

        /** @param instance a VRRP instance on the interface; its mastership serves the VIPs @return this builder */
        public Builder vrrpInstance(VrrpInstanceConfig instance) {
            instances.add(Objects.requireNonNull(instance, "instance"));
            return this;
        }

        /** @param value gratuitous ARP settings when becoming master @return this builder */
        public Builder garp(GarpConfig value) {
            this.garp = Objects.requireNonNull(value, "value");
            return this;
        }

        /** @return the director, not started */
        public Director build() {
            if (interfaceName == null || services.isEmpty()) {
                throw new IllegalStateException("interfaceName and a virtual service are required");
            }
            return new Director(this);
        }
    }
}

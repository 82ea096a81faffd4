package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.status.VrrpCounters;
import io.lvs4j.core.status.VrrpTransition;
import io.lvs4j.transport.epoll.vrrp.EpollVrrpRouter;
import io.lvs4j.transport.epoll.vrrp.MasterAction;
import io.lvs4j.vrrp.AdvertCheck;
import io.lvs4j.vrrp.AdvertValidator;
import io.lvs4j.vrrp.ScriptRunner;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A {@link Director}'s VRRP instances: the router that runs them (its mastership serves the
 * VIPs through the data path), the states they reported, and what a reload does to them.
 * Thread-safe: changes are the director's (serialised by it), reads any thread.
 */
final class DirectorVrrp {

    private static final Logger LOG = LoggerFactory.getLogger(DirectorVrrp.class);
    /** How many state changes of each VRRP instance the status keeps. */
    static final int RECENT_TRANSITIONS = 10;

    private final Map<String, Director.InstanceState> states = new ConcurrentHashMap<>();
    private final Map<String, Deque<VrrpTransition>> history = new ConcurrentHashMap<>();
    private final ScriptRunner scripts;
    private final List<VrrpListener> listeners;
    private volatile Map<String, AdvertValidator> validators = Map.of();
    private volatile List<VrrpInstanceConfig> instances;
    private volatile List<VrrpSyncGroupConfig> groups;
    private volatile EpollVrrpRouter router;
    private InetAddress own;
    private String interfaceName;
    private IoEventLoop loop;
    private PacketDirector data;
    private Supplier<List<VirtualService>> services;
    private Runnable servingChanged = () -> { };

    DirectorVrrp(List<VrrpInstanceConfig> instances, List<VrrpSyncGroupConfig> groups, ScriptRunner scripts,
            List<VrrpListener> listeners) {
        this.instances = List.copyOf(instances);
        this.groups = List.copyOf(groups);
        this.scripts = scripts;
        this.listeners = List.copyOf(listeners);
    }

    /** @return the instances as configured (with their source address once started) */
    List<VrrpInstanceConfig> instances() {
        return instances;
    }

    /** @return the router, null while no instance runs */
    EpollVrrpRouter router() {
        return router;
    }

    /**
     * Gives each instance without {@code unicast_src_ip}/{@code mcast_src_ip} its source
     * address: the director's own address on the data path's interface, else its interface's
     * first IPv4 address, or for an IPv6 instance its interface's link-local address (RFC 5798's
     * source).
     */
    List<VrrpInstanceConfig> withSource(List<VrrpInstanceConfig> list) throws IOException {
        List<VrrpInstanceConfig> result = new ArrayList<>();
        java.util.Set<InetAddress> vrrpAddresses = InterfaceAddresses.virtualAddresses(list);
        for (VrrpInstanceConfig c : list) {
            if (c.sourceAddress().isPresent()) {
                result.add(c);
                continue;
            }
            boolean ipv6 = !c.virtualIpAddresses().isEmpty()
                    && c.virtualIpAddresses().getFirst().address() instanceof Inet6Address;
            InetAddress source = ipv6 ? InterfaceAddresses.ipv6(c.interfaceName(), true)
                    : c.interfaceName().equals(interfaceName) ? own
                    : InterfaceAddresses.ipv4(c.interfaceName(), vrrpAddresses);
            result.add(c.toBuilder().sourceAddress(source).build());
        }
        return result;
    }

    /**
     * Starts the instances, if any, on a loop of the director.
     *
     * @param eventLoop the loop
     * @param path the data path, which serves a VIP while its instance is master; null for a
     *     director of VRRP alone
     * @param address the director's own address, the instances' source by default
     * @param name the data path's interface
     * @param vs the director's services now (their VIPs are the data path's; other virtual
     *     addresses go on the kernel interface)
     * @param serving told, after the data path follows, whenever mastership may have changed
     *     which VIPs it serves
     */
    void start(IoEventLoop eventLoop, PacketDirector path, InetAddress address, String name,
            Supplier<List<VirtualService>> vs, Runnable serving) throws IOException {
        servingChanged = serving;
        loop = eventLoop;
        data = path;
        own = address;
        interfaceName = name;
        services = vs;
        instances = withSource(instances);
        if (!instances.isEmpty()) {
            router = startRouter(instances, groups);
        }
        readValidators();
    }

    private EpollVrrpRouter startRouter(List<VrrpInstanceConfig> list, List<VrrpSyncGroupConfig> syncGroups)
            throws IOException {
        EpollVrrpRouter.Builder rb = EpollVrrpRouter.builder(loop).ownAddresses(false)
                .onKernel(address -> services.get().stream().noneMatch(vs -> vs.address().equals(address)))
                .listener(new StateLog())
                .scriptRunner(scripts);
        if (data != null) {
            rb.masterAction(MasterAction.forwarding(data));
            rb.masterAction(new MasterAction() {
                @Override
                public void becameMaster(VrrpInstanceConfig instance) {
                    servingChanged.run();
                }

                @Override
                public void leftMaster(VrrpInstanceConfig instance) {
                    servingChanged.run();
                }
            });
        }
        listeners.forEach(rb::listener);
        list.forEach(rb::instance);
        syncGroups.forEach(rb::syncGroup);
        return rb.build().start();
    }

    /** Takes the advert validators of the instances' interfaces, whose counters the status reads. */
    private void readValidators() {
        EpollVrrpRouter running = router;
        Map<String, AdvertValidator> found = new LinkedHashMap<>();
        if (running != null) {
            for (VrrpInstanceConfig c : instances) {
                found.computeIfAbsent(c.interfaceName(), i -> running.query(n -> n.validator(i)));
            }
        }
        validators = found;
    }

    /**
     * Returns the last state changes of an instance, oldest first.
     *
     * @param instance the instance name
     * @return up to {@value #RECENT_TRANSITIONS} changes
     */
    List<VrrpTransition> recentTransitions(String instance) {
        Deque<VrrpTransition> recent = history.get(instance);
        if (recent == null) {
            return List.of();
        }
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** @return the adverts sent and received on each interface of an instance, in configuration order */
    List<VrrpCounters> counters() {
        EpollVrrpRouter running = router;
        if (running == null) {
            return List.of();
        }
        List<VrrpCounters> result = new ArrayList<>();
        validators.forEach((iface, validator) -> {
            Map<String, Long> dropped = new LinkedHashMap<>();
            for (AdvertCheck check : AdvertCheck.values()) {
                if (check != AdvertCheck.ACCEPTED) {
                    dropped.put(check.name().toLowerCase(Locale.ROOT), validator.counter(check));
                }
            }
            result.add(new VrrpCounters(iface, running.advertsSent(iface), validator.counter(AdvertCheck.ACCEPTED),
                    dropped));
        });
        return result;
    }

    /**
     * Applies a reload's instances: unchanged ones keep their state ({@link EpollVrrpRouter#reload});
     * VRRP where there was none starts (the data path serves once an instance is master); no
     * VRRP where there was some stops (the data path serves from now on). Then each VIP of the
     * services is served exactly while an instance that lists it is master.
     *
     * @param next the instances, with their source addresses ({@link #withSource})
     * @param nextGroups the sync groups
     */
    void reload(List<VrrpInstanceConfig> next, List<VrrpSyncGroupConfig> nextGroups) throws IOException {
        EpollVrrpRouter running = router;
        List<VrrpInstanceConfig> before = instances;
        instances = List.copyOf(next); // the states new instances report name their VRID from here
        try {
            if (running == null && !next.isEmpty()) {
                if (data != null) {
                    data.active(false);
                }
                router = startRouter(next, nextGroups);
                LOG.info("VRRP started by the reload: the director serves once an instance is master");
            } else if (running != null && next.isEmpty()) {
                running.close();
                router = null;
                if (data != null) {
                    data.active(true);
                }
                LOG.info("VRRP stopped by the reload: the director serves its VIPs from now on");
            } else if (running != null) {
                running.reload(next, nextGroups);
            }
        } catch (IOException | RuntimeException e) {
            instances = before;
            throw e;
        }
        groups = List.copyOf(nextGroups);
        readValidators();
        serveMasters();
        servingChanged.run();
    }

    /**
     * Serves each VIP of the services exactly while an instance listing it is master, on the
     * router's loop (where mastership changes are told).
     */
    private void serveMasters() {
        EpollVrrpRouter running = router;
        if (running == null || data == null) {
            return;
        }
        List<VrrpInstanceConfig> list = instances;
        running.query(node -> {
            for (VirtualService vs : services.get()) {
                InetAddress vip = vs.address();
                boolean master = list.stream().anyMatch(c -> node.state(c.name()) == VrrpState.MASTER
                        && c.virtualIpAddresses().stream().anyMatch(v -> v.address().equals(vip)));
                if (data.active(vip) != master) {
                    data.active(vip, master);
                }
            }
            return null;
        });
    }

    /** @return an instance's last reported state, {@link VrrpState#INITIALIZE} if none */
    VrrpState state(String instance) {
        Director.InstanceState s = states.get(instance);
        return s == null ? VrrpState.INITIALIZE : s.state();
    }

    /** @return the instances as last reported, in configuration order */
    List<Director.InstanceState> states() {
        List<Director.InstanceState> result = new ArrayList<>();
        for (VrrpInstanceConfig c : instances) {
            Director.InstanceState s = states.get(c.name());
            result.add(s != null ? s
                    : new Director.InstanceState(c.name(), c.virtualRouterId(), VrrpState.INITIALIZE, c.priority(), 0));
        }
        return result;
    }

    /** @return an instance's effective priority now (see {@link Director#priority}) */
    int priority(String instance) {
        EpollVrrpRouter running = router;
        if (running == null) {
            throw new IllegalStateException("no VRRP instance running");
        }
        try {
            return running.query(n -> n.priority(instance));
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof IllegalArgumentException unknown) {
                throw unknown;
            }
            throw e;
        }
    }

    /** Stops the instances: masters send their priority-0 advert and release the VIPs. */
    void close() {
        EpollVrrpRouter running = router;
        if (running != null) {
            running.close();
        }
    }

    /** Records each instance's state (the VRRP node logs the transitions, in keepalived's words). */
    private final class StateLog implements VrrpListener {
        @Override
        public void instanceStateChanged(String instance, VrrpState from, VrrpState to, int priority) {
            int vrid = instances.stream().filter(c -> c.name().equals(instance)).findFirst()
                    .map(VrrpInstanceConfig::virtualRouterId).orElse(0);
            states.merge(instance, new Director.InstanceState(instance, vrid, to, priority, 1),
                    (old, now) -> new Director.InstanceState(instance, vrid, to, priority, old.transitions() + 1));
            Deque<VrrpTransition> recent = history.computeIfAbsent(instance, k -> new ArrayDeque<>());
            synchronized (recent) {
                recent.addLast(new VrrpTransition(Instant.now(), Director.name(from), Director.name(to), priority));
                while (recent.size() > RECENT_TRANSITIONS) {
                    recent.removeFirst();
                }
            }
        }
    }
}

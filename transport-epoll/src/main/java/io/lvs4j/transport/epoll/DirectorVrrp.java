package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.transport.epoll.vrrp.EpollVrrpRouter;
import io.lvs4j.vrrp.ScriptRunner;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Director}'s VRRP instances: the router that runs them (its mastership serves the
 * VIPs through the data path), the states they reported, and what a reload does to them.
 * Thread-safe: changes are the director's (serialised by it), reads any thread.
 */
final class DirectorVrrp {

    private static final Logger LOG = LoggerFactory.getLogger(DirectorVrrp.class);

    private final Map<String, Director.InstanceState> states = new ConcurrentHashMap<>();
    private final ScriptRunner scripts;
    private volatile List<VrrpInstanceConfig> instances;
    private volatile List<VrrpSyncGroupConfig> groups;
    private volatile EpollVrrpRouter router;
    private InetAddress own;

    DirectorVrrp(List<VrrpInstanceConfig> instances, List<VrrpSyncGroupConfig> groups, ScriptRunner scripts) {
        this.instances = List.copyOf(instances);
        this.groups = List.copyOf(groups);
        this.scripts = scripts;
    }

    /** @return the instances as configured (with their source address once started) */
    List<VrrpInstanceConfig> instances() {
        return instances;
    }

    /** @return the router, null while no instance runs */
    EpollVrrpRouter router() {
        return router;
    }

    /** @return the instances, each with the director's address as source unless it has its own */
    List<VrrpInstanceConfig> withSource(List<VrrpInstanceConfig> list) {
        return list.stream().map(c -> c.sourceAddress().isPresent() ? c : c.toBuilder().sourceAddress(own).build())
                .toList();
    }

    /**
     * Starts the instances, if any, on a loop of the director.
     *
     * @param loop the loop
     * @param data the data path, which serves while an instance is master
     * @param address the director's own address, the instances' source by default
     */
    void start(IoEventLoop loop, PacketDirector data, InetAddress address) throws IOException {
        own = address;
        instances = withSource(instances);
        if (!instances.isEmpty()) {
            router = startRouter(loop, data, instances, groups);
        }
    }

    private EpollVrrpRouter startRouter(IoEventLoop loop, PacketDirector data, List<VrrpInstanceConfig> list,
            List<VrrpSyncGroupConfig> syncGroups) throws IOException {
        EpollVrrpRouter.Builder rb = EpollVrrpRouter.builder(loop).ownAddresses(false)
                .masterAction(EpollVrrpRouter.MasterAction.forwarding(data))
                .listener(new StateLog())
                .scriptRunner(scripts);
        list.forEach(rb::instance);
        syncGroups.forEach(rb::syncGroup);
        return rb.build().start();
    }

    /**
     * Applies a reload's instances: unchanged ones keep their state ({@link EpollVrrpRouter#reload});
     * VRRP where there was none starts (the data path serves once an instance is master); no
     * VRRP where there was some stops (the data path serves from now on).
     *
     * @param next the instances, on the director's interface
     * @param nextGroups the sync groups
     * @param loop a loop of the director, for a router to start
     * @param data the data path
     */
    void reload(List<VrrpInstanceConfig> next, List<VrrpSyncGroupConfig> nextGroups, IoEventLoop loop,
            PacketDirector data) throws IOException {
        List<VrrpInstanceConfig> list = withSource(next);
        EpollVrrpRouter running = router;
        if (running == null && !list.isEmpty()) {
            data.active(false);
            instances = list;
            groups = List.copyOf(nextGroups);
            router = startRouter(loop, data, list, nextGroups);
            LOG.info("VRRP started by the reload: the director serves once an instance is master");
        } else if (running != null && list.isEmpty()) {
            running.close();
            router = null;
            instances = list;
            groups = List.copyOf(nextGroups);
            data.active(true);
            LOG.info("VRRP stopped by the reload: the director serves its VIPs from now on");
        } else if (running != null) {
            List<VrrpInstanceConfig> before = instances;
            instances = list; // the states new instances report name their VRID from here
            try {
                running.reload(list, nextGroups);
            } catch (IOException | RuntimeException e) {
                instances = before;
                throw e;
            }
            groups = List.copyOf(nextGroups);
        }
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
        }
    }
}

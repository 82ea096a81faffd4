package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.transport.epoll.LinkInfo;
import io.netty.channel.IoEventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The link state a VRRP router follows: its instances' interfaces and the interfaces they and
 * their sync groups track, through one {@link LinkMonitor}, opened anew when a reload brings an
 * interface it does not watch yet. An interface that does not exist is taken as down.
 *
 * <p>Not thread-safe: the router's control thread (the monitor reports on the loop).
 */
final class LinkWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkWatch.class);

    private final IoEventLoop loop;
    private final BiConsumer<String, Boolean> callback;
    private final Map<Integer, String> watched = new HashMap<>();
    private final Set<String> absent = new HashSet<>();
    private LinkMonitor monitor;

    LinkWatch(IoEventLoop loop, BiConsumer<String, Boolean> callback) {
        this.loop = loop;
        this.callback = callback;
    }

    /**
     * Watches every interface of a configuration (calling thread's namespace).
     *
     * @return the state of each interface not watched before, for the node to start from
     */
    Map<String, Boolean> watch(List<VrrpInstanceConfig> instances, List<VrrpSyncGroupConfig> groups)
            throws IOException {
        List<String> names = new ArrayList<>();
        for (VrrpInstanceConfig c : instances) {
            names.add(c.interfaceName());
            c.trackInterfaces().forEach(t -> names.add(t.name()));
        }
        groups.forEach(g -> g.trackInterfaces().forEach(t -> names.add(t.name())));
        Map<String, Boolean> initial = new LinkedHashMap<>();
        boolean grown = false;
        for (String name : names) {
            if (watched.containsValue(name) || absent.contains(name) || initial.containsKey(name)) {
                continue;
            }
            try {
                int index = LinkInfo.of(name).index();
                initial.put(name, LinkMonitor.running(name));
                watched.put(index, name);
                grown = true;
            } catch (IOException e) {
                LOG.warn("tracked interface {} does not exist: taken as down", name);
                initial.put(name, false);
                absent.add(name);
            }
        }
        if (monitor == null || grown) {
            if (monitor != null) {
                monitor.close();
            }
            monitor = LinkMonitor.open(loop, Map.copyOf(watched), callback);
        }
        return initial;
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.close();
            monitor = null;
        }
    }
}

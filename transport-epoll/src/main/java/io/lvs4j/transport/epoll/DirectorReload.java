package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.core.conn.ConnectionTimeouts;
import io.lvs4j.core.conn.TcpState;
import io.lvs4j.vrrp.VrrpNode;
import io.lvs4j.vrrp.VrrpPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One reload of a running {@link Director}: the new configuration is checked whole and turned
 * into services and VRRP instances first (nothing runs yet), then only the difference is
 * applied, as keepalived's reload does (its {@code clear_diff_services} and
 * {@code clear_diff_vrrp}).
 *
 * <ul>
 *   <li>A virtual server with the protocol, address and port of a running one, forwarded the
 *       same way, is that service: its scheduler is replaced if {@code lb_algo} or its flags
 *       changed (new connections only), its persistence set anew, its checks reloaded
 *       (unchanged checkers keep their state) and its servers put back as the checks have them
 *       (runtime changes undone).</li>
 *   <li>Any other virtual server is new; a running service not in the file is removed; a
 *       service whose forwarding method changed is removed and added.</li>
 *   <li>VRRP instances change as {@code EpollVrrpRouter.reload} says; VRRP where there was
 *       none starts (the director serves once an instance is master); no VRRP where there was
 *       some stops it (the director serves from then on).</li>
 * </ul>
 * Not reloaded, logged instead: the interface and the server interfaces, the full-NAT local
 * addresses (a change refuses the reload), {@code lvs_timeouts}, the connection table.
 */
final class DirectorReload {

    private static final Logger LOG = LoggerFactory.getLogger(DirectorReload.class);

    private final Director director;
    private final DirectorConfig next;

    DirectorReload(Director director, DirectorConfig next) {
        this.director = director;
        this.next = next;
    }

    /**
     * Checks the configuration, then applies its difference.
     *
     * @throws IllegalArgumentException if it cannot be applied; nothing changed then
     */
    void apply() {
        DirectorServices running = director.running();
        List<DirectorService> services = new ArrayList<>();
        List<Runnable> schedulers = new ArrayList<>();
        List<Runnable> checks = new ArrayList<>();
        int added = 0;
        for (VirtualServerConfig vs : next.virtualServers()) {
            DirectorService fresh = DirectorService.of(vs);
            DirectorService old = running.find(fresh.key());
            if (old == null || !old.forwarding().equals(fresh.forwarding())) {
                services.add(fresh);
                added++;
                continue;
            }
            services.add(old);
            schedulers.add(() -> {
                old.scheduler(fresh.scheduler());
                DirectorService.persistence(old.service(), vs);
            });
            checks.add(() -> old.reload(fresh.checks()));
        }
        List<InetAddress> locals = ConfigForwarding.localAddresses(next);
        if (!locals.equals(director.localAddresses())) {
            throw new IllegalArgumentException("the full-NAT local addresses changed from " + director.localAddresses()
                    + " to " + locals + ": that needs a restart");
        }
        PacketDirector data = director.dataPath();
        if (data == null && !services.isEmpty()) {
            throw new IllegalArgumentException("the director runs VRRP alone: virtual servers need a restart");
        }
        if (data != null && services.isEmpty()) {
            throw new IllegalArgumentException("no virtual_server left: a director without one needs a restart");
        }
        List<VrrpInstanceConfig> instances;
        try {
            instances = director.vrrp().withSource(Director.onInterface(next.vrrpInstances(),
                    director.settings().interfaceName()));
        } catch (IOException e) {
            throw new IllegalArgumentException("a VRRP instance has no source address: " + e.getMessage(), e);
        }
        List<VrrpSyncGroupConfig> groups = next.vrrpSyncGroups();
        checkVrrp(instances, groups);
        warnTimeouts();
        List<String> interfaces = instances.stream().map(VrrpInstanceConfig::interfaceName)
                .filter(i -> !i.equals(director.settings().interfaceName())).distinct().toList();
        if (!director.settings().serverInterfaces.containsAll(interfaces)) {
            LOG.warn("VRRP instances on new interfaces {}: the data path keeps the interfaces it started with until a "
                    + "restart", interfaces);
        }

        if (data != null) {
            data.check(services.stream().map(DirectorService::service).toList(),
                    services.stream().map(DirectorService::forwarding).toList());
        }

        int removed = (int) running.all().stream().filter(s -> !services.contains(s)).count();
        schedulers.forEach(Runnable::run); // before the data path's new table, which reads them
        running.replace(services);
        checks.forEach(Runnable::run);
        running.syncDestinations();
        applyVrrp(instances, groups);
        LOG.info("configuration reloaded: {} virtual service(s) ({} new, {} removed), {} VRRP instance(s)",
                services.size(), added, removed, instances.size());
    }

    /** Builds the VRRP node the configuration describes, on no network, to have it refused before anything changes. */
    private void checkVrrp(List<VrrpInstanceConfig> instances, List<VrrpSyncGroupConfig> groups) {
        if (instances.isEmpty()) {
            return;
        }
        VrrpNode.Builder b = VrrpNode.builder(new VrrpPort() {
            @Override
            public void sendAdvert(VrrpInstanceConfig instance, io.lvs4j.vrrp.Advertisement advert) {
            }

            @Override
            public void takeOver(VrrpInstanceConfig instance) {
            }

            @Override
            public void release(VrrpInstanceConfig instance) {
            }
        }).scriptRunner((command, timeout) -> java.util.concurrent.CompletableFuture.completedFuture(null));
        instances.forEach(b::instance);
        groups.forEach(b::syncGroup);
        b.build();
    }

    private void applyVrrp(List<VrrpInstanceConfig> instances, List<VrrpSyncGroupConfig> groups) {
        try {
            director.vrrp().reload(instances, groups);
        } catch (IOException e) {
            throw new UncheckedIOException("VRRP could not follow the reload", e);
        }
    }

    private void warnTimeouts() {
        ConnectionTimeouts now = director.settings().timeouts();
        ConnectionTimeouts wanted = next.globalDefs().lvsTimeouts().applyTo(ConnectionTimeouts.DEFAULTS);
        if (now.tcpNanos(TcpState.ESTABLISHED) != wanted.tcpNanos(TcpState.ESTABLISHED)
                || now.tcpNanos(TcpState.FIN_WAIT) != wanted.tcpNanos(TcpState.FIN_WAIT)
                || now.udpNanos() != wanted.udpNanos()) {
            LOG.warn("lvs_timeouts changed: the connection tables keep the timeouts they started with until a restart");
        }
    }
}

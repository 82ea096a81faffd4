package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.status.AnnouncementStatus;
import io.lvs4j.transport.epoll.bgp.RouteAnnouncer;
import io.netty.util.concurrent.EventExecutorGroup;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link Director}'s BGP announcement ({@code bgp_announce}): each VIP announced while the
 * director can serve it ({@link RouteAnnouncer}, {@link ServingReadiness}), withdrawn while it
 * drains. The VIPs announced are those of the services at the start (a fwmark service has none:
 * its marked addresses are the kernel's); a reload that changes them leaves the announcement as
 * it was (a restart follows them). Thread-safe.
 */
final class DirectorBgp implements AutoCloseable {

    private volatile RouteAnnouncer announcer;

    /** Starts announcing the services' VIPs. */
    void start(BgpConfig config, InetAddress own, PacketDirector data, EventExecutorGroup loops,
            Supplier<List<VirtualService>> services) throws IOException {
        if (!(own instanceof Inet4Address routerId)) {
            throw new IOException("bgp_announce needs the director's IPv4 address for a router id");
        }
        long loopTimeout = Math.max(TimeUnit.SECONDS.toNanos(1), 5 * config.checkInterval().toNanos());
        ServingReadiness readiness = new ServingReadiness(data::active, loops, services, loopTimeout);
        announcer = RouteAnnouncer.start(config, announced(services.get()), routerId, readiness);
    }

    /** @return the VIPs of services to announce: every service's but a fwmark service's any-address */
    static List<InetAddress> announced(List<VirtualService> services) {
        return services.stream().filter(vs -> !vs.isFwmark()).map(VirtualService::address).toList();
    }

    /** @see Director#drain */
    CompletableFuture<AnnouncementStatus> drain(boolean on) {
        RouteAnnouncer a = announcer;
        if (a == null) {
            throw new IllegalStateException("the director announces nothing over BGP: no bgp_announce, or not started");
        }
        return a.drain(on);
    }

    /** @return what is announced, or null if nothing is */
    AnnouncementStatus status() {
        RouteAnnouncer a = announcer;
        return a == null ? null : a.status();
    }

    @Override
    public void close() {
        RouteAnnouncer a = announcer;
        if (a != null) {
            a.close();
        }
    }
}

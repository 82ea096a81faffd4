package io.lvs4j.examples;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.conn.TcpState;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.status.ServerHealth;
import io.lvs4j.core.status.ServerStatus;
import io.lvs4j.core.status.AnnouncementStatus;
import io.lvs4j.core.status.ServiceStatus;
import io.lvs4j.core.status.StatusSource;
import io.lvs4j.core.status.TrafficRates;
import io.lvs4j.core.status.TrafficStats;
import io.lvs4j.core.status.VrrpStatus;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A test double of a director's status: the lab's web service (two DR servers, one found down
 * by its checker) whose traffic counters the test sets, one drop reason, one VRRP instance and
 * two connections.
 */
final class FakeDirector implements StatusSource {

    static final InetAddress VIP = InetAddress.ofLiteral("198.18.0.10");
    static final InetAddress NGINX1 = InetAddress.ofLiteral("198.18.0.11");
    static final InetAddress NGINX2 = InetAddress.ofLiteral("198.18.0.12");

    private volatile AnnouncementStatus announcement;
    private volatile TrafficStats nginx1 = TrafficStats.ZERO;
    private volatile TrafficStats nginx2 = TrafficStats.ZERO;

    /** Sets the cumulative counters of both servers. */
    void traffic(TrafficStats first, TrafficStats second) {
        nginx1 = first;
        nginx2 = second;
    }

    @Override
    public List<ServiceStatus> services() {
        TrafficStats one = nginx1;
        TrafficStats two = nginx2;
        return List.of(new ServiceStatus(Protocol.TCP, VIP, 80, "rr", 0, 32, one.plus(two), TrafficRates.ZERO,
                List.of(new ServerStatus(NGINX2, 80, ForwardingMethod.DIRECT_ROUTE, 1, 1, 7, 0, ServerHealth.UP,
                                two, TrafficRates.ZERO),
                        new ServerStatus(NGINX1, 80, ForwardingMethod.DIRECT_ROUTE, 0, 0, 2, 0,
                                ServerHealth.DOWN, one, TrafficRates.ZERO))));
    }

    @Override
    public Map<DropReason, Long> drops() {
        return Map.of(DropReason.ETHERNET_TRUNCATED, 3L);
    }

    @Override
    public List<VrrpStatus> vrrp() {
        return List.of(new VrrpStatus("VI_1", 51, "MASTER", 100, 1));
    }

    void announcement(AnnouncementStatus value) {
        announcement = value;
    }

    @Override
    public AnnouncementStatus announcement() {
        return announcement;
    }

    @Override
    public int connectionTableSize() {
        return 4096;
    }

    @Override
    public CompletionStage<List<ConnectionEntry>> connections() {
        return CompletableFuture.supplyAsync(() -> List.of(
                new ConnectionEntry(6, InetAddress.ofLiteral("198.18.0.2"), 40312, VIP, 80, NGINX2, 80, 1,
                        TcpState.ESTABLISHED, 899_000_000_000L, false, 0),
                new ConnectionEntry(6, InetAddress.ofLiteral("198.18.0.2"), 40310, VIP, 80, NGINX1, 80, 2,
                        TcpState.TIME_WAIT, 61_000_000_000L, false, 0)));
    }
}

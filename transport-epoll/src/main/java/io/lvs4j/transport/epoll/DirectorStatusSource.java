package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.status.AnnouncementStatus;
import io.lvs4j.core.status.ServiceStatus;
import io.lvs4j.core.status.StatusSource;
import io.lvs4j.core.status.TrafficSource;
import io.lvs4j.core.status.TrafficStats;
import io.lvs4j.core.status.VirtualServiceStatusSource;
import io.lvs4j.core.status.VrrpCounters;
import io.lvs4j.core.status.VrrpStatus;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Director} as its status source: its virtual services with their health, the data
 * path's traffic, drop and event counters, its VRRP instances and connections. Reads the
 * director anew on every call, so it is valid before {@link Director#start()} (all zeros) and
 * follows the director as servers come and go. Thread-safe.
 */
final class DirectorStatusSource implements StatusSource, TrafficSource {

    private final Director director;

    DirectorStatusSource(Director director) {
        this.director = director;
    }

    @Override
    public List<ServiceStatus> services() {
        VirtualServiceStatusSource services = new VirtualServiceStatusSource(List.of(), List.of(), this);
        for (DirectorService s : director.running().all()) {
            services.add(s.service(), s.health());
        }
        return services.services();
    }

    @Override
    public TrafficStats service(VirtualService service) {
        PacketDirector data = director.dataPath();
        return data == null ? TrafficStats.ZERO : data.traffic(service);
    }

    @Override
    public TrafficStats server(VirtualService service, ConnectionCounters server) {
        PacketDirector data = director.dataPath();
        return data == null ? TrafficStats.ZERO : data.traffic(service, server);
    }

    @Override
    public Map<DropReason, Long> drops() {
        PacketDirector data = director.dataPath();
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            if (reason != DropReason.NONE) {
                drops.put(reason, data == null ? 0 : data.drops(reason));
            }
        }
        return drops;
    }

    @Override
    public Map<String, Long> counters() {
        PacketDirector data = director.dataPath();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (DirectorCounter counter : DirectorCounter.values()) {
            counters.put(counter.name().toLowerCase(Locale.ROOT), data == null ? 0 : data.counter(counter));
        }
        if (data != null) {
            counters.putAll(data.floodCounters());
            XdpTransport xdp = data.xdp();
            if (xdp != null) {
                counters.putAll(xdp.counters());
            }
        }
        return counters;
    }

    @Override
    public List<VrrpStatus> vrrp() {
        List<VrrpStatus> result = new ArrayList<>();
        for (Director.InstanceState s : director.vrrpStates()) {
            result.add(new VrrpStatus(s.name(), s.virtualRouterId(), Director.name(s.state()), s.priority(),
                    s.transitions(), director.recentTransitions(s.name())));
        }
        return result;
    }

    @Override
    public List<VrrpCounters> vrrpCounters() {
        return director.vrrpCounters();
    }

    @Override
    public AnnouncementStatus announcement() {
        return director.announcement();
    }

    @Override
    public int connectionTableSize() {
        PacketDirector data = director.dataPath();
        return data == null ? 0 : (int) Math.min(Integer.MAX_VALUE, data.connectionCapacity());
    }

    @Override
    public CompletionStage<List<ConnectionEntry>> connections() {
        PacketDirector data = director.dataPath();
        return data == null ? CompletableFuture.completedFuture(List.of())
                : CompletableFuture.supplyAsync(data::connections);
    }
}

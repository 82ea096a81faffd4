package io.lvs4j.core.status;

import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.sched.Destination;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link StatusSource} over the parts of a director that core holds: {@link VirtualService}s
 * with their real servers' {@link ConnectionCounters}, optional {@link VirtualServiceHealth}
 * results, the per-loop {@link ConnectionTable}s and {@link LoopCounters} of {@link DropReason}s.
 *
 * <p>Packet and byte counters and scheduled connection totals come from a
 * {@link TrafficSource}, the data path's ({@link TrafficSource#NONE}, all zeros, without one);
 * it runs no VRRP instance. Thread-safe: services are added
 * from the control plane, and reading is lock-free.
 */
public final class VirtualServiceStatusSource implements StatusSource {

    private record Entry(VirtualService service, VirtualServiceHealth health) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final List<ConnectionTable> tables;
    private final List<LoopCounters<DropReason>> dropCounters;
    private final TrafficSource traffic;

    /**
     * Creates a source over the loops' connection tables and drop counters, without traffic counters.
     *
     * @param tables the connection tables, one per event loop (may be empty)
     * @param dropCounters the drop counters, one per event loop (may be empty)
     */
    public VirtualServiceStatusSource(List<ConnectionTable> tables, List<LoopCounters<DropReason>> dropCounters) {
        this(tables, dropCounters, TrafficSource.NONE);
    }

    /**
     * Creates a source over the loops' connection tables and drop counters and a data path's
     * traffic counters.
     *
     * @param tables the connection tables, one per event loop (may be empty)
     * @param dropCounters the drop counters, one per event loop (may be empty)
     * @param traffic the traffic counters
     */
    public VirtualServiceStatusSource(List<ConnectionTable> tables, List<LoopCounters<DropReason>> dropCounters,
            TrafficSource traffic) {
        this.tables = List.copyOf(tables);
        this.dropCounters = List.copyOf(dropCounters);
        this.traffic = Objects.requireNonNull(traffic, "traffic");
    }

    /**
     * Adds a service with no health checks.
     *
     * @param service the service
     * @return this source
     */
    public VirtualServiceStatusSource add(VirtualService service) {
        return add(service, null);
    }

    /**
     * Adds a service; its persistence is read from the service itself.
     *
     * @param service the service
     * @param health its health checks, or null if it has none
     * @return this source
     */
    public VirtualServiceStatusSource add(VirtualService service, VirtualServiceHealth health) {
        entries.add(new Entry(service, health));
        return this;
    }

    /**
     * Removes a service.
     *
     * @param service the service
     * @return true if it was there
     */
    public boolean remove(VirtualService service) {
        return entries.removeIf(e -> e.service() == service);
    }

    @Override
    public List<ServiceStatus> services() {
        List<ServiceStatus> result = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            VirtualService service = entry.service();
            List<ServerStatus> servers = new ArrayList<>();
            for (Destination destination : service.destinations().asList()) {
                ConnectionCounters counters = destination.counters();
                ServerHealth health = entry.health() == null ? ServerHealth.UNCHECKED
                        : entry.health().isUp(destination.server()) ? ServerHealth.UP : ServerHealth.DOWN;
                servers.add(new ServerStatus(destination.server().address(), destination.server().port(),
                        destination.server().forwarding(), destination.weight(),
                        counters.activeConnections(), counters.inactiveConnections(),
                        counters.persistentConnections(), health, traffic.server(service, counters), TrafficRates.ZERO));
            }
            result.add(new ServiceStatus(service.protocol(), service.address(), service.port(),
                    service.scheduler().name(), service.persistenceSeconds(), service.persistenceGranularity(),
                    traffic.service(service), TrafficRates.ZERO, servers, service.fwmark()));
        }
        return result;
    }

    @Override
    public Map<DropReason, Long> drops() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            if (reason != DropReason.NONE) {
                drops.put(reason, LoopCounters.sum(dropCounters, reason));
            }
        }
        return drops;
    }

    @Override
    public List<VrrpStatus> vrrp() {
        return List.of();
    }

    /** {@inheritDoc} The sum of the tables' capacities. */
    @Override
    public int connectionTableSize() {
        long size = 0;
        for (ConnectionTable table : tables) {
            size += table.capacity();
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    @Override
    public CompletionStage<List<ConnectionEntry>> connections() {
        List<CompletableFuture<List<ConnectionEntry>>> parts = new ArrayList<>(tables.size());
        for (ConnectionTable table : tables) {
            parts.add(table.requestEntries());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<ConnectionEntry> all = new ArrayList<>();
            for (CompletableFuture<List<ConnectionEntry>> part : parts) {
                all.addAll(part.join());
            }
            return all;
        });
    }
}

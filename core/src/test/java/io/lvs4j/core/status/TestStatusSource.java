package io.lvs4j.core.status;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.packet.DropReason;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A status source whose answers the test sets. */
final class TestStatusSource implements StatusSource {

    volatile List<ServiceStatus> services = List.of();
    volatile Map<DropReason, Long> drops = Map.of();
    volatile List<VrrpStatus> vrrp = List.of();
    volatile Map<String, Long> counters = Map.of();
    volatile List<VrrpCounters> vrrpCounters = List.of();
    volatile List<ConnectionEntry> connections = List.of();
    volatile int reads;

    @Override
    public List<ServiceStatus> services() {
        reads++;
        return services;
    }

    @Override
    public Map<DropReason, Long> drops() {
        return drops;
    }

    @Override
    public Map<String, Long> counters() {
        return counters;
    }

    @Override
    public List<VrrpStatus> vrrp() {
        return vrrp;
    }

    @Override
    public List<VrrpCounters> vrrpCounters() {
        return vrrpCounters;
    }

    @Override
    public int connectionTableSize() {
        return 4096;
    }

    @Override
    public CompletionStage<List<ConnectionEntry>> connections() {
        return CompletableFuture.completedFuture(connections);
    }
}

package io.lvs4j.core.status;

import io.lvs4j.core.packet.DropReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} that shows a director in its user's registry, reading only a
 * {@link StatusSource}.
 *
 * <p>Meters (tags in brackets): {@code lvs.service.connections}, {@code lvs.service.packets},
 * {@code lvs.service.bytes} [protocol, vip, direction] and {@code lvs.server.connections},
 * {@code lvs.server.packets}, {@code lvs.server.bytes} [protocol, vip, server, direction] are
 * counters; {@code lvs.server.connections.active}, {@code .inactive}, {@code .persistent},
 * {@code lvs.server.weight} and {@code lvs.server.up} (1 up or unchecked, 0 down) are gauges;
 * {@code lvs.drops} [reason] counts dropped frames, {@code lvs.events} [event] the data path's
 * other counters ({@link StatusSource#counters()}); {@code lvs.vrrp.state} [instance, state]
 * is 1 for the instance's current state and 0 for the others, {@code lvs.vrrp.priority} a gauge
 * and {@code lvs.vrrp.transitions} [instance] a counter.
 *
 * <p>Services, servers and VRRP instances get meters when they appear and lose them when they
 * vanish: each new snapshot of the source that holds other ones than the meters brings the
 * meters in line ({@link #refresh()} does it at once). Meter values come from one snapshot of
 * the source, taken again when it is older than the given maximum age, so a scrape reads the
 * source once, not once per meter. Meters hold the
 * source weakly, as Micrometer's meters do: they read NaN once the director is gone.
 * Thread-safe.
 *
 * <p>Micrometer is an optional dependency of lvs4j core: only this class needs it.
 */
@SuppressWarnings("exports") // Micrometer is optional: core requires it static, not transitive.
public final class LvsMetrics implements MeterBinder {

    private static final String[] VRRP_STATES = {"INIT", "BACKUP", "MASTER", "FAULT"};

    private final StatusSource source;
    private final LongSupplier nanoClock;
    private final long maxAgeNanos;
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final Map<String, List<Meter>> meters = new HashMap<>();
    private Snapshot snapshot;
    private long snapshotTime;

    private record Snapshot(Map<String, ServiceStatus> services, Map<String, ServerStatus> servers,
            Map<DropReason, Long> drops, Map<String, VrrpStatus> vrrp, Map<String, Long> counters) {

        /** @return the meter groups this snapshot needs, by key */
        Map<String, Tags> wanted() {
            Map<String, Tags> wanted = new HashMap<>();
            services.forEach((id, s) -> wanted.put("service " + id, serviceTags(s)));
            servers.forEach((id, s) -> wanted.put("server " + id, serverTags(id)));
            vrrp.forEach((id, v) -> wanted.put("vrrp " + id, Tags.of("instance", id)));
            counters.keySet().forEach(name -> wanted.put("event " + name, Tags.of("event", name)));
            wanted.put("drops", Tags.empty());
            return wanted;
        }
    }

    /**
     * Creates a binder over a running director (or anything else that tells its status) whose
     * snapshot lives one second on {@link System#nanoTime()}: {@code new LvsMetrics(director).bindTo(registry)}.
     *
     * @param director the director
     */
    public LvsMetrics(StatusProvider director) {
        this(director.status());
    }

    /**
     * Creates a binder whose snapshot lives one second on {@link System#nanoTime()}.
     *
     * @param source the director's status
     */
    public LvsMetrics(StatusSource source) {
        this(source, System::nanoTime, 1_000_000_000L);
    }

    /**
     * Creates a binder.
     *
     * @param source the director's status
     * @param nanoClock a monotonic clock in nanoseconds
     * @param maxAgeNanos how long a snapshot of the source serves meter readings
     */
    public LvsMetrics(StatusSource source, LongSupplier nanoClock, long maxAgeNanos) {
        this.source = source;
        this.nanoClock = nanoClock;
        this.maxAgeNanos = maxAgeNanos;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        refresh();
    }

    /**
     * Takes a fresh snapshot and brings the meters of every bound registry in line with the
     * services, servers and VRRP instances it holds.
     */
    public synchronized void refresh() {
        reconcile(take().wanted());
    }

    private void reconcile(Map<String, Tags> wanted) {
        meters.entrySet().removeIf(entry -> {
            if (wanted.containsKey(entry.getKey())) {
                return false;
            }
            for (Meter meter : entry.getValue()) {
                registries.forEach(r -> r.remove(meter));
            }
            return true;
        });
        for (Map.Entry<String, Tags> entry : wanted.entrySet()) {
            if (!meters.containsKey(entry.getKey())) {
                List<Meter> created = new ArrayList<>();
                for (MeterRegistry registry : registries) {
                    register(registry, entry.getKey(), entry.getValue(), created);
                }
                meters.put(entry.getKey(), created);
            }
        }
    }

    private void register(MeterRegistry registry, String key, Tags tags, List<Meter> out) {
        int space = key.indexOf(' ');
        String kind = space < 0 ? key : key.substring(0, space);
        String id = space < 0 ? "" : key.substring(space + 1);
        switch (kind) {
            case "service" -> {
                traffic(registry, "lvs.service", tags, s -> service(s, id) == null ? null : service(s, id).stats(), out);
            }
            case "server" -> {
                traffic(registry, "lvs.server", tags, s -> server(s, id) == null ? null : server(s, id).stats(), out);
                out.add(gauge(registry, "lvs.server.connections.active", tags, "connections",
                        s -> server(s, id) == null ? Double.NaN : server(s, id).activeConnections()));
                out.add(gauge(registry, "lvs.server.connections.inactive", tags, "connections",
                        s -> server(s, id) == null ? Double.NaN : server(s, id).inactiveConnections()));
                out.add(gauge(registry, "lvs.server.connections.persistent", tags, "connections",
                        s -> server(s, id) == null ? Double.NaN : server(s, id).persistentConnections()));
                out.add(gauge(registry, "lvs.server.weight", tags, null,
                        s -> server(s, id) == null ? Double.NaN : server(s, id).weight()));
                out.add(gauge(registry, "lvs.server.up", tags, null,
                        s -> server(s, id) == null ? Double.NaN : server(s, id).health() == ServerHealth.DOWN ? 0 : 1));
            }
            case "event" -> out.add(counter(registry, "lvs.events", tags, "events",
                    s -> current().counters().getOrDefault(id, 0L)));
            case "vrrp" -> {
                for (String state : VRRP_STATES) {
                    out.add(gauge(registry, "lvs.vrrp.state", tags.and("state", state), null,
                            s -> vrrp(s, id) == null ? Double.NaN : state.equals(vrrp(s, id).state()) ? 1 : 0));
                }
                out.add(gauge(registry, "lvs.vrrp.priority", tags, null,
                        s -> vrrp(s, id) == null ? Double.NaN : vrrp(s, id).priority()));
                out.add(counter(registry, "lvs.vrrp.transitions", tags, null,
                        s -> vrrp(s, id) == null ? Double.NaN : vrrp(s, id).transitions()));
            }
            default -> {
                for (DropReason reason : DropReason.values()) {
                    if (reason != DropReason.NONE) {
                        out.add(counter(registry, "lvs.drops", Tags.of("reason",
                                reason.name().toLowerCase(Locale.ROOT)), "frames",
                                s -> current().drops().getOrDefault(reason, 0L)));
                    }
                }
            }
        }
    }

    private void traffic(MeterRegistry registry, String prefix, Tags tags,
            java.util.function.Function<StatusSource, TrafficStats> stats, List<Meter> out) {
        out.add(counter(registry, prefix + ".connections", tags, "connections",
                s -> value(stats.apply(s), TrafficStats::connections)));
        out.add(counter(registry, prefix + ".packets", tags.and("direction", "in"), "packets",
                s -> value(stats.apply(s), TrafficStats::inPackets)));
        out.add(counter(registry, prefix + ".packets", tags.and("direction", "out"), "packets",
                s -> value(stats.apply(s), TrafficStats::outPackets)));
        out.add(counter(registry, prefix + ".bytes", tags.and("direction", "in"), "bytes",
                s -> value(stats.apply(s), TrafficStats::inBytes)));
        out.add(counter(registry, prefix + ".bytes", tags.and("direction", "out"), "bytes",
                s -> value(stats.apply(s), TrafficStats::outBytes)));
    }

    private static double value(TrafficStats stats, java.util.function.ToLongFunction<TrafficStats> field) {
        return stats == null ? Double.NaN : field.applyAsLong(stats);
    }

    private Meter counter(MeterRegistry registry, String name, Tags tags, String unit,
            ToDoubleFunction<StatusSource> value) {
        return FunctionCounter.builder(name, source, value).tags(tags).baseUnit(unit).register(registry);
    }

    private Meter gauge(MeterRegistry registry, String name, Tags tags, String unit,
            ToDoubleFunction<StatusSource> value) {
        return Gauge.builder(name, source, value).tags(tags).baseUnit(unit).register(registry);
    }

    private ServiceStatus service(StatusSource ignored, String id) {
        return current().services().get(id);
    }

    private ServerStatus server(StatusSource ignored, String id) {
        return current().servers().get(id);
    }

    private VrrpStatus vrrp(StatusSource ignored, String id) {
        return current().vrrp().get(id);
    }

    private synchronized Snapshot current() {
        if (snapshot == null || nanoClock.getAsLong() - snapshotTime >= maxAgeNanos) {
            Snapshot next = take();
            Map<String, Tags> wanted = next.wanted();
            if (!registries.isEmpty() && !wanted.keySet().equals(meters.keySet())) {
                reconcile(wanted);
            }
            return next;
        }
        return snapshot;
    }

    private Snapshot take() {
        Map<String, ServiceStatus> services = new HashMap<>();
        Map<String, ServerStatus> servers = new HashMap<>();
        for (ServiceStatus service : source.services()) {
            String id = serviceId(service);
            services.put(id, service);
            for (ServerStatus server : service.servers()) {
                servers.put(id + " " + IpvsadmFormat.endpoint(server.address(), server.port()), server);
            }
        }
        Map<String, VrrpStatus> vrrp = new HashMap<>();
        for (VrrpStatus instance : source.vrrp()) {
            vrrp.put(instance.name(), instance);
        }
        snapshot = new Snapshot(services, servers, Map.copyOf(source.drops()), vrrp, Map.copyOf(source.counters()));
        snapshotTime = nanoClock.getAsLong();
        return snapshot;
    }

    private static String serviceId(ServiceStatus service) {
        return service.protocol().name().toLowerCase(Locale.ROOT) + " "
                + IpvsadmFormat.endpoint(service.address(), service.port());
    }

    private static Tags serviceTags(ServiceStatus service) {
        return Tags.of("protocol", service.protocol().name().toLowerCase(Locale.ROOT), "vip",
                IpvsadmFormat.endpoint(service.address(), service.port()));
    }

    private static Tags serverTags(String serverId) {
        String[] parts = serverId.split(" ");
        return Tags.of("protocol", parts[0], "vip", parts[1], "server", parts[2]);
    }
}

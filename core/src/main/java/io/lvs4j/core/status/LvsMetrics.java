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
 * {@link StatusSource}. Names follow Prometheus's conventions as Micrometer's Prometheus
 * registry writes them (counters end in {@code _total}, bytes in base units, no unit repeated).
 *
 * <p>Meters (tags in brackets), as Prometheus names them:
 * <ul>
 *   <li>{@code lvs_service_connections_total}, {@code lvs_service_packets_total},
 *       {@code lvs_service_bytes_total} [protocol, vip, direction] and the same for
 *       {@code lvs_server_*} [protocol, vip, server, direction]: the counters of
 *       {@code ipvsadm -Ln --stats};</li>
 *   <li>{@code lvs_server_connections_active}, {@code _inactive}, {@code _persistent},
 *       {@code lvs_server_weight} and {@code lvs_server_up} (1 up or unchecked, 0 down):
 *       gauges [protocol, vip, server];</li>
 *   <li>{@code lvs_frames_dropped_total} [reason] and {@code lvs_events_total} [event] (the
 *       data path's other counters, {@link StatusSource#counters()});</li>
 *   <li>{@code lvs_vrrp_state} [vrrp_instance, state] (1 for the instance's current state, 0
 *       for the others), {@code lvs_vrrp_priority} and {@code lvs_vrrp_transitions_total}
 *       [vrrp_instance] (not {@code instance}: Prometheus gives that label to the target);
 *       {@code lvs_vrrp_adverts_sent_total}, {@code lvs_vrrp_adverts_received_total}
 *       [interface] and {@code lvs_vrrp_adverts_dropped_total} [interface, reason];</li>
 *   <li>unless {@link #nodeExporterNames(boolean) turned off}, node_exporter's IPVS meters
 *       ({@code node_ipvs_connections_total}, {@code node_ipvs_backend_connections_active} ...,
 *       with its labels), so that dashboards made for a kernel IPVS work unchanged.</li>
 * </ul>
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
    private boolean nodeExporterNames = true;
    private Snapshot snapshot;
    private long snapshotTime;

    /** A real server with its virtual service. */
    private record Backend(ServiceStatus service, ServerStatus server) {
    }

    private record Snapshot(Map<String, ServiceStatus> services, Map<String, Backend> servers,
            Map<DropReason, Long> drops, Map<String, VrrpStatus> vrrp, Map<String, Long> counters,
            Map<String, VrrpCounters> vrrpCounters) {
    }

    /** @return the meter groups a snapshot needs, by key */
    private Map<String, Tags> wanted(Snapshot snap) {
        Map<String, Tags> wanted = new HashMap<>();
        snap.services().forEach((id, s) -> wanted.put("service " + id, serviceTags(s)));
        snap.servers().forEach((id, s) -> wanted.put("server " + id, serverTags(id)));
        snap.vrrp().forEach((id, v) -> wanted.put("vrrp " + id, Tags.of("vrrp_instance", id)));
        snap.vrrpCounters().forEach((id, v) -> wanted.put("adverts " + id, Tags.of("interface", id)));
        snap.counters().keySet().forEach(name -> wanted.put("event " + name, Tags.of("event", name)));
        wanted.put("drops", Tags.empty());
        if (nodeExporterNames) {
            wanted.put("ipvs", Tags.empty());
        }
        return wanted;
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

    /**
     * Chooses whether node_exporter's IPVS meters are registered too (they are by default).
     * Call it before {@link #bindTo}.
     *
     * @param on false to register lvs4j's own meters only
     * @return this binder
     */
    public synchronized LvsMetrics nodeExporterNames(boolean on) {
        this.nodeExporterNames = on;
        return this;
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
        reconcile(wanted(take()));
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
            case "service" -> traffic(registry, "lvs.service", "virtual service", tags,
                    s -> service(id) == null ? null : service(id).stats(), out);
            case "server" -> server(registry, id, tags, out);
            case "ipvs" -> NodeExporterIpvs.totals(registry, source, s -> List.copyOf(current().services().values()),
                    out);
            case "event" -> out.add(counter(registry, "lvs.events", "Events of the data path by kind.", tags,
                    "events", s -> current().counters().getOrDefault(id, 0L)));
            case "vrrp" -> vrrp(registry, id, tags, out);
            case "adverts" -> adverts(registry, id, tags, out);
            default -> {
                for (DropReason reason : DropReason.values()) {
                    if (reason != DropReason.NONE) {
                        out.add(counter(registry, "lvs.frames.dropped", "Frames the data path dropped, by reason.",
                                Tags.of("reason", reason.name().toLowerCase(Locale.ROOT)), null,
                                s -> current().drops().getOrDefault(reason, 0L)));
                    }
                }
            }
        }
    }

    private void server(MeterRegistry registry, String id, Tags tags, List<Meter> out) {
        traffic(registry, "lvs.server", "real server", tags, s -> server(id) == null ? null : server(id).stats(), out);
        out.add(gauge(registry, "lvs.server.connections.active", "Connections in an active state (ActiveConn).",
                tags, s -> server(id) == null ? Double.NaN : server(id).activeConnections()));
        out.add(gauge(registry, "lvs.server.connections.inactive", "Connections in another state (InActConn).",
                tags, s -> server(id) == null ? Double.NaN : server(id).inactiveConnections()));
        out.add(gauge(registry, "lvs.server.connections.persistent",
                "Persistence templates pointing to the server (PersistConn).",
                tags, s -> server(id) == null ? Double.NaN : server(id).persistentConnections()));
        out.add(gauge(registry, "lvs.server.weight", "The server's current weight.",
                tags, s -> server(id) == null ? Double.NaN : server(id).weight()));
        out.add(gauge(registry, "lvs.server.up", "1 if the health checks find the server up (or none checks it).",
                tags, s -> server(id) == null ? Double.NaN : server(id).health() == ServerHealth.DOWN ? 0 : 1));
        Backend backend = current().servers().get(id);
        if (nodeExporterNames && backend != null) {
            NodeExporterIpvs.backend(registry, source, backend.service(), backend.server(), s -> server(id), out);
        }
    }

    private void vrrp(MeterRegistry registry, String id, Tags tags, List<Meter> out) {
        for (String state : VRRP_STATES) {
            out.add(gauge(registry, "lvs.vrrp.state", "1 for the VRRP instance's current state, 0 for the others.",
                    tags.and("state", state),
                    s -> vrrp(id) == null ? Double.NaN : state.equals(vrrp(id).state()) ? 1 : 0));
        }
        out.add(gauge(registry, "lvs.vrrp.priority", "The VRRP instance's effective priority.",
                tags, s -> vrrp(id) == null ? Double.NaN : vrrp(id).priority()));
        out.add(counter(registry, "lvs.vrrp.transitions", "State changes of the VRRP instance.", tags, null,
                s -> vrrp(id) == null ? Double.NaN : vrrp(id).transitions()));
    }

    private void adverts(MeterRegistry registry, String id, Tags tags, List<Meter> out) {
        out.add(counter(registry, "lvs.vrrp.adverts.sent", "VRRP adverts sent on the interface.", tags, null,
                s -> adverts(id) == null ? Double.NaN : adverts(id).advertsSent()));
        out.add(counter(registry, "lvs.vrrp.adverts.received",
                "VRRP adverts received on the interface that passed every check.", tags, null,
                s -> adverts(id) == null ? Double.NaN : adverts(id).advertsReceived()));
        VrrpCounters first = adverts(id);
        for (String reason : first == null ? List.<String>of() : first.dropped().keySet()) {
            out.add(counter(registry, "lvs.vrrp.adverts.dropped",
                    "VRRP packets received on the interface and dropped, by the first check they failed.",
                    tags.and("reason", reason), null,
                    s -> adverts(id) == null ? Double.NaN : adverts(id).dropped().getOrDefault(reason, 0L)));
        }
    }

    private void traffic(MeterRegistry registry, String prefix, String what, Tags tags,
            java.util.function.Function<StatusSource, TrafficStats> stats, List<Meter> out) {
        out.add(counter(registry, prefix + ".connections", "Connections scheduled to the " + what + ".", tags,
                "connections", s -> value(stats.apply(s), TrafficStats::connections)));
        out.add(counter(registry, prefix + ".packets", "Packets of the " + what + " by direction (in: from clients).",
                tags.and("direction", "in"), "packets", s -> value(stats.apply(s), TrafficStats::inPackets)));
        out.add(counter(registry, prefix + ".packets", "Packets of the " + what + " by direction (in: from clients).",
                tags.and("direction", "out"), "packets", s -> value(stats.apply(s), TrafficStats::outPackets)));
        out.add(counter(registry, prefix + ".bytes", "IP bytes of the " + what + " by direction (in: from clients).",
                tags.and("direction", "in"), "bytes", s -> value(stats.apply(s), TrafficStats::inBytes)));
        out.add(counter(registry, prefix + ".bytes", "IP bytes of the " + what + " by direction (in: from clients).",
                tags.and("direction", "out"), "bytes", s -> value(stats.apply(s), TrafficStats::outBytes)));
    }

    private static double value(TrafficStats stats, java.util.function.ToLongFunction<TrafficStats> field) {
        return stats == null ? Double.NaN : field.applyAsLong(stats);
    }

    private Meter counter(MeterRegistry registry, String name, String help, Tags tags, String unit,
            ToDoubleFunction<StatusSource> value) {
        return FunctionCounter.builder(name, source, value).description(help).tags(tags).baseUnit(unit)
                .register(registry);
    }

    private Meter gauge(MeterRegistry registry, String name, String help, Tags tags,
            ToDoubleFunction<StatusSource> value) {
        return Gauge.builder(name, source, value).description(help).tags(tags).register(registry);
    }

    private ServiceStatus service(String id) {
        return current().services().get(id);
    }

    private ServerStatus server(String id) {
        Backend backend = current().servers().get(id);
        return backend == null ? null : backend.server();
    }

    private VrrpStatus vrrp(String id) {
        return current().vrrp().get(id);
    }

    private VrrpCounters adverts(String id) {
        return current().vrrpCounters().get(id);
    }

    private synchronized Snapshot current() {
        if (snapshot == null || nanoClock.getAsLong() - snapshotTime >= maxAgeNanos) {
            Snapshot next = take();
            Map<String, Tags> wanted = wanted(next);
            if (!registries.isEmpty() && !wanted.keySet().equals(meters.keySet())) {
                reconcile(wanted);
            }
            return next;
        }
        return snapshot;
    }

    private Snapshot take() {
        Map<String, ServiceStatus> services = new HashMap<>();
        Map<String, Backend> servers = new HashMap<>();
        for (ServiceStatus service : source.services()) {
            String id = serviceId(service);
            services.put(id, service);
            for (ServerStatus server : service.servers()) {
                servers.put(id + " " + IpvsadmFormat.endpoint(server.address(), server.port()),
                        new Backend(service, server));
            }
        }
        Map<String, VrrpStatus> vrrp = new HashMap<>();
        for (VrrpStatus instance : source.vrrp()) {
            vrrp.put(instance.name(), instance);
        }
        Map<String, VrrpCounters> adverts = new HashMap<>();
        for (VrrpCounters counters : source.vrrpCounters()) {
            adverts.put(counters.interfaceName(), counters);
        }
        snapshot = new Snapshot(services, servers, Map.copyOf(source.drops()), vrrp, Map.copyOf(source.counters()),
                adverts);
        snapshotTime = nanoClock.getAsLong();
        return snapshot;
    }

    private static String serviceId(ServiceStatus service) {
        return service.protocol().name().toLowerCase(Locale.ROOT) + " " + IpvsadmFormat.vip(service);
    }

    private static Tags serviceTags(ServiceStatus service) {
        return Tags.of("protocol", service.protocol().name().toLowerCase(Locale.ROOT), "vip",
                IpvsadmFormat.vip(service));
    }

    private static Tags serverTags(String serverId) {
        String[] parts = serverId.split(" ");
        return Tags.of("protocol", parts[0], "vip", parts[1], "server", parts[2]);
    }
}

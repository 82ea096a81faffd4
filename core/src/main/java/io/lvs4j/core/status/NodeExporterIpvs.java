package io.lvs4j.core.status;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The meters node_exporter's {@code ipvs} collector exports for a kernel IPVS, with its names,
 * types and labels, so that dashboards and alerts written for IPVS work on lvs4j unchanged:
 * {@code node_ipvs_connections_total}, {@code node_ipvs_incoming_packets_total},
 * {@code node_ipvs_outgoing_packets_total}, {@code node_ipvs_incoming_bytes_total},
 * {@code node_ipvs_outgoing_bytes_total} (every service summed, as
 * {@code /proc/net/ip_vs_stats}) and {@code node_ipvs_backend_connections_active},
 * {@code node_ipvs_backend_connections_inactive}, {@code node_ipvs_backend_weight} per real
 * server with the labels {@code local_address}, {@code local_port}, {@code remote_address},
 * {@code remote_port}, {@code proto} ({@code TCP}, {@code UDP}) and {@code local_mark} (empty);
 * for a fwmark service, as node_exporter reads {@code /proc/net/ip_vs}'s {@code FWM  00000007}
 * line, {@code local_address} {@code <nil>}, {@code local_port} 0, {@code proto} {@code FWM} and
 * {@code local_mark} the mark in eight hexadecimal digits. Micrometer's Prometheus registry adds {@code _total} to the
 * counters. Stateless.
 */
final class NodeExporterIpvs {

    private NodeExporterIpvs() {
    }

    /**
     * Registers the five totals of every virtual service.
     *
     * @param registry the registry
     * @param source what the meters hold (weakly)
     * @param services the services of the current snapshot, read at each scrape
     * @param out collects the meters registered
     */
    static void totals(MeterRegistry registry, StatusSource source,
            Function<StatusSource, List<ServiceStatus>> services, List<Meter> out) {
        out.add(counter(registry, "node.ipvs.connections", "The total number of connections made.", null, source,
                s -> sum(services.apply(s), TrafficStats::connections)));
        out.add(counter(registry, "node.ipvs.incoming.packets", "The total number of incoming packets.", null, source,
                s -> sum(services.apply(s), TrafficStats::inPackets)));
        out.add(counter(registry, "node.ipvs.outgoing.packets", "The total number of outgoing packets.", null, source,
                s -> sum(services.apply(s), TrafficStats::outPackets)));
        out.add(counter(registry, "node.ipvs.incoming.bytes", "The total amount of incoming data.", "bytes", source,
                s -> sum(services.apply(s), TrafficStats::inBytes)));
        out.add(counter(registry, "node.ipvs.outgoing.bytes", "The total amount of outgoing data.", "bytes", source,
                s -> sum(services.apply(s), TrafficStats::outBytes)));
    }

    /**
     * Registers the three gauges of one real server.
     *
     * @param registry the registry
     * @param source what the meters hold (weakly)
     * @param service the server's virtual service, for the labels
     * @param server the server, for the labels
     * @param current the server in the current snapshot, or null once gone
     * @param out collects the meters registered
     */
    static void backend(MeterRegistry registry, StatusSource source, ServiceStatus service, ServerStatus server,
            Function<StatusSource, ServerStatus> current, List<Meter> out) {
        boolean fwmark = service.fwmark() != 0;
        Tags tags = Tags.of("local_address", fwmark ? "<nil>" : text(service.address()),
                "local_port", String.valueOf(service.port()),
                "remote_address", text(server.address()), "remote_port", String.valueOf(server.port()),
                "proto", fwmark ? "FWM" : service.protocol().name().toUpperCase(Locale.ROOT),
                "local_mark", fwmark ? String.format(Locale.ROOT, "%08X", service.fwmark()) : "");
        out.add(gauge(registry, "node.ipvs.backend.connections.active",
                "The current active connections by local and remote address.", tags, source,
                s -> current.apply(s) == null ? Double.NaN : current.apply(s).activeConnections()));
        out.add(gauge(registry, "node.ipvs.backend.connections.inactive",
                "The current inactive connections by local and remote address.", tags, source,
                s -> current.apply(s) == null ? Double.NaN : current.apply(s).inactiveConnections()));
        out.add(gauge(registry, "node.ipvs.backend.weight", "The current backend weight by local and remote address.",
                tags, source, s -> current.apply(s) == null ? Double.NaN : current.apply(s).weight()));
    }

    /** @return the address as node_exporter writes it (Go's {@code net.IP.String}: IPv6 compressed) */
    static String text(InetAddress address) {
        return address instanceof Inet6Address ? IpvsadmFormat.ipv6Text(address.getAddress()) : address.getHostAddress();
    }

    private static double sum(List<ServiceStatus> services, ToLongFunction<TrafficStats> field) {
        long total = 0;
        for (ServiceStatus service : services) {
            total += field.applyAsLong(service.stats());
        }
        return total;
    }

    private static Meter counter(MeterRegistry registry, String name, String help, String unit, StatusSource source,
            ToDoubleFunction<StatusSource> value) {
        return FunctionCounter.builder(name, source, value).description(help).baseUnit(unit).register(registry);
    }

    private static Meter gauge(MeterRegistry registry, String name, String help, Tags tags, StatusSource source,
            ToDoubleFunction<StatusSource> value) {
        return Gauge.builder(name, source, value).description(help).tags(tags).register(registry);
    }
}

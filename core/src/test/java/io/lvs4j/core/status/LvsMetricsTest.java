package io.lvs4j.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.packet.DropReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The Micrometer binder reads the status source and follows its changes. */
class LvsMetricsTest {

    private final TestStatusSource source = new TestStatusSource();
    private final AtomicLong clock = new AtomicLong();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static List<ServiceStatus> web(String server, int active, long inBytes) throws Exception {
        return List.of(new ServiceStatus(Protocol.TCP, InetAddress.getByName("198.18.0.10"), 80, "rr", 0, 32,
                new TrafficStats(10, 20, 0, inBytes, 0), TrafficRates.ZERO,
                List.of(new ServerStatus(InetAddress.getByName(server), 80, ForwardingMethod.DIRECT_ROUTE, 2,
                        active, 4, 0, ServerHealth.DOWN, new TrafficStats(7, 8, 0, inBytes, 0),
                        TrafficRates.ZERO))));
    }

    @Test
    void shouldExposeServiceServerDropAndVrrpMeters() throws Exception {
        source.services = web("198.18.0.11", 3, 1500);
        source.drops = Map.of(DropReason.ETHERNET_TRUNCATED, 5L);
        source.vrrp = List.of(new VrrpStatus("VI_1", 51, "MASTER", 100, 2));

        new LvsMetrics(source, clock::get, 1_000).bindTo(registry);

        assertEquals(1500, registry.get("lvs.service.bytes").tags("vip", "198.18.0.10:80", "direction", "in")
                .functionCounter().count());
        assertEquals(3, registry.get("lvs.server.connections.active").tags("server", "198.18.0.11:80")
                .gauge().value());
        assertEquals(0, registry.get("lvs.server.up").gauge().value());
        assertEquals(5, registry.get("lvs.frames.dropped").tags("reason", "ethernet_truncated").functionCounter().count());
        assertEquals(1, registry.get("lvs.vrrp.state").tags("vrrp_instance", "VI_1", "state", "MASTER").gauge().value());
        assertEquals(0, registry.get("lvs.vrrp.state").tags("vrrp_instance", "VI_1", "state", "BACKUP").gauge().value());
        assertEquals(2, registry.get("lvs.vrrp.transitions").functionCounter().count());
    }

    @Test
    void shouldReadTheSourceOncePerSnapshotAge() throws Exception {
        source.services = web("198.18.0.11", 3, 1500);
        new LvsMetrics(source, clock::get, 1_000).bindTo(registry);
        int before = source.reads;

        source.services = web("198.18.0.11", 9, 1500);
        double cached = registry.get("lvs.server.connections.active").gauge().value();
        registry.get("lvs.server.weight").gauge().value();
        clock.addAndGet(1_000);
        double fresh = registry.get("lvs.server.connections.active").gauge().value();

        assertEquals(3, cached);
        assertEquals(9, fresh);
        assertEquals(before + 1, source.reads);
    }

    @Test
    void shouldAddAndRemoveServerMetersOnRefresh() throws Exception {
        source.services = web("198.18.0.11", 3, 1500);
        LvsMetrics metrics = new LvsMetrics(source, clock::get, 1_000);
        metrics.bindTo(registry);

        source.services = web("198.18.0.12", 1, 1500);
        metrics.refresh();

        assertNull(registry.find("lvs.server.weight").tags("server", "198.18.0.11:80").gauge());
        assertEquals(2, registry.get("lvs.server.weight").tags("server", "198.18.0.12:80").gauge().value());
    }

    @Test
    void shouldFollowServersAddedLaterWithoutARefresh() throws Exception {
        source.services = web("198.18.0.11", 3, 1500);
        StatusProvider director = () -> source;
        new LvsMetrics(director.status(), clock::get, 1_000).bindTo(registry);

        source.services = web("198.18.0.12", 1, 1500);
        clock.addAndGet(1_000);
        registry.get("lvs.frames.dropped").tags("reason", "ethernet_truncated").functionCounter().count(); // a scrape

        assertEquals(2, registry.get("lvs.server.weight").tags("server", "198.18.0.12:80").gauge().value());
        assertNull(registry.find("lvs.server.weight").tags("server", "198.18.0.11:80").gauge());
    }

    @Test
    void shouldExportTheDataPathCountersAndBindToADirector() throws Exception {
        source.counters = Map.of("forwarded", 42L, "ignored", 3L);
        StatusProvider director = () -> source;

        new LvsMetrics(director).bindTo(registry);

        assertEquals(42, registry.get("lvs.events").tags("event", "forwarded").functionCounter().count());
        assertEquals(3, registry.get("lvs.events").tags("event", "ignored").functionCounter().count());
    }

    @Test
    void shouldExposeNodeExporterIpvsMetersWithItsLabels() throws Exception {
        source.services = web("198.18.0.11", 3, 1500);
        new LvsMetrics(source, clock::get, 1_000).bindTo(registry);

        assertEquals(10, registry.get("node.ipvs.connections").functionCounter().count());
        assertEquals(20, registry.get("node.ipvs.incoming.packets").functionCounter().count());
        assertEquals(1500, registry.get("node.ipvs.incoming.bytes").functionCounter().count());
        assertEquals(0, registry.get("node.ipvs.outgoing.bytes").functionCounter().count());
        assertEquals(3, registry.get("node.ipvs.backend.connections.active").tags("local_address", "198.18.0.10",
                "local_port", "80", "remote_address", "198.18.0.11", "remote_port", "80", "proto", "TCP",
                "local_mark", "").gauge().value());
        assertEquals(4, registry.get("node.ipvs.backend.connections.inactive").gauge().value());
        assertEquals(2, registry.get("node.ipvs.backend.weight").gauge().value());
    }

    /** node_exporter reads {@code FWM  00000007} in /proc/net/ip_vs: no address, port 0, proto FWM, the mark in hex. */
    @Test
    void shouldLabelAFwmarkServiceAsNodeExporterReadsIt() throws Exception {
        source.services = List.of(new ServiceStatus(Protocol.TCP, InetAddress.getByName("0.0.0.0"), 0, "rr", 0, 32,
                new TrafficStats(10, 20, 0, 1500, 0), TrafficRates.ZERO,
                List.of(new ServerStatus(InetAddress.getByName("198.18.0.11"), 0, ForwardingMethod.DIRECT_ROUTE, 2,
                        3, 4, 0, ServerHealth.DOWN, new TrafficStats(7, 8, 0, 1500, 0), TrafficRates.ZERO)), 26));
        new LvsMetrics(source, clock::get, 1_000).bindTo(registry);

        assertEquals(3, registry.get("node.ipvs.backend.connections.active").tags("local_address", "<nil>",
                "local_port", "0", "remote_address", "198.18.0.11", "remote_port", "0", "proto", "FWM",
                "local_mark", "0000001A").gauge().value());
        assertEquals(1500, registry.get("lvs.service.bytes").tags("vip", "fwmark:26", "direction", "in")
                .functionCounter().count());
    }

    @Test
    void shouldLeaveNodeExporterNamesOutWhenAsked() throws Exception {
        source.services = web("198.18.0.11", 3, 1500);
        new LvsMetrics(source, clock::get, 1_000).nodeExporterNames(false).bindTo(registry);

        assertNull(registry.find("node.ipvs.connections").functionCounter());
        assertNull(registry.find("node.ipvs.backend.weight").gauge());
        assertEquals(2, registry.get("lvs.server.weight").gauge().value());
    }

    @Test
    void shouldCountVrrpAdvertsPerInterfaceAndDropsByCheck() {
        source.vrrpCounters = List.of(new VrrpCounters("eth0", 41, 7, Map.of("bad_ttl", 2L, "bad_auth", 0L)));
        new LvsMetrics(source, clock::get, 1_000).bindTo(registry);

        assertEquals(41, registry.get("lvs.vrrp.adverts.sent").tags("interface", "eth0").functionCounter().count());
        assertEquals(7, registry.get("lvs.vrrp.adverts.received").functionCounter().count());
        assertEquals(2, registry.get("lvs.vrrp.adverts.dropped").tags("reason", "bad_ttl").functionCounter().count());
        assertEquals(0, registry.get("lvs.vrrp.adverts.dropped").tags("reason", "bad_auth").functionCounter().count());
    }

    @Test
    void shouldDescribeEveryMeter() throws Exception {
        source.services = web("198.18.0.11", 3, 1500);
        source.vrrp = List.of(new VrrpStatus("VI_1", 51, "MASTER", 100, 2));
        source.vrrpCounters = List.of(new VrrpCounters("eth0", 1, 1, Map.of("bad_ttl", 0L)));
        source.counters = Map.of("forwarded", 1L);
        new LvsMetrics(source, clock::get, 1_000).bindTo(registry);

        assertTrue(registry.getMeters().size() > 40, "meters: " + registry.getMeters().size());
        registry.getMeters().forEach(m -> assertTrue(m.getId().getDescription() != null
                && !m.getId().getDescription().isBlank(), m.getId() + " has a description (Prometheus HELP)"));
    }
}

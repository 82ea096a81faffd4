package io.lvs4j.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.status.IpvsadmFormat.Columns;
import io.lvs4j.core.time.NanoClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The status of core's own model: services, servers, counters and drops. */
class VirtualServiceStatusSourceTest {

    private static final class Named implements Scheduler {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void update(DestinationSet destinations) {
        }

        @Override
        public Destination pick(FlowKey flow) {
            return null;
        }
    }

    @Test
    void shouldReportServersWithTheirConnectionCountersInIpvsadmLayout() throws Exception {
        VirtualService web = new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.10"), 80,
                new Named("wrr"));
        RealServer one = new RealServer(InetAddress.getByName("198.18.0.11"), 80, 3, 0, 0,
                ForwardingMethod.DIRECT_ROUTE);
        RealServer two = new RealServer(InetAddress.getByName("198.18.0.12"), 8080, 1, 0, 0,
                ForwardingMethod.MASQUERADE);
        web.addRealServer(one);
        web.addRealServer(two);
        web.countersOf(one).bindConnection(false);
        web.countersOf(one).bindConnection(false);
        web.countersOf(two).bindConnection(true);
        web.countersOf(two).bindTemplate();
        LoopCounters<DropReason> loop0 = new LoopCounters<>(DropReason.class);
        LoopCounters<DropReason> loop1 = new LoopCounters<>(DropReason.class);
        loop0.increment(DropReason.ETHERNET_TRUNCATED);
        loop1.increment(DropReason.ETHERNET_TRUNCATED);
        web.persistence(Duration.ofSeconds(300), 32);
        VirtualServiceStatusSource source = new VirtualServiceStatusSource(List.of(), List.of(loop0, loop1))
                .add(web);

        DirectorStatus status = DirectorStatus.of(source);

        assertEquals("""
                IP Virtual Server version 1.2.1 (size=0)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  198.18.0.10:80 wrr persistent 300
                  -> 198.18.0.11:80               Route   3      2          0        \s
                  -> 198.18.0.12:8080             Masq    1      0          1        \s
                """, IpvsadmFormat.table(status, Columns.CONNECTIONS));
        assertEquals(1, status.services().get(0).servers().stream()
                .filter(s -> s.port() == 8080).findFirst().orElseThrow().persistentConnections());
        assertEquals(ServerHealth.UNCHECKED, status.services().get(0).servers().get(0).health());
        assertEquals(2L, status.drops().get(DropReason.ETHERNET_TRUNCATED));
    }

    @Test
    void shouldListConnectionsOfEveryLoopOnceEachLoopHasListedItsOwn() throws Exception {
        DestinationRegistry registry = new DestinationRegistry(4);
        registry.register(1, new ConnectionCounters(), 1);
        NanoClock clock = () -> 1_000_000_000_000L;
        try (ConnectionTable loop0 = ConnectionTable.builder().capacity(64).clock(clock).registry(registry).build();
                ConnectionTable loop1 = ConnectionTable.builder().capacity(128).clock(clock).registry(registry)
                        .build()) {
            int vip = 0xC612000A;
            FlowTuple flow = new FlowTuple();
            int rs = 0xC612000B;
            loop0.insert(flow.ipv4(6, 0xC6120001, 40000, vip, 80).server(rs, 80), 1, ForwardingMethod.DIRECT_ROUTE,
                    ConnectionTable.MISS);
            loop1.insert(flow.ipv4(6, 0xC6120002, 40001, vip, 80).server(rs, 80), 1, ForwardingMethod.DIRECT_ROUTE,
                    ConnectionTable.MISS);
            VirtualServiceStatusSource source = new VirtualServiceStatusSource(List.of(loop0, loop1), List.of());

            CompletableFuture<List<ConnectionEntry>> listing = source.connections().toCompletableFuture();
            loop0.expire();
            boolean doneBeforeSecondLoop = listing.isDone();
            loop1.expire();

            assertFalse(doneBeforeSecondLoop);
            assertEquals(List.of(40000, 40001),
                    listing.get().stream().map(ConnectionEntry::clientPort).sorted().toList());
            assertEquals(192, source.connectionTableSize());
        }
    }

    @Test
    void shouldForgetARemovedService() throws Exception {
        VirtualService dns = new VirtualService(Protocol.UDP, InetAddress.getByName("198.18.0.10"), 53,
                new Named("rr"));
        VirtualServiceStatusSource source = new VirtualServiceStatusSource(List.of(), List.of()).add(dns);

        assertEquals(1, source.services().size());
        source.remove(dns);

        assertEquals(List.of(), source.services());
    }
}

package io.lvs4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class VirtualServiceTest {

    /** Picks the first destination; records what it was given. */
    static final class FirstScheduler implements Scheduler {
        int updates;
        DestinationSet set = DestinationSet.EMPTY;

        @Override
        public String name() {
            return "first";
        }

        @Override
        public void update(DestinationSet destinations) {
            updates++;
            set = destinations;
        }

        @Override
        public Destination pick(FlowKey flow) {
            return set.isEmpty() ? null : set.get(0);
        }
    }

    private static RealServer server(int lastOctet, int weight) throws Exception {
        return RealServer.of(InetAddress.getByName("198.18.0." + lastOctet), 80, weight);
    }

    @Test
    void shouldPlaceTheServerAddedLastFirstAsIpvsDoes() throws Exception {
        FirstScheduler scheduler = new FirstScheduler();
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.10"), 80, scheduler);
        vs.addRealServer(server(11, 1));
        vs.addRealServer(server(12, 1));
        assertEquals("198.18.0.12:80", vs.destinations().get(0).server().endpoint());
        assertEquals("198.18.0.11:80", vs.destinations().get(1).server().endpoint());
        assertEquals("198.18.0.12:80", vs.pick(new FlowKey()).server().endpoint());
        assertEquals(3, scheduler.updates, "one update at creation and one per add");
        assertEquals("TCP 198.18.0.10:80 first", vs.toString());
    }

    @Test
    void shouldKeepPositionOnEditAndCountersAcrossRemoval() throws Exception {
        FirstScheduler scheduler = new FirstScheduler();
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.10"), 80, scheduler);
        vs.addRealServer(server(11, 1));
        vs.addRealServer(server(12, 1));
        ConnectionCounters counters = vs.destinations().get(1).counters();
        counters.bindConnection(false);
        vs.editRealServer(server(11, 5));
        assertEquals(5, vs.destinations().get(1).weight());
        vs.removeRealServer(InetAddress.getByName("198.18.0.11"), 80);
        assertEquals(1, vs.destinations().size());
        vs.addRealServer(server(11, 1));
        assertSame(counters, vs.destinations().get(0).counters());
        assertEquals(1, vs.destinations().get(0).activeConnections());
    }

    @Test
    void shouldRefuseDuplicatesAndUnknownServers() throws Exception {
        VirtualService vs = new VirtualService(Protocol.UDP, InetAddress.getByName("198.18.0.10"), 53,
                new FirstScheduler());
        vs.addRealServer(server(11, 1));
        assertThrows(IllegalArgumentException.class, () -> vs.addRealServer(server(11, 2)));
        assertThrows(IllegalArgumentException.class, () -> vs.editRealServer(server(13, 2)));
        vs.removeRealServer(InetAddress.getByName("198.18.0.11"), 80);
        assertNull(vs.pick(new FlowKey()));
    }

    @Test
    void shouldKeepPersistenceSettingsAndRefuseOutOfRangeOnes() throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.10"), 80,
                new FirstScheduler());
        assertEquals(0, vs.persistenceSeconds());
        assertEquals(32, vs.persistenceGranularity(), "the whole address when not persistent");
        vs.persistence(java.time.Duration.ofSeconds(360), 24);
        assertEquals(360, vs.persistenceSeconds());
        assertEquals(24, vs.persistenceGranularity());
        assertThrows(IllegalArgumentException.class, () -> vs.persistence(java.time.Duration.ofSeconds(65536), 24));
        assertThrows(IllegalArgumentException.class, () -> vs.persistence(java.time.Duration.ofMillis(500), 24));
        assertThrows(IllegalArgumentException.class, () -> vs.persistence(java.time.Duration.ofSeconds(60), 33));
        assertEquals(360, vs.persistenceSeconds(), "a refused setting leaves the old one");
        vs.persistence(java.time.Duration.ZERO, 24);
        assertEquals(0, vs.persistenceSeconds());
        VirtualService v6 = new VirtualService(Protocol.TCP, InetAddress.getByName("2001:db8::1"), 80,
                new FirstScheduler());
        v6.persistence(java.time.Duration.ofSeconds(60), 64);
        assertEquals(64, v6.persistenceGranularity());
    }

    /** {@code ipvsadm -A -f 7}: the family's any-address, port 0, keyed and named by the mark. */
    @Test
    void shouldMakeAFirewallMarkServiceKeyedByItsMark() throws Exception {
        VirtualService seven = VirtualService.firewallMark(Protocol.TCP, false, 7,
                new FirstScheduler());
        VirtualService six = VirtualService.firewallMark(Protocol.TCP, true, 7,
                new FirstScheduler());
        assertEquals(java.net.InetAddress.getByName("0.0.0.0"), seven.address());
        assertEquals(java.net.InetAddress.getByName("::"), six.address());
        assertEquals(0, seven.port());
        assertEquals(7, seven.fwmark());
        assertTrue(seven.isFwmark());
        assertEquals("FWM 7 first", seven.toString());
        ServiceKey key = ServiceKey.of(seven);
        assertEquals(new ServiceKey(Protocol.TCP, java.net.InetAddress.getByName("0.0.0.0"), 0, 7), key);
        assertEquals("FWM 7", key.toString());
        assertTrue(key.matches(seven));
        assertFalse(new ServiceKey(Protocol.TCP, java.net.InetAddress.getByName("0.0.0.0"), 0, 8).matches(seven));
        assertFalse(new ServiceKey(Protocol.TCP, java.net.InetAddress.getByName("0.0.0.0"), 0).matches(seven),
                "the address service 0.0.0.0:0 is another service");
        assertTrue(new ServiceKey(Protocol.UDP, java.net.InetAddress.getByName("0.0.0.0"), 0, 7).matches(seven),
                "ipvsadm -f 7 names the service of mark 7 whatever its protocol");
        assertFalse(new ServiceKey(Protocol.TCP, java.net.InetAddress.getByName("::"), 0, 7).matches(seven),
                "but not the IPv6 one");
        seven.persistence(java.time.Duration.ofSeconds(60), 24);
        assertEquals(24, seven.persistenceGranularity());
        assertThrows(IllegalArgumentException.class, () -> VirtualService.firewallMark(Protocol.TCP, false, 0,
                new FirstScheduler()));
    }
}

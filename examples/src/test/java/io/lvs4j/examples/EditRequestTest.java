package io.lvs4j.examples;

import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.transport.epoll.Director;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ipvsadm-style runtime changes as the admin endpoint takes them, on a director built but not started. */
class EditRequestTest {

    private final VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.0.10"), 80,
            Schedulers.create("rr", SchedulerOptions.DEFAULTS));
    private final Director director = Director.builder().interfaceName("eth0")
            .virtualService(vs, ServiceChecks.of(List.of()), Forwarding.directRoute()).build();

    private static EditRequest edit(String command, String service, String server, Integer weight, String method) {
        return new EditRequest(command, "tcp", service, server, weight, method, null, null);
    }

    @Test
    void shouldReadEndpointsAsIpvsadmWritesThem() {
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("198.18.0.12"), 8080),
                EditRequest.endpoint("198.18.0.12:8080", 80, "server"));
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("198.18.0.12"), 80),
                EditRequest.endpoint("198.18.0.12", 80, "server"), "the service's port by default");
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("2001:db8::12"), 443),
                EditRequest.endpoint("[2001:db8::12]:443", 80, "server"));
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("2001:db8::12"), 80),
                EditRequest.endpoint("2001:db8::12", 80, "server"));
        assertThrows(IllegalArgumentException.class, () -> EditRequest.endpoint("198.18.0.10", -1, "service"),
                "a service needs its port");
        assertThrows(IllegalArgumentException.class, () -> EditRequest.endpoint("example.org:80", 80, "server"));
        assertThrows(IllegalArgumentException.class, () -> EditRequest.endpoint("198.18.0.12:70000", 80, "server"));
    }

    @Test
    void shouldAddQuiesceAndDeleteARealServer() {
        edit("a", "198.18.0.10:80", "198.18.0.12", 3, null).apply(director.changes());
        RealServer added = vs.destinations().get(0).server();
        assertEquals("198.18.0.12:80", added.endpoint());
        assertEquals(3, added.weight());

        edit("e", "198.18.0.10:80", "198.18.0.12:80", 0, "DR").apply(director.changes());
        assertEquals(0, vs.destinations().get(0).server().weight(), "-w 0 quiesces");

        edit("d", "198.18.0.10:80", "198.18.0.12", null, null).apply(director.changes());
        assertTrue(vs.destinations().isEmpty());
    }

    @Test
    void shouldAddChangeAndDeleteAVirtualService() {
        new EditRequest("A", "udp", "198.18.0.10:53", null, null, "NAT", "sh", 60L).apply(director.changes());
        VirtualService dns = director.services().get(1);
        assertEquals(Protocol.UDP, dns.protocol());
        assertEquals("sh", dns.scheduler().name());
        assertEquals(60, dns.persistenceSeconds());
        assertEquals(Forwarding.masquerade(), director.forwardingOf(dns));

        new EditRequest("E", "udp", "198.18.0.10:53", null, null, null, "rr", 0L).apply(director.changes());
        assertEquals("rr", dns.scheduler().name(), "-E -s replaces the scheduler");
        assertEquals(0, dns.persistenceSeconds());

        new EditRequest("D", "udp", "198.18.0.10:53", null, null, null, null, null).apply(director.changes());
        assertEquals(List.of(vs), director.services());
    }

    /** {@code ipvsadm -f 7}: a director that started with a fwmark service changes it at run time. */
    @Test
    void shouldNameAFirewallMarkServiceByItsMark() {
        VirtualService marked = VirtualService.firewallMark(Protocol.UDP, false, 7,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        Director withMark = Director.builder().interfaceName("eth0")
                .virtualService(marked, ServiceChecks.of(List.of()), Forwarding.directRoute()).build();
        new EditRequest("a", "fwm", "7", "198.18.0.12", 2, null, null, null).apply(withMark.changes());
        assertEquals("198.18.0.12:0", marked.destinations().get(0).server().endpoint(),
                "a real server of a fwmark service takes each packet's port: 0");
        new EditRequest("E", "fwm", "7", null, null, null, "wlc", 30L).apply(withMark.changes());
        assertEquals("wlc", marked.scheduler().name(), "found by its mark, though it is a UDP service");
        assertEquals(30, marked.persistenceSeconds());

        new EditRequest("A", "fwm", "8", null, null, "NAT", "rr", null).apply(withMark.changes());
        VirtualService eight = withMark.services().get(1);
        assertEquals("FWM 8 rr", eight.toString());
        assertEquals(Forwarding.masquerade(), withMark.forwardingOf(eight));
        assertThrows(IllegalArgumentException.class,
                () -> new EditRequest("A", "fwm", "8", null, null, null, null, null).apply(withMark.changes()),
                "one service per mark");
        assertThrows(IllegalArgumentException.class,
                () -> new EditRequest("D", "fwm", "0", null, null, null, null, null).apply(withMark.changes()));
        assertThrows(IllegalArgumentException.class,
                () -> new EditRequest("D", "fwm", "seven", null, null, null, null, null).apply(withMark.changes()));
        new EditRequest("D", "fwm", "8", null, null, null, null, null).apply(withMark.changes());
        assertEquals(List.of(marked), withMark.services());
    }

    @Test
    void shouldRefuseWhatIpvsadmWouldAndWhatOneMethodPerServiceCannotDo() {
        assertThrows(IllegalArgumentException.class,
                () -> edit("a", "198.18.0.10:80", "198.18.0.12", 1, "NAT").apply(director.changes()),
                "the service forwards by DR");
        assertThrows(IllegalArgumentException.class,
                () -> edit("e", "198.18.0.10:80", "198.18.0.99", 1, null).apply(director.changes()), "no such server");
        assertThrows(IllegalArgumentException.class,
                () -> edit("a", "198.18.0.11:80", "198.18.0.12", 1, null).apply(director.changes()), "no such service");
        assertThrows(IllegalArgumentException.class,
                () -> edit("D", "198.18.0.10:80", null, null, null).apply(director.changes()), "its last service");
        assertThrows(IllegalArgumentException.class,
                () -> edit("x", "198.18.0.10:80", null, null, null).apply(director.changes()));
    }
}

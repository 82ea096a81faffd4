package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a director announces over BGP: its services' VIPs, never a fwmark service's any-address. */
class DirectorBgpTest {

    @Test
    void shouldAnnounceTheVipsOfAddressServicesOnly() throws Exception {
        VirtualService web = new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.200"), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        VirtualService marked = VirtualService.firewallMark(Protocol.TCP, false, 7,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        assertEquals(List.of(InetAddress.getByName("198.18.0.200")), DirectorBgp.announced(List.of(marked, web)));
        assertEquals(List.of(), DirectorBgp.announced(List.of(marked)));
    }
}

package io.lvs4j.core.check.internal;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Servers named in the checker's log lines as keepalived names them. */
class KeepalivedNamesTest {

    @Test
    void shouldNameServersAsKeepalivedsCheckerDoes() {
        VirtualService udp = new VirtualService(Protocol.UDP, InetAddress.ofLiteral("2001:db8::10"), 53,
                SuspendAndOmegaTest.first());
        assertEquals("[2001:db8:0:0:0:0:0:10]:udp:53", KeepalivedNames.virtualServer(udp));
        assertEquals("[198.18.0.11]:udp:5353",
                KeepalivedNames.realServer(udp, RealServer.of(InetAddress.ofLiteral("198.18.0.11"), 5353, 1)));
        VirtualService marked = VirtualService.firewallMark(Protocol.TCP, false, 7, SuspendAndOmegaTest.first());
        assertEquals("FWM 7", KeepalivedNames.virtualServer(marked), "not the any-address a fwmark service holds");
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.transport.epoll.internal.XdpProgram;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The layouts the XDP program's maps are filled with. */
class XdpTransportTest {

    /** The forwarders of a two-interface director choose the interface a frame leaves on; an AF_XDP socket cannot. */
    @Test
    void shouldStayOnThePacketSocketsForADataPathOnSeveralInterfaces() {
        assertEquals("the data path forwards on 2 interfaces, and an AF_XDP socket sends only on its own",
                XdpTransport.unfit(2, false));
        assertNull(XdpTransport.unfit(1, false));
    }

    /** XDP runs before the netdev ingress hook where nftables marks packets: fwmark services need the packet sockets. */
    @Test
    void shouldStayOnThePacketSocketsForFwmarkServices() {
        assertEquals("fwmark services: XDP runs before the netdev ingress hook where nftables sets the mark,"
                + " so the marked frames are read by IPv4 packet sockets after it", XdpTransport.unfit(1, true));
        assertEquals("the data path forwards on 2 interfaces, and an AF_XDP socket sends only on its own",
                XdpTransport.unfit(2, true));
    }

    @Test
    void shouldKeyAddressesInNetworkOrderAsThePacketHoldsThem() {
        // 198.18.0.100 as a big-endian int is the key's four bytes in wire order.
        assertArrayEquals(new byte[] {(byte) 198, 18, 0, 100}, XdpTransport.key(0xC6120064));
        assertArrayEquals(new byte[] {10, 0, 0, 1}, XdpTransport.key(0x0A000001));
    }

    @Test
    void shouldWriteSocketMapKeysAndFlagsInNativeOrder() {
        // XSKMAP keys and values, and the address map's flags, are u32 the program reads natively (x86: little-endian).
        assertArrayEquals(new byte[] {1, 0, 0, 0}, XdpSocket.intKey(1));
        assertArrayEquals(new byte[] {0x34, 0x12, 0, 0}, XdpSocket.intKey(0x1234));
        assertArrayEquals(new byte[] {(byte) (XdpProgram.TO_DIRECTOR | XdpProgram.HOST), 0, 0, 0},
                XdpSocket.intKey(XdpProgram.TO_DIRECTOR | XdpProgram.HOST));
    }

    @Test
    void shouldFlagVipsAndLocalsAsDestinationsNatServersAsSourcesAndTheHostsAddresses() throws Exception {
        VirtualService nat = service("198.18.0.200", 80, "198.18.0.13", "198.18.0.14");
        VirtualService dr = service("198.18.0.201", 80, "198.18.0.15");
        VirtualService v6 = service("2001:db8::200", 80, "2001:db8::13");
        ServiceTable services = new ServiceTable(List.of(new ServiceSlot(nat, Forwarding.masquerade()),
                new ServiceSlot(dr, Forwarding.directRoute()), new ServiceSlot(v6, Forwarding.masquerade())),
                List.of(InetAddress.getByName("198.18.0.50")), false, null);
        DestinationTable destinations = new DestinationTable(8, 1_000_000_000L);
        new DestinationIds(destinations).sync(services.slots(), Long.MAX_VALUE, List.of());
        // The host holds 198.18.0.12 and, as a NAT server may also be a neighbour of the host, 198.18.0.14.
        Map<Integer, Integer> wanted = XdpTransport.wanted(services, destinations, List.of(0xC612000C, 0xC612000E));
        assertEquals(Map.of(
                0xC61200C8, XdpProgram.TO_DIRECTOR,                         // NAT VIP
                0xC61200C9, XdpProgram.TO_DIRECTOR,                         // DR VIP
                0xC6120032, XdpProgram.TO_DIRECTOR,                         // full-NAT local address
                0xC612000D, XdpProgram.NAT_SERVER,                          // NAT real servers; not the DR one
                0xC612000E, XdpProgram.NAT_SERVER | XdpProgram.HOST,
                0xC612000C, XdpProgram.HOST), wanted);                      // no IPv6 address: IPv6 stays on AF_PACKET
    }

    private static VirtualService service(String vip, int port, String... servers) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), port,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        for (String server : servers) {
            vs.addRealServer(RealServer.of(InetAddress.getByName(server), port, 1));
        }
        return vs;
    }
}

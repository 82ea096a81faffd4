package io.lvs4j.transport.epoll;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The egress choice toward a real server over a director's interfaces. */
class DataLinksTest {

    private static final LinkInfo OUT = new LinkInfo("out0", 2, 0x02_00_00_00_00_0AL, 1500);
    private static final LinkInfo IN = new LinkInfo("in0", 3, 0x02_00_00_00_01_0AL, 1500);
    private static final LinkInfo LAB = new LinkInfo("lab0", 4, 0x02_00_00_00_02_0AL, 1500);

    private static int ip(String address) throws Exception {
        return ServiceTable.ipv4(InetAddress.getByName(address));
    }

    private static DataLinks.Subnet subnet(String network, int length) throws Exception {
        return new DataLinks.Subnet(ip(network), length);
    }

    @Test
    void shouldRouteToTheInterfaceWhoseConnectedSubnetHoldsTheServer() throws Exception {
        DataLinks links = new DataLinks(List.of(OUT, IN), new int[] {ip("198.18.0.2"), ip("198.19.1.2")},
                List.of(List.of(subnet("198.18.0.0", 24)), List.of(subnet("198.19.1.0", 24))));
        assertEquals(1, links.route(ip("198.19.1.11")));
        assertEquals(1, links.route(ip("198.19.1.255")));
        assertEquals(0, links.route(ip("198.18.0.13")));
        assertEquals(0, links.route(ip("198.19.2.11")), "behind no connected subnet: the director's interface");
        assertEquals(IN.mac(), links.mac(links.route(ip("198.19.1.11"))));
        assertEquals(ip("198.19.1.2"), links.address(1));
    }

    @Test
    void shouldPreferTheLongestPrefixAndTheFirstInterfaceOnATie() throws Exception {
        DataLinks links = new DataLinks(List.of(OUT, IN, LAB), new int[3],
                List.of(List.of(subnet("198.18.0.0", 15)), List.of(subnet("198.19.1.0", 24)),
                        List.of(subnet("198.19.1.128", 25), subnet("198.18.0.0", 15))));
        assertEquals(1, links.route(ip("198.19.1.11")), "/24 over /15");
        assertEquals(2, links.route(ip("198.19.1.200")), "/25 over /24");
        assertEquals(0, links.route(ip("198.18.200.1")), "a tie of /15: the first interface");
    }

    @Test
    void shouldSendEverythingOnTheOneInterfaceOfASingleLink() throws Exception {
        DataLinks links = DataLinks.single(OUT, ip("198.18.0.2"));
        assertEquals(1, links.size());
        assertEquals(0, links.route(ip("198.19.1.11")));
        assertEquals(0, links.route(ip("198.18.0.13")));
    }

    @Test
    void shouldClearHostBitsAndRefuseBadPrefixes() throws Exception {
        assertEquals(ip("198.19.1.0"), subnet("198.19.1.77", 24).network());
        assertEquals(0, subnet("198.19.1.77", 0).network());
        assertThrows(IllegalArgumentException.class, () -> subnet("198.19.1.0", 33));
        assertThrows(IllegalArgumentException.class, () -> new DataLinks(List.of(OUT), new int[2], List.of(List.of())));
    }
}

package io.lvs4j.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.conn.TcpState;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.status.IpvsadmFormat.Columns;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Known answers built from ipvsadm's documented layout: the service name padded to 33 columns,
 * a server's endpoint to 28 after {@code "  -> "}, the Forward, Weight, ActiveConn and InActConn
 * columns 7, 6, 10 and 10 wide (left-aligned), counters 9 wide (right-aligned, K/M/G/T).
 */
class IpvsadmFormatTest {

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ServerStatus server(String address, int port, ForwardingMethod fwd, int weight,
            int active, int inactive, TrafficStats stats, TrafficRates rates) {
        return new ServerStatus(ip(address), port, fwd, weight, active, inactive, 0,
                ServerHealth.UNCHECKED, stats, rates);
    }

    private static DirectorStatus labStatus() {
        ServiceStatus web = new ServiceStatus(Protocol.TCP, ip("198.18.0.10"), 80, "rr", 0, 32,
                new TrafficStats(123, 4567, 0, 345678, 0), new TrafficRates(3, 41, 0, 5123, 0),
                List.of(server("198.18.0.12", 80, ForwardingMethod.DIRECT_ROUTE, 1, 0, 3,
                                new TrafficStats(60, 2300, 0, 170000, 0), new TrafficRates(1, 20, 0, 2500, 0)),
                        server("198.18.0.11", 80, ForwardingMethod.DIRECT_ROUTE, 1, 2, 5,
                                new TrafficStats(63, 2267, 0, 175678, 0), new TrafficRates(2, 21, 0, 2623, 0))));
        ServiceStatus dns = new ServiceStatus(Protocol.UDP, ip("198.18.0.10"), 53, "wlc", 300, 24,
                TrafficStats.ZERO, TrafficRates.ZERO,
                List.of(server("198.18.0.21", 53, ForwardingMethod.MASQUERADE, 100, 0, 12,
                        TrafficStats.ZERO, TrafficRates.ZERO)));
        ServiceStatus https = new ServiceStatus(Protocol.TCP, ip("198.18.0.10"), 443, "sh", 50, 32,
                new TrafficStats(99_999_999L, 123_456_789L, 1_234_567_890L, 100_000_000_000L,
                        123_456_789_012_345L), TrafficRates.ZERO,
                List.of(server("198.18.0.11", 443, ForwardingMethod.TUNNEL, 65535, 1234567890, 0,
                        TrafficStats.ZERO, TrafficRates.ZERO)));
        return new DirectorStatus(4096, List.of(dns, https, web), Map.of(), List.of());
    }

    @Test
    void shouldPrintTheServiceTableInIpvsadmLayoutSortedByProtocolAddressAndPort() {
        String expected = """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  198.18.0.10:80 rr
                  -> 198.18.0.11:80               Route   1      2          5        \s
                  -> 198.18.0.12:80               Route   1      0          3        \s
                TCP  198.18.0.10:443 sh persistent 50
                  -> 198.18.0.11:443              Tunnel  65535  1234567890 0        \s
                UDP  198.18.0.10:53 wlc persistent 300 mask 255.255.255.0
                  -> 198.18.0.21:53               Masq    100    0          12       \s
                """;

        assertEquals(expected, IpvsadmFormat.table(labStatus(), Columns.CONNECTIONS));
    }

    /** ipvsadm lists fwmark services after the others, by mark, as {@code FWM  7}. */
    @Test
    void shouldPrintFwmarkServicesAfterTheOthersByMark() {
        ServiceStatus web = new ServiceStatus(Protocol.TCP, ip("198.18.0.10"), 80, "rr", 0, 32, TrafficStats.ZERO,
                TrafficRates.ZERO, List.of());
        ServiceStatus eight = new ServiceStatus(Protocol.TCP, ip("0.0.0.0"), 0, "wlc", 0, 32, TrafficStats.ZERO,
                TrafficRates.ZERO, List.of(), 8);
        ServiceStatus seven = new ServiceStatus(Protocol.TCP, ip("0.0.0.0"), 0, "rr", 60, 24,
                new TrafficStats(5, 6, 0, 700, 0), TrafficRates.ZERO,
                List.of(server("198.18.0.11", 0, ForwardingMethod.DIRECT_ROUTE, 1, 2, 3,
                        TrafficStats.ZERO, TrafficRates.ZERO)), 7);
        DirectorStatus status = new DirectorStatus(4096, List.of(eight, seven, web), Map.of(), List.of());
        String expected = """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  198.18.0.10:80 rr
                FWM  7 rr persistent 60 mask 255.255.255.0
                  -> 198.18.0.11:0                Route   1      2          3        \s
                FWM  8 wlc
                """;

        assertEquals(expected, IpvsadmFormat.table(status, Columns.CONNECTIONS));
        assertEquals("FWM  7" + " ".repeat(33 - 6) + "        5        6        0      700        0",
                IpvsadmFormat.table(status, Columns.STATS).lines().toList().get(4));
        assertEquals("fwmark:7", IpvsadmFormat.vip(seven));
        assertEquals("198.18.0.10:80", IpvsadmFormat.vip(web));
    }

    @Test
    void shouldAlignServerColumnsUnderTheirHeaders() {
        List<String> lines = IpvsadmFormat.table(labStatus(), Columns.CONNECTIONS).lines().toList();
        String header = lines.get(2);
        String row = lines.get(4);

        for (String column : List.of("Forward", "Weight", "ActiveConn", "InActConn")) {
            int at = header.indexOf(column);
            assertEquals(' ', row.charAt(at - 1), column);
            assertNotEquals(' ', row.charAt(at), column);
        }
    }

    @Test
    void shouldPrintStatsWithIpvsadmSuffixes() {
        String expected = """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
                  -> RemoteAddress:Port
                TCP  198.18.0.10:80                    123     4567        0   345678        0
                  -> 198.18.0.11:80                     63     2267        0   175678        0
                  -> 198.18.0.12:80                     60     2300        0   170000        0
                TCP  198.18.0.10:443              99999999  123456K    1234M     100G     123T
                  -> 198.18.0.11:443                     0        0        0        0        0
                UDP  198.18.0.10:53                      0        0        0        0        0
                  -> 198.18.0.21:53                      0        0        0        0        0
                """;

        assertEquals(expected, IpvsadmFormat.table(labStatus(), Columns.STATS));
    }

    @Test
    void shouldPrintRates() {
        String expected = """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
                  -> RemoteAddress:Port
                TCP  198.18.0.10:80                      3       41        0     5123        0
                  -> 198.18.0.11:80                      2       21        0     2623        0
                  -> 198.18.0.12:80                      1       20        0     2500        0
                TCP  198.18.0.10:443                     0        0        0        0        0
                  -> 198.18.0.11:443                     0        0        0        0        0
                UDP  198.18.0.10:53                      0        0        0        0        0
                  -> 198.18.0.21:53                      0        0        0        0        0
                """;

        assertEquals(expected, IpvsadmFormat.table(labStatus(), Columns.RATE));
    }

    @Test
    void shouldSwitchLargeNumbersToSuffixesAtIpvsadmsThresholds() {
        assertEquals(" 99999999", IpvsadmFormat.largeNumber(99_999_999L));
        assertEquals("  100000K", IpvsadmFormat.largeNumber(100_000_000L));
        assertEquals("  999999K", IpvsadmFormat.largeNumber(999_999_999L));
        assertEquals("    1000M", IpvsadmFormat.largeNumber(1_000_000_000L));
        assertEquals("   99999M", IpvsadmFormat.largeNumber(99_999_999_999L));
        assertEquals("     100G", IpvsadmFormat.largeNumber(100_000_000_000L));
        assertEquals("     100T", IpvsadmFormat.largeNumber(100_000_000_000_000L));
    }

    @Test
    void shouldPrintIpv6EndpointsCompressedInBrackets() {
        ServiceStatus v6 = new ServiceStatus(Protocol.TCP, ip("2001:db8:0:0:0:0:0:10"), 80, "rr", 60, 64,
                TrafficStats.ZERO, TrafficRates.ZERO,
                List.of(server("2001:db8::11", 8080, ForwardingMethod.DIRECT_ROUTE, 1, 0, 0,
                        TrafficStats.ZERO, TrafficRates.ZERO)));
        ServiceStatus v4 = new ServiceStatus(Protocol.TCP, ip("198.18.0.10"), 80, "rr", 0, 32,
                TrafficStats.ZERO, TrafficRates.ZERO, List.of());

        String table = IpvsadmFormat.table(new DirectorStatus(4096, List.of(v6, v4), Map.of(), List.of()),
                Columns.CONNECTIONS);

        assertEquals(List.of("TCP  198.18.0.10:80 rr", "TCP  [2001:db8::10]:80 rr persistent 60 mask 64",
                "  -> [2001:db8::11]:8080          Route   1      0          0         "),
                table.lines().skip(3).toList());
    }

    @Test
    void shouldWriteIpv6AsInetNtopDoes() {
        assertEquals("::", IpvsadmFormat.ipv6Text(ip("::").getAddress()));
        assertEquals("::1", IpvsadmFormat.ipv6Text(ip("::1").getAddress()));
        assertEquals("1::", IpvsadmFormat.ipv6Text(ip("1:0:0:0:0:0:0:0").getAddress()));
        assertEquals("2001:db8::1:0:0:1", IpvsadmFormat.ipv6Text(ip("2001:db8:0:0:1:0:0:1").getAddress()));
        assertEquals("2001:db8:0:1:1:1:1:1", IpvsadmFormat.ipv6Text(ip("2001:db8:0:1:1:1:1:1").getAddress()));
        assertEquals("fe80::abcd:12", IpvsadmFormat.ipv6Text(ip("FE80:0:0:0:0:0:ABCD:0012").getAddress()));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = (byte) 198;
        mapped[13] = 18;
        mapped[15] = 10;
        assertEquals("::ffff:198.18.0.10", IpvsadmFormat.ipv6Text(mapped));
    }

    @Test
    void shouldListConnectionsAsIpvsadmLnc() {
        List<ConnectionEntry> entries = List.of(
                new ConnectionEntry(6, ip("198.18.0.1"), 51234, ip("198.18.0.10"), 80, ip("198.18.0.11"), 80,
                        1, TcpState.ESTABLISHED, 899_900_000_000L, false, 0),
                new ConnectionEntry(17, ip("198.18.0.2"), 40000, ip("198.18.0.10"), 53, ip("198.18.0.21"), 53,
                        2, TcpState.NONE, 299_000_000_000L, false, 0),
                new ConnectionEntry(6, ip("198.18.0.0"), 0, ip("198.18.0.10"), 443, ip("198.18.0.11"), 443,
                        1, TcpState.NONE, 5_000_000_000L, true, 1));

        String expected = """
                IPVS connection entries
                pro expire state       source             virtual            destination
                TCP 14:59  ESTABLISHED 198.18.0.1:51234   198.18.0.10:80     198.18.0.11:80
                UDP 04:59  UDP         198.18.0.2:40000   198.18.0.10:53     198.18.0.21:53
                TCP 00:05  NONE        198.18.0.0:0       198.18.0.10:443    198.18.0.11:443
                """;

        assertEquals(expected, IpvsadmFormat.connections(entries));
    }

    @Test
    void shouldListEveryDropReasonInTheSnapshot() {
        DirectorStatus status = new DirectorStatus(0, List.of(), Map.of(DropReason.ARP_TRUNCATED, 7L), List.of());

        assertEquals(DropReason.values().length - 1, status.drops().size());
        assertEquals(7L, status.drops().get(DropReason.ARP_TRUNCATED));
        assertEquals(0L, status.drops().get(DropReason.ETHERNET_TRUNCATED));
    }
}

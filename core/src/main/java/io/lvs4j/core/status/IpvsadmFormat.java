package io.lvs4j.core.status;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.model.Protocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Prints status in the layouts of {@code ipvsadm -Ln} (ipvsadm 1.2x): the service table, its
 * {@code --stats} and {@code --rate} variants, and the connection list of {@code -Lnc}.
 *
 * <p>Services are sorted as ipvsadm sorts them (firewall mark, 0 first, then address family,
 * protocol number, address, port; a fwmark service reads {@code FWM  7}) and so are the servers of a service (address, port). Addresses are numeric: IPv4
 * dotted, IPv6 in brackets and compressed as {@code inet_ntop} writes them. Large counters take
 * ipvsadm's K, M, G and T suffixes (thousands, powers of ten). Every line ends with a newline.
 * Stateless and thread-safe.
 */
public final class IpvsadmFormat {

    /** The version the header names: the IPVS version ipvsadm users know. */
    public static final String IPVS_VERSION = "1.2.1";

    /** Which columns {@link #table(DirectorStatus, Columns)} prints. */
    public enum Columns {
        /** Scheduler, flags, forwarding method, weight, active and inactive connections. */
        CONNECTIONS,
        /** {@code --stats}: Conns InPkts OutPkts InBytes OutBytes. */
        STATS,
        /** {@code --rate}: CPS InPPS OutPPS InBPS OutBPS. */
        RATE
    }

    private static final Comparator<InetAddress> ADDRESS_ORDER = (a, b) -> {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    };

    private static final Comparator<ServiceStatus> SERVICE_ORDER = Comparator
            .comparingInt(ServiceStatus::fwmark)
            .thenComparing((ServiceStatus s) -> s.address().getAddress().length)
            .thenComparingInt(s -> s.protocol().number())
            .thenComparing(ServiceStatus::address, ADDRESS_ORDER)
            .thenComparingInt(ServiceStatus::port);

    private static final Comparator<ServerStatus> SERVER_ORDER = Comparator
            .comparing(ServerStatus::address, ADDRESS_ORDER)
            .thenComparingInt(ServerStatus::port);

    private IpvsadmFormat() {
    }

    /**
     * Prints the table of {@code ipvsadm -Ln}, {@code -Ln --stats} or {@code -Ln --rate}.
     *
     * @param status the director's status
     * @param columns which columns
     * @return the lines, header included
     */
    public static String table(DirectorStatus status, Columns columns) {
        StringBuilder out = new StringBuilder();
        out.append("IP Virtual Server version ").append(IPVS_VERSION).append(" (size=")
                .append(status.connectionTableSize()).append(")\n");
        switch (columns) {
            case STATS -> out.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s\n",
                    "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"))
                    .append("  -> RemoteAddress:Port\n");
            case RATE -> out.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s\n",
                    "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"))
                    .append("  -> RemoteAddress:Port\n");
            case CONNECTIONS -> out.append("Prot LocalAddress:Port Scheduler Flags\n")
                    .append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        }
        for (ServiceStatus service : status.services().stream().sorted(SERVICE_ORDER).toList()) {
            service(out, service, columns);
        }
        return out.toString();
    }

    private static void service(StringBuilder out, ServiceStatus service, Columns columns) {
        String name = service.fwmark() != 0 ? "FWM  " + Integer.toUnsignedString(service.fwmark())
                + (service.address() instanceof Inet6Address ? " IPv6" : "")
                : protocolName(service.protocol().number()) + "  " + endpoint(service.address(), service.port());
        switch (columns) {
            case STATS -> {
                out.append(String.format(Locale.ROOT, "%-33s", name));
                largeNumbers(out, service.stats().connections(), service.stats().inPackets(),
                        service.stats().outPackets(), service.stats().inBytes(), service.stats().outBytes());
            }
            case RATE -> {
                out.append(String.format(Locale.ROOT, "%-33s", name));
                TrafficRates r = service.rates();
                largeNumbers(out, r.connectionsPerSecond(), r.inPacketsPerSecond(),
                        r.outPacketsPerSecond(), r.inBytesPerSecond(), r.outBytesPerSecond());
            }
            case CONNECTIONS -> {
                out.append(name).append(' ').append(service.scheduler());
                if (service.persistenceTimeout() > 0) {
                    out.append(" persistent ").append(service.persistenceTimeout());
                    int bits = service.address().getAddress().length * 8;
                    if (service.persistenceNetmask() != bits) {
                        out.append(" mask ").append(bits == 32 ? dottedMask(service.persistenceNetmask())
                                : Integer.toString(service.persistenceNetmask()));
                    }
                }
            }
        }
        out.append('\n');
        for (ServerStatus server : service.servers().stream().sorted(SERVER_ORDER).toList()) {
            String dest = endpoint(server.address(), server.port());
            switch (columns) {
                case STATS -> {
                    out.append(String.format(Locale.ROOT, "  -> %-28s", dest));
                    TrafficStats s = server.stats();
                    largeNumbers(out, s.connections(), s.inPackets(), s.outPackets(), s.inBytes(),
                            s.outBytes());
                }
                case RATE -> {
                    TrafficRates r = server.rates();
                    out.append(String.format(Locale.ROOT, "  -> %-28s %8d %8d %8d", dest,
                            r.connectionsPerSecond(), r.inPacketsPerSecond(), r.outPacketsPerSecond()));
                    largeNumbers(out, r.inBytesPerSecond(), r.outBytesPerSecond());
                }
                case CONNECTIONS -> out.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d",
                        dest, server.forwarding().ipvsadmName(), server.weight(),
                        server.activeConnections(), server.inactiveConnections()));
            }
            out.append('\n');
        }
    }

    private static void largeNumbers(StringBuilder out, long... values) {
        for (long value : values) {
            out.append(largeNumber(value));
        }
    }

    /**
     * Formats a counter as ipvsadm does without {@code --exact}: right-aligned in nine
     * characters, from 100 million on in thousands (K), from one billion in millions (M), from
     * 100 billion in billions (G) and from 100 trillion in trillions (T), truncated.
     *
     * @param value a counter, not negative
     * @return nine characters (more only for counts beyond 10^20)
     */
    public static String largeNumber(long value) {
        if (value < 100_000_000L) {
            return String.format(Locale.ROOT, "%9d", value);
        } else if (value < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%8dK", value / 1_000L);
        } else if (value < 100_000_000_000L) {
            return String.format(Locale.ROOT, "%8dM", value / 1_000_000L);
        } else if (value < 100_000_000_000_000L) {
            return String.format(Locale.ROOT, "%8dG", value / 1_000_000_000L);
        }
        return String.format(Locale.ROOT, "%8dT", value / 1_000_000_000_000L);
    }

    /**
     * Prints the connection list of {@code ipvsadm -Lnc}: a title, a column header, and one
     * line per entry in the given order, with the time left in minutes and seconds (rounded
     * down, as the kernel reports whole seconds).
     *
     * @param entries the entries
     * @return the lines
     */
    public static String connections(List<ConnectionEntry> entries) {
        StringBuilder out = new StringBuilder("IPVS connection entries\n");
        out.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s", "state", "source",
                "virtual", "destination")).append('\n');
        for (ConnectionEntry e : entries) {
            long seconds = Math.max(0, e.expiresInNanos() / 1_000_000_000L);
            String expire = String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
            out.append(String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s",
                    protocolName(e.protocol()), expire, stateName(e), endpoint(e.client(), e.clientPort()),
                    endpoint(e.virtualAddress(), e.virtualPort()),
                    endpoint(e.destination(), e.destinationPort()))).append('\n');
        }
        return out.toString();
    }

    private static String stateName(ConnectionEntry e) {
        return switch (e.protocol()) {
            case 6 -> e.template() ? "NONE" : e.state().ipvsName();
            case 17 -> "UDP";
            default -> "NONE";
        };
    }

    private static String protocolName(int number) {
        Protocol protocol = Protocol.ofNumber(number);
        return protocol == null ? "IP" : protocol.name();
    }

    /**
     * Names a service's virtual side in one word (metrics labels, status pages): its endpoint, or
     * {@code fwmark:7} for a fwmark service.
     *
     * @param service the service
     * @return {@code 198.18.0.10:80}, {@code [2001:db8::10]:80} or {@code fwmark:7}
     */
    public static String vip(ServiceStatus service) {
        return service.fwmark() != 0 ? "fwmark:" + Integer.toUnsignedString(service.fwmark())
                : endpoint(service.address(), service.port());
    }

    /**
     * Formats an endpoint as ipvsadm's numeric mode does: {@code 198.18.0.10:80} or
     * {@code [2001:db8::10]:80}.
     *
     * @param address the address
     * @param port the port
     * @return the endpoint
     */
    public static String endpoint(InetAddress address, int port) {
        return address instanceof Inet6Address
                ? "[" + ipv6Text(address.getAddress()) + "]:" + port
                : address.getHostAddress() + ":" + port;
    }

    private static String dottedMask(int bits) {
        long mask = bits == 0 ? 0 : (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
        return (mask >>> 24) + "." + ((mask >>> 16) & 0xFF) + "." + ((mask >>> 8) & 0xFF) + "." + (mask & 0xFF);
    }

    /**
     * Writes an IPv6 address as {@code inet_ntop} does: lower-case hexadecimal groups without
     * leading zeros, the longest run of two or more zero groups (the first of equal runs) as
     * {@code ::}, and the last 32 bits dotted for IPv4-mapped and IPv4-compatible addresses.
     */
    static String ipv6Text(byte[] bytes) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        int bestBase = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && words[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestBase = start;
                bestLength = i - start;
            }
        }
        if (bestLength < 2) {
            bestBase = -1;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLength) {
                if (i == bestBase) {
                    text.append(':');
                }
                continue;
            }
            if (i != 0) {
                text.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xFFFF))) {
                text.append(bytes[12] & 0xFF).append('.').append(bytes[13] & 0xFF).append('.')
                        .append(bytes[14] & 0xFF).append('.').append(bytes[15] & 0xFF);
                return text.toString();
            }
            text.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLength == 8) {
            text.append(':');
        }
        return text.toString();
    }
}

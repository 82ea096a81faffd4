package io.lvs4j.core.conn;

import java.net.InetAddress;
import java.util.Locale;

/**
 * A copy of one connection entry or persistence template, as listed by
 * {@link ConnectionTable#requestEntries()}: what {@code ipvsadm -Lnc} shows.
 *
 * @param protocol the IP protocol number (0 for a template of a port-zero service)
 * @param client the client address (masked for a template)
 * @param clientPort the client port (0 for a template)
 * @param virtualAddress the virtual address
 * @param virtualPort the virtual port
 * @param destination the real server address
 * @param destinationPort the real server port
 * @param destinationId the id of the real server in the {@link DestinationRegistry}
 * @param state the TCP state, {@link TcpState#NONE} for other protocols and templates
 * @param expiresInNanos time left before expiry
 * @param template true for a persistence template
 * @param controlled the number of connections a template controls (0 for connections)
 */
public record ConnectionEntry(int protocol, InetAddress client, int clientPort,
        InetAddress virtualAddress, int virtualPort, InetAddress destination, int destinationPort,
        int destinationId, TcpState state, long expiresInNanos, boolean template, int controlled) {

    /**
     * Formats this entry as a line of {@code ipvsadm -Lnc}: protocol, expiry (mm:ss), state,
     * source, virtual and destination endpoints.
     *
     * @return the line
     */
    public String toIpvsadmLine() {
        String pro = switch (protocol) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> "IP";
        };
        long seconds = Math.max(0, (expiresInNanos + 999_999_999L) / 1_000_000_000L);
        String stateName = template ? "NONE" : protocol == 6 ? state.ipvsName() : pro;
        return String.format(Locale.ROOT, "%-4s %02d:%02d  %-11s %-21s %-21s %s", pro, seconds / 60,
                seconds % 60, stateName, endpoint(client, clientPort),
                endpoint(virtualAddress, virtualPort), endpoint(destination, destinationPort));
    }

    private static String endpoint(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

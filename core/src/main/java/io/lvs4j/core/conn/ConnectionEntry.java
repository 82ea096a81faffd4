package io.lvs4j.core.conn;

import java.net.InetAddress;

/**
 * A copy of one connection entry or persistence template, as listed by
 * {@link ConnectionTable#requestEntries()}: what {@code ipvsadm -Lnc} shows
 * ({@link io.lvs4j.core.status.IpvsadmFormat#connections} prints it).
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
}

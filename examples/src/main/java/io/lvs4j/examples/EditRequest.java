package io.lvs4j.examples;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.ServiceKey;
import io.lvs4j.transport.epoll.RuntimeChanges;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * One runtime change, as {@code ./lvs4j edit} sends it to a running director's admin endpoint
 * ({@code POST /edit}, JSON) and the director applies it: ipvsadm's command and its arguments.
 *
 * @param command {@code A}, {@code E}, {@code D} (a virtual service) or {@code a}, {@code e},
 *     {@code d} (a real server), as ipvsadm's options
 * @param protocol {@code tcp}, {@code udp}, or {@code fwm} for a firewall-mark service
 *     ({@code ipvsadm -f}; a new one is a TCP service of IPv4, as keepalived's default)
 * @param service the virtual service, {@code VIP:PORT} ({@code [VIP6]:PORT}), or its mark
 * @param server the real server, {@code RIP[:PORT]}, for {@code a}, {@code e}, {@code d}
 * @param weight the server's weight, null for ipvsadm's default (1)
 * @param method {@code DR} ({@code -g}), {@code NAT} ({@code -m}) or {@code TUN} ({@code -i}),
 *     null for the service's (a new service: DR)
 * @param scheduler the service's scheduler, null to keep it (a new service: wlc, ipvsadm's default)
 * @param persistence the service's persistence timeout in seconds, null to keep it (0: none)
 */
record EditRequest(String command, String protocol, String service, String server, Integer weight, String method,
        String scheduler, Long persistence) {

    /**
     * Applies the change.
     *
     * @param changes the director's runtime changes
     * @return what was done, for the reply
     * @throws IllegalArgumentException if the request is malformed or the director refuses it
     */
    String apply(RuntimeChanges changes) {
        ServiceKey key = key();
        switch (command == null ? "" : command) {
            case "A" -> changes.addService(key, scheduler == null ? "wlc" : scheduler,
                    Duration.ofSeconds(persistence == null ? 0 : persistence), forwarding());
            case "E" -> changes.editService(key, scheduler, persistence == null ? null : Duration.ofSeconds(persistence));
            case "D" -> changes.deleteService(key);
            case "a" -> changes.addServer(key, realServer(key, changes));
            case "e" -> changes.editServer(key, realServer(key, changes));
            case "d" -> {
                InetSocketAddress rs = endpoint(server, key.port(), "real server");
                changes.deleteServer(key, rs.getAddress(), rs.getPort());
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "': one of A E D a e d");
        }
        return "-" + command + " " + key + (server == null ? "" : " -r " + server);
    }

    private ServiceKey key() {
        Protocol p = switch (protocol == null ? "" : protocol.toLowerCase(Locale.ROOT)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            case "fwm" -> null;
            default -> throw new IllegalArgumentException("protocol must be tcp, udp or fwm: " + protocol);
        };
        if (p == null) {
            return new ServiceKey(Protocol.TCP, InetAddress.ofLiteral("0.0.0.0"), 0, mark(service));
        }
        InetSocketAddress vip = endpoint(service, -1, "virtual service");
        return new ServiceKey(p, vip.getAddress(), vip.getPort());
    }

    private RealServer realServer(ServiceKey key, RuntimeChanges changes) {
        InetSocketAddress rs = endpoint(server, key.port(), "real server");
        ForwardingMethod m = method == null ? changes.forwarding(key).method() : forwarding().method();
        return new RealServer(rs.getAddress(), rs.getPort(), weight == null ? 1 : weight, 0, 0, m);
    }

    private Forwarding forwarding() {
        return switch (method == null ? "DR" : method.toUpperCase(Locale.ROOT)) {
            case "DR" -> Forwarding.directRoute();
            case "NAT" -> Forwarding.masquerade();
            case "TUN" -> Forwarding.ipip();
            default -> throw new IllegalArgumentException("method must be DR, NAT or TUN: " + method);
        };
    }

    /** Reads a firewall mark, 1 to 2^32 - 1 as IPVS takes it (Java's int: up to 2^31 - 1). */
    private static int mark(String text) {
        try {
            int mark = Integer.parseInt(text == null ? "" : text.strip());
            if (mark > 0) {
                return mark;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw new IllegalArgumentException("firewall mark '" + text + "': not a number above 0");
    }

    /**
     * Reads {@code ADDRESS[:PORT]}, an IPv6 address in brackets.
     *
     * @param text the text
     * @param defaultPort the port when none is given, -1 if one is required
     * @param what what it names, for messages
     * @return the address and port
     */
    static InetSocketAddress endpoint(String text, int defaultPort, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no " + what + " given");
        }
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(what + " '" + text + "': no closing ]");
            }
            host = text.substring(1, close);
            if (close + 1 < text.length()) {
                if (text.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException(what + " '" + text + "': expected :PORT after ]");
                }
                port = text.substring(close + 2);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + text + "': not an IP address");
        }
        int p;
        if (port == null) {
            if (defaultPort < 0) {
                throw new IllegalArgumentException(what + " '" + text + "' needs a port");
            }
            p = defaultPort;
        } else {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " '" + text + "': port is not a number");
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(what + " '" + text + "': port out of range 0-65535");
            }
        }
        return new InetSocketAddress(address, p);
    }
}

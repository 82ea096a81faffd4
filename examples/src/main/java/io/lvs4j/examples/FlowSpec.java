package io.lvs4j.examples;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.sched.FlowKey;
import java.net.Inet4Address;
import java.net.InetAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The client side of a new connection in the {@code schedule} simulator:
 * {@code SRC_IP[:PORT]}, where an IPv6 address with a port is written {@code [ADDR]:PORT}.
 *
 * @param source the client's address
 * @param port the client's port, 0 when none is given
 */
record FlowSpec(InetAddress source, int port) {

    /** The virtual address and port that IPv4 flows go to. */
    static final InetAddress VIP4 = InetAddress.ofLiteral("198.18.0.1");
    /** The virtual address that IPv6 flows go to. */
    static final InetAddress VIP6 = InetAddress.ofLiteral("2001:db8::1");
    /** The virtual port. */
    static final int VPORT = 80;

    /** The flow used when none is given: one client, port 0. */
    static final FlowSpec DEFAULT = new FlowSpec(InetAddress.ofLiteral("198.19.0.1"), 0);

    /**
     * Fills a key with this flow, a TCP connection to the simulator's virtual service.
     *
     * @param key the key to fill
     * @return the key
     */
    FlowKey fill(FlowKey key) {
        InetAddress vip = source instanceof Inet4Address ? VIP4 : VIP6;
        return key.of(Protocol.TCP.number(), source, port, vip, VPORT);
    }

    /**
     * Parses {@code SRC_IP[:PORT]}.
     *
     * @param text the text
     * @return the flow
     * @throws IllegalArgumentException naming what is wrong
     */
    static FlowSpec parse(String text) {
        String host = text.strip();
        String portText = null;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in flow '" + text + "'");
            }
            if (close + 1 < host.length()) {
                if (host.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("expected ':PORT' after ']' in flow '" + text + "'");
                }
                portText = host.substring(close + 2);
            }
            host = host.substring(1, close);
        } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0) {
            portText = host.substring(host.indexOf(':') + 1);
            host = host.substring(0, host.indexOf(':'));
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address (flow '" + text + "')");
        }
        int port = 0;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port of flow '" + text + "' is not in 0-65535");
            }
        }
        return new FlowSpec(address, port);
    }

    /** Parses {@code SRC_IP[:PORT]}; picocli turns a failure into a one-line usage error. */
    static final class Converter implements ITypeConverter<FlowSpec> {

        @Override
        public FlowSpec convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

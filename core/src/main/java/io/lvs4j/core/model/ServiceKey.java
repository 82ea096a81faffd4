package io.lvs4j.core.model;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What identifies a virtual service, as {@code ipvsadm -t|-u VIP:PORT} names it: protocol,
 * virtual address and port.
 *
 * @param protocol the protocol
 * @param address the virtual address
 * @param port the virtual port, 0 to 65535
 */
public record ServiceKey(Protocol protocol, InetAddress address, int port) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the port is out of range
     * @throws NullPointerException if protocol or address is null
     */
    public ServiceKey {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
    }

    /**
     * Returns a service's key.
     *
     * @param service the service
     * @return its protocol, address and port
     */
    public static ServiceKey of(VirtualService service) {
        return new ServiceKey(service.protocol(), service.address(), service.port());
    }

    /**
     * Tells whether a service has this key.
     *
     * @param service a service
     * @return true if its protocol, address and port are these
     */
    public boolean matches(VirtualService service) {
        return service.protocol() == protocol && service.port() == port && service.address().equals(address);
    }

    /** @return {@code TCP 198.18.0.10:80} ({@code [addr]:port} for IPv6), as ipvsadm names a service */
    @Override
    public String toString() {
        String host = address.getHostAddress();
        return protocol + " " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

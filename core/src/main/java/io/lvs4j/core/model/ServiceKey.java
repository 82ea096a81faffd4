package io.lvs4j.core.model;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What identifies a virtual service, as {@code ipvsadm -t|-u VIP:PORT} (or {@code -f MARK})
 * names it: protocol, virtual address and port, and the firewall mark of a firewall-mark service
 * (whose address is the family's any-address and port 0).
 *
 * @param protocol the protocol
 * @param address the virtual address
 * @param port the virtual port, 0 to 65535
 * @param fwmark the firewall mark, 0 for a service of an address and port
 */
public record ServiceKey(Protocol protocol, InetAddress address, int port, int fwmark) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the port is out of range or the mark negative
     * @throws NullPointerException if protocol or address is null
     */
    public ServiceKey {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        if (fwmark < 0) {
            throw new IllegalArgumentException("negative firewall mark: " + fwmark);
        }
    }

    /**
     * The key of a service of an address and port.
     *
     * @param protocol the protocol
     * @param address the virtual address
     * @param port the virtual port, 0 to 65535
     */
    public ServiceKey(Protocol protocol, InetAddress address, int port) {
        this(protocol, address, port, 0);
    }

    /**
     * Returns a service's key.
     *
     * @param service the service
     * @return its protocol, address and port
     */
    public static ServiceKey of(VirtualService service) {
        return new ServiceKey(service.protocol(), service.address(), service.port(), service.fwmark());
    }

    /**
     * Tells whether a service has this key.
     *
     * @param service a service
     * @return true if its protocol, address, port and mark are these; for a firewall-mark key,
     *     if its mark and address family are these, whatever its protocol (IPVS keeps one
     *     service per family and mark, and {@code ipvsadm -f} names it so)
     */
    public boolean matches(VirtualService service) {
        if (fwmark != 0) {
            return service.fwmark() == fwmark && service.address().getClass() == address.getClass();
        }
        return service.protocol() == protocol && service.port() == port && service.fwmark() == 0
                && service.address().equals(address);
    }

    /** @return {@code TCP 198.18.0.10:80} ({@code [addr]:port} for IPv6, {@code FWM 7} for a mark), as ipvsadm names a service */
    @Override
    public String toString() {
        if (fwmark != 0) {
            return "FWM " + fwmark;
        }
        String host = address.getHostAddress();
        return protocol + " " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

package io.lvs4j.core.model;

import java.util.Objects;

/**
 * How a director forwards the packets of a virtual service to its real servers: the method
 * and, for tunnelling, the encapsulation and its UDP port.
 *
 * @param method the forwarding method
 * @param tunnelType the encapsulation of {@link ForwardingMethod#TUNNEL}, {@code null} otherwise
 * @param tunnelPort the GUE destination port (1 to 65535), 0 otherwise
 */
public record Forwarding(ForwardingMethod method, TunnelType tunnelType, int tunnelPort) {

    private static final Forwarding DIRECT_ROUTE = new Forwarding(ForwardingMethod.DIRECT_ROUTE, null, 0);
    private static final Forwarding MASQUERADE = new Forwarding(ForwardingMethod.MASQUERADE, null, 0);
    private static final Forwarding FULL_NAT = new Forwarding(ForwardingMethod.FULL_NAT, null, 0);
    private static final Forwarding IPIP = new Forwarding(ForwardingMethod.TUNNEL, TunnelType.IPIP, 0);

    /** Checks that the tunnel settings go with the method. */
    public Forwarding {
        Objects.requireNonNull(method, "method");
        if (method == ForwardingMethod.TUNNEL) {
            Objects.requireNonNull(tunnelType, "tunnelType");
            if (tunnelType == TunnelType.GUE ? tunnelPort < 1 || tunnelPort > 65535 : tunnelPort != 0) {
                throw new IllegalArgumentException("tunnel port " + tunnelPort + " does not fit " + tunnelType);
            }
        } else if (tunnelType != null || tunnelPort != 0) {
            throw new IllegalArgumentException(method + " takes no tunnel settings");
        }
    }

    /** @return direct routing (LVS-DR) */
    public static Forwarding directRoute() {
        return DIRECT_ROUTE;
    }

    /** @return NAT (LVS-NAT, masquerading) */
    public static Forwarding masquerade() {
        return MASQUERADE;
    }

    /** @return full-NAT: source and destination rewritten */
    public static Forwarding fullNat() {
        return FULL_NAT;
    }

    /** @return tunnelling in IP-in-IP (IPv6-in-IPv6 for IPv6 real servers) */
    public static Forwarding ipip() {
        return IPIP;
    }

    /**
     * Tunnelling in GUE.
     *
     * @param port the real servers' GUE UDP port
     * @return the forwarding
     */
    public static Forwarding gue(int port) {
        return new Forwarding(ForwardingMethod.TUNNEL, TunnelType.GUE, port);
    }
}

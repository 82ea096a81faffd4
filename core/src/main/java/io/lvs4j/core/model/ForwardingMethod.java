package io.lvs4j.core.model;

/**
 * How a director sends a packet to the real server chosen for its connection, as IPVS's
 * {@code -g}, {@code -m} and {@code -i} options, plus full-NAT as DPVS offers it.
 */
public enum ForwardingMethod {
    /** Direct routing: only the MAC addresses change; replies bypass the director. */
    DIRECT_ROUTE("Route"),
    /** NAT (masquerading): destination address and port rewritten, replies rewritten back. */
    MASQUERADE("Masq"),
    /** Tunnelling: the packet is encapsulated in IP-in-IP (or GUE) to the real server. */
    TUNNEL("Tunnel"),
    /** Full-NAT: source and destination both rewritten; real servers need no return route. */
    FULL_NAT("FullNat");

    private final String ipvsadmName;

    ForwardingMethod(String ipvsadmName) {
        this.ipvsadmName = ipvsadmName;
    }

    /**
     * Returns the name {@code ipvsadm -Ln} prints in its Forward column.
     *
     * @return for example {@code Route} or {@code Masq}
     */
    public String ipvsadmName() {
        return ipvsadmName;
    }
}

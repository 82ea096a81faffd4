package io.lvs4j.core.config;

import io.lvs4j.core.model.ForwardingMethod;
import java.util.Objects;
import java.util.Optional;

/**
 * The tunnel options of {@code lvs_method TUN} as keepalived 2.x writes them:
 * {@code lvs_method TUN [type ipip|gue port N] [nocsum|csum|remcsum]}. IPVS's third type,
 * {@code gre}, is not offered by lvs4j; the parser refuses it.
 *
 * @param type the encapsulation, default {@link Type#IPIP}
 * @param port the real servers' UDP port for {@link Type#GUE} (1 to 65535); 0 for IPIP
 * @param checksum the GUE checksum option; {@link Checksum#NOCSUM} for IPIP
 */
public record TunnelConfig(Type type, int port, Checksum checksum) {

    /** The default tunnel: IP-in-IP. */
    public static final TunnelConfig IPIP = new TunnelConfig(Type.IPIP, 0, Checksum.NOCSUM);

    /** The encapsulation, keepalived's {@code type}. */
    public enum Type {
        /** IP-in-IP (IPv4 protocol 4; IPv6-in-IPv6 for an IPv6 real server), keepalived's {@code ipip}. */
        IPIP,
        /** Generic UDP Encapsulation to a UDP port of the real server, keepalived's {@code gue}. */
        GUE
    }

    /** The outer UDP checksum of a GUE tunnel, as IPVS's tunnel flags. */
    public enum Checksum {
        /** {@code nocsum}: no outer UDP checksum (keepalived's default). */
        NOCSUM,
        /** {@code csum}: the outer UDP checksum is computed. */
        CSUM,
        /** {@code remcsum}: GUE remote checksum offload. */
        REMCSUM
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a GUE tunnel has no port, an IPIP tunnel has a port or
     *     a checksum option
     * @throws NullPointerException if a component is null
     */
    public TunnelConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(checksum, "checksum");
        if (type == Type.GUE) {
            Require.range("gue tunnel port", port, 1, 65535);
        } else if (port != 0) {
            throw new IllegalArgumentException("only gue tunnels have a port");
        } else if (checksum != Checksum.NOCSUM) {
            throw new IllegalArgumentException("ipip tunnels take no checksum option");
        }
    }

    /**
     * A GUE tunnel without outer checksum.
     *
     * @param port the real servers' GUE port, 1 to 65535
     * @return the tunnel
     */
    public static TunnelConfig gue(int port) {
        return new TunnelConfig(Type.GUE, port, Checksum.NOCSUM);
    }

    /**
     * Returns the options as keepalived writes them after {@code lvs_method TUN}.
     *
     * @return for example {@code type ipip} or {@code type gue port 6080 csum}
     */
    @Override
    public String toString() {
        return type == Type.IPIP ? "type ipip"
                : "type gue port " + port + (checksum == Checksum.NOCSUM ? "" : " " + checksum.name().toLowerCase(
                        java.util.Locale.ROOT));
    }

    /**
     * Checks that tunnel options go with the tunnel method, and gives a tunnel method its
     * default options.
     *
     * @param method the forwarding method, if set
     * @param tunnel the tunnel options, if given
     * @return the options: IPIP for a tunnel without options, empty for other methods
     * @throws IllegalArgumentException if options are given for another method than TUN
     */
    static Optional<TunnelConfig> of(Optional<ForwardingMethod> method, Optional<TunnelConfig> tunnel) {
        Objects.requireNonNull(tunnel, "tunnel");
        boolean tunnelled = method.isPresent() && method.get() == ForwardingMethod.TUNNEL;
        if (!tunnelled && tunnel.isPresent()) {
            throw new IllegalArgumentException("tunnel options (" + tunnel.get() + ") need lvs_method TUN");
        }
        return tunnelled && tunnel.isEmpty() ? Optional.of(IPIP) : tunnel;
    }
}

package io.lvs4j.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a {@code virtual_ipaddress} block: {@code <IPADDR>[/<MASK>] [brd <IPADDR>]
 * [dev <STRING>] [scope <SCOPE>] [label <LABEL>] [-nodad] [noprefixroute]}, what keepalived
 * hands to the kernel when it adds the address to an interface.
 *
 * @param address the virtual address
 * @param prefixLength the prefix length (keepalived's default: 32 for IPv4, 128 for IPv6)
 * @param device the interface it belongs to; empty: the instance's interface
 * @param label the alias label ({@code eth0:1}); empty: none
 * @param broadcast the IPv4 broadcast address; empty: none
 * @param scope the address scope as the kernel numbers it ({@link #SCOPE_GLOBAL} by default)
 * @param noDad whether an IPv6 address skips duplicate address detection (keepalived's default;
 *     {@code -nodad} turns it off)
 * @param noPrefixRoute whether the kernel adds no prefix route for it ({@code noprefixroute})
 */
public record VirtualIpAddress(InetAddress address, int prefixLength, Optional<String> device,
        Optional<String> label, Optional<InetAddress> broadcast, int scope, boolean noDad, boolean noPrefixRoute) {

    /** Scope {@code global} (the kernel's {@code RT_SCOPE_UNIVERSE}). */
    public static final int SCOPE_GLOBAL = 0;
    /** Scope {@code site}. */
    public static final int SCOPE_SITE = 200;
    /** Scope {@code link}. */
    public static final int SCOPE_LINK = 253;
    /** Scope {@code host}. */
    public static final int SCOPE_HOST = 254;
    /** Scope {@code nowhere}. */
    public static final int SCOPE_NOWHERE = 255;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the prefix length does not fit the address family, the
     *     scope is outside 0-255, or a broadcast address is given for IPv6
     * @throws NullPointerException if a component is null
     */
    public VirtualIpAddress {
        Objects.requireNonNull(address, "address");
        Require.range("prefix length", prefixLength, 0, address instanceof Inet4Address ? 32 : 128);
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(broadcast, "broadcast");
        Require.range("scope", scope, 0, 255);
        if (broadcast.isPresent() && !(address instanceof Inet4Address && broadcast.get() instanceof Inet4Address)) {
            throw new IllegalArgumentException("a broadcast address is IPv4 only: " + broadcast.get());
        }
    }

    /**
     * An address with keepalived's defaults for the rest: no broadcast, global scope, IPv6
     * without duplicate address detection, a prefix route.
     *
     * @param address the virtual address
     * @param prefixLength the prefix length
     * @param device the interface; empty: the instance's
     * @param label the alias label; empty: none
     */
    public VirtualIpAddress(InetAddress address, int prefixLength, Optional<String> device, Optional<String> label) {
        this(address, prefixLength, device, label, Optional.empty(), SCOPE_GLOBAL, true, false);
    }

    /**
     * A host address (/32 or /128) on the instance's interface.
     *
     * @param address the address
     * @return the virtual address
     */
    public static VirtualIpAddress of(InetAddress address) {
        return new VirtualIpAddress(address, address instanceof Inet4Address ? 32 : 128,
                Optional.empty(), Optional.empty());
    }

    /**
     * Reads a scope as {@code ip addr} writes it: {@code global}, {@code site}, {@code link},
     * {@code host}, {@code nowhere}, or a number from 0 to 255.
     *
     * @param text the scope
     * @return its number, or -1 if it is none of these
     */
    public static int scope(String text) {
        return switch (text) {
            case "global", "universe" -> SCOPE_GLOBAL;
            case "site" -> SCOPE_SITE;
            case "link" -> SCOPE_LINK;
            case "host" -> SCOPE_HOST;
            case "nowhere" -> SCOPE_NOWHERE;
            default -> text.matches("\\d{1,3}") && Integer.parseInt(text) <= 255 ? Integer.parseInt(text) : -1;
        };
    }
}

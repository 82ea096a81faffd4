package io.lvs4j.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a {@code virtual_ipaddress} block: {@code <IPADDR>[/<MASK>] [dev <STRING>]
 * [label <LABEL>]}.
 *
 * @param address the virtual address
 * @param prefixLength the prefix length (keepalived's default: 32 for IPv4, 128 for IPv6)
 * @param device the interface it belongs to; empty: the instance's interface
 * @param label the alias label ({@code eth0:1}); empty: none
 */
public record VirtualIpAddress(InetAddress address, int prefixLength, Optional<String> device,
        Optional<String> label) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the prefix length does not fit the address family
     * @throws NullPointerException if a component is null
     */
    public VirtualIpAddress {
        Objects.requireNonNull(address, "address");
        Require.range("prefix length", prefixLength, 0, address instanceof Inet4Address ? 32 : 128);
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(label, "label");
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
}

package io.lvs4j.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code local_address_group} as DPVS's keepalived declares it: the director's own addresses
 * that full-NAT ({@code lb_kind FNAT}) uses as the source of the packets it sends to the real
 * servers. A virtual server names its group with {@code laddr_group_name}.
 *
 * <pre>
 * local_address_group laddr_g1 {
 *     198.18.0.50
 *     198.18.0.51-55        # .51 to .55
 *     2001:db8::50-5f       # IPv6: the last group, in hex
 * }
 * </pre>
 *
 * <p>DPVS writes an interface after each address ({@code 198.18.0.50 dpdk0}); lvs4j reads it and
 * warns that it is ignored, since a director forwards on one interface.
 *
 * @param name the group's name
 * @param addresses the addresses in declaration order (ranges expanded), unique, IPv4 and IPv6
 *     may be mixed
 */
public record LocalAddressGroupConfig(String name, List<InetAddress> addresses) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the name is blank, there is no address or an address
     *     is listed twice
     * @throws NullPointerException if a component is null
     */
    public LocalAddressGroupConfig {
        Require.name("local_address_group", name);
        addresses = Require.list("addresses", addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("local_address_group " + name + " has no address");
        }
        Set<InetAddress> seen = new HashSet<>();
        for (InetAddress a : addresses) {
            if (!seen.add(Objects.requireNonNull(a, "address"))) {
                throw new IllegalArgumentException("local_address_group " + name + " lists "
                        + a.getHostAddress() + " twice");
            }
        }
    }

    /**
     * Returns the addresses of one family.
     *
     * @param ipv4 true for the IPv4 addresses, false for the IPv6 ones
     * @return those addresses, in order
     */
    public List<InetAddress> addresses(boolean ipv4) {
        return addresses.stream().filter(a -> (a instanceof Inet4Address) == ipv4).toList();
    }
}

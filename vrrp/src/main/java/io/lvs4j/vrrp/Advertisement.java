package io.lvs4j.vrrp;

import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.core.config.VrrpAuthentication;
import io.lvs4j.core.config.VrrpInstanceConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The fields of one advert to send, independent of the wire format; {@link VrrpEncoder}
 * writes it. Immutable.
 *
 * @param version the protocol version
 * @param vrid the virtual router id, 1-255
 * @param priority 0-255 (0: the master is leaving)
 * @param intervalCentis the advert interval in centiseconds (v2 sends whole seconds)
 * @param addresses the virtual addresses, all of one family (IPv4 for v2)
 * @param authPass v2 only: the password (at most 8 bytes, zero-padded), or null for none
 */
public record Advertisement(VrrpVersion version, int vrid, int priority, int intervalCentis,
                            List<InetAddress> addresses, byte[] authPass) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when a field is out of its range
     */
    public Advertisement {
        Objects.requireNonNull(version, "version");
        addresses = List.copyOf(addresses);
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid out of 1-255: " + vrid);
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority out of 0-255: " + priority);
        }
        if (addresses.size() > 255) {
            throw new IllegalArgumentException("more than 255 addresses");
        }
        boolean v4 = addresses.isEmpty() || addresses.getFirst() instanceof Inet4Address;
        for (InetAddress a : addresses) {
            if ((a instanceof Inet4Address) != v4) {
                throw new IllegalArgumentException("addresses of mixed families");
            }
        }
        if (version == VrrpVersion.V2) {
            if (!v4) {
                throw new IllegalArgumentException("VRRPv2 carries IPv4 addresses only");
            }
            if (intervalCentis < 100 || intervalCentis > 25500 || intervalCentis % 100 != 0) {
                throw new IllegalArgumentException("v2 interval must be 1-255 whole seconds");
            }
            if (authPass != null) {
                if (authPass.length > VrrpAdvert.AUTH_DATA_LENGTH) {
                    throw new IllegalArgumentException("password longer than 8 bytes");
                }
                authPass = Arrays.copyOf(authPass, VrrpAdvert.AUTH_DATA_LENGTH);
            }
        } else {
            if (intervalCentis < 1 || intervalCentis > VrrpAdvert.MAX_V3_INTERVAL) {
                throw new IllegalArgumentException("v3 interval out of 1-4095 centiseconds");
            }
            if (authPass != null) {
                throw new IllegalArgumentException("VRRPv3 has no authentication");
            }
        }
    }

    /**
     * Returns the advert an instance sends at a priority.
     *
     * @param instance the instance
     * @param priority 0-255
     * @return the advert
     * @throws IllegalArgumentException if the instance has no virtual address or a field is out
     *     of range
     */
    public static Advertisement of(VrrpInstanceConfig instance, int priority) {
        if (instance.virtualIpAddresses().isEmpty()) {
            throw new IllegalArgumentException("VRRP instance " + instance.name() + " has no virtual address");
        }
        List<InetAddress> addresses = instance.virtualIpAddresses().stream().map(VirtualIpAddress::address).toList();
        return new Advertisement(VrrpVersion.of(instance.version()), instance.virtualRouterId(), priority,
                intervalCentis(instance), addresses,
                instance.authentication().map(VrrpAuthentication::authenticationData).orElse(null));
    }

    /**
     * Returns an instance's advert interval in the centiseconds adverts count.
     *
     * @param instance the instance
     * @return its {@code advert_int} in centiseconds
     */
    static int intervalCentis(VrrpInstanceConfig instance) {
        return (int) (instance.advertInterval().toMillis() / 10);
    }

    /**
     * Returns the same advert with another priority.
     *
     * @param newPriority 0-255
     * @return a copy
     */
    public Advertisement withPriority(int newPriority) {
        return new Advertisement(version, vrid, newPriority, intervalCentis, addresses, authPass);
    }

    /** @return 4 for IPv4 adverts, 16 for IPv6 */
    public int addressLength() {
        return addresses.isEmpty() || addresses.getFirst() instanceof Inet4Address ? 4 : 16;
    }

    /** @return the advert's length on the wire, without the IP header */
    public int length() {
        return VrrpAdvert.length(version.number(), addresses.size(), addressLength());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Advertisement a && version == a.version && vrid == a.vrid
                && priority == a.priority && intervalCentis == a.intervalCentis
                && addresses.equals(a.addresses) && Arrays.equals(authPass, a.authPass);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, vrid, priority, intervalCentis, addresses)
                * 31 + Arrays.hashCode(authPass);
    }

    @Override
    public String toString() {
        return "Advertisement[" + version + " vrid=" + vrid + " prio=" + priority + " int="
                + intervalCentis + "cs addrs=" + addresses + (authPass != null ? " auth=PASS" : "") + "]";
    }
}

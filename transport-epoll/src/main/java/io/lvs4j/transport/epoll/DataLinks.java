package io.lvs4j.transport.epoll;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * The interfaces a {@link PacketDirector}'s data path receives and sends on, by slot: slot 0 is
 * the director's interface (the clients' side, where its VIPs are announced), the others are
 * interfaces real servers sit behind, such as the inside interface of an LVS-NAT director pair.
 * Each slot has its link (index, MAC), the director's own IPv4 address there (the source of its
 * ARP requests) and the IPv4 subnets connected to it.
 *
 * <p>The egress choice toward a real server is {@link #route}: the slot whose connected subnet
 * holds the server's address, the longest prefix first, else slot 0 (real servers behind a router
 * are reached through the director's interface, as with one interface). Replies to clients leave
 * on the slot their client's frames came in on, which the forwarders keep per connection.
 *
 * <p>Immutable and thread-safe.
 */
final class DataLinks {

    /**
     * A connected IPv4 subnet of an interface.
     *
     * @param network the network address, host bits zero
     * @param prefixLength its prefix length, 0 to 32
     */
    record Subnet(int network, int prefixLength) {

        /** Clears the host bits of the network address. */
        Subnet {
            if (prefixLength < 0 || prefixLength > 32) {
                throw new IllegalArgumentException("prefix length must be in [0, 32]: " + prefixLength);
            }
            network &= mask(prefixLength);
        }

        boolean holds(int address) {
            return (address & mask(prefixLength)) == network;
        }

        private static int mask(int prefixLength) {
            return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        }
    }

    private final LinkInfo[] links;
    private final int[] addresses;
    private final int[] subnetSlot;
    private final Subnet[] subnets;

    /**
     * @param links the interfaces, the director's first
     * @param addresses the director's own IPv4 address on each, 0 if none
     * @param connected the subnets connected to each, in the same order
     */
    DataLinks(List<LinkInfo> links, int[] addresses, List<List<Subnet>> connected) {
        if (links.isEmpty() || links.size() != addresses.length || links.size() != connected.size()) {
            throw new IllegalArgumentException("one address and one subnet list per interface, at least one interface");
        }
        this.links = links.toArray(LinkInfo[]::new);
        this.addresses = addresses.clone();
        List<Subnet> all = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int slot = 0; slot < connected.size(); slot++) {
            for (Subnet s : connected.get(slot)) {
                all.add(s);
                slots.add(slot);
            }
        }
        this.subnets = all.toArray(Subnet[]::new);
        this.subnetSlot = slots.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * One interface, as a director without further interfaces has: every destination on it.
     *
     * @param link the interface
     * @param address the director's own IPv4 address there, 0 if none
     * @return the links
     */
    static DataLinks single(LinkInfo link, int address) {
        return new DataLinks(List.of(link), new int[] {address}, List.of(List.of()));
    }

    /**
     * Reads the IPv4 subnets the kernel connects to an interface of the calling thread's network
     * namespace (its addresses with their prefix lengths).
     *
     * @param interfaceName the interface
     * @return its subnets, possibly none
     * @throws IOException if there is no such interface
     */
    static List<Subnet> connected(String interfaceName) throws IOException {
        try {
            NetworkInterface ni = NetworkInterface.getByName(interfaceName);
            if (ni == null) {
                throw new IOException("no interface " + interfaceName);
            }
            List<Subnet> found = new ArrayList<>();
            for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address v4) {
                    found.add(new Subnet(ServiceTable.ipv4(v4), a.getNetworkPrefixLength()));
                }
            }
            return found;
        } catch (SocketException e) {
            throw new IOException("cannot read interface " + interfaceName, e);
        }
    }

    /** @return the number of interfaces */
    int size() {
        return links.length;
    }

    /** @return the interface of a slot */
    LinkInfo link(int slot) {
        return links[slot];
    }

    /** @return the MAC of a slot's interface */
    long mac(int slot) {
        return links[slot].mac();
    }

    /** @return the director's own IPv4 address on a slot's interface, 0 if none */
    int address(int slot) {
        return addresses[slot];
    }

    /**
     * Chooses the interface toward an IPv4 address: the one whose connected subnet holds it, the
     * longest prefix first (the first such interface on a tie), else the director's (slot 0).
     * Allocation-free.
     *
     * @param address the address
     * @return the slot
     */
    int route(int address) {
        int best = 0;
        int bestLength = -1;
        for (int i = 0; i < subnets.length; i++) {
            Subnet s = subnets[i];
            if (s.prefixLength() > bestLength && s.holds(address)) {
                best = subnetSlot[i];
                bestLength = s.prefixLength();
            }
        }
        return best;
    }
}

package io.lvs4j.transport.epoll;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may send this director sync datagrams: the configured unicast peers if there are any,
 * else any address of the sync interface's IPv4 subnets (a kernel master on the same link sends
 * from its address there). Immutable.
 *
 * @param peers the peers' addresses, high byte first
 * @param networks the subnets' network addresses
 * @param masks their masks
 */
record SyncSources(int[] peers, int[] networks, int[] masks) {

    /**
     * Reads the sync interface's subnets in the calling thread's namespace.
     *
     * @param interfaceName the sync interface
     * @param peers the configured peers, empty for the subnets
     * @return the sources
     * @throws SocketException if the interface cannot be read
     */
    static SyncSources of(String interfaceName, List<InetAddress> peers) throws SocketException {
        List<InterfaceAddress> subnets = new ArrayList<>();
        NetworkInterface nic = NetworkInterface.getByName(interfaceName);
        if (nic != null && peers.isEmpty()) {
            for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address) {
                    subnets.add(a);
                }
            }
        }
        int[] nets = new int[subnets.size()];
        int[] masks = new int[subnets.size()];
        for (int i = 0; i < nets.length; i++) {
            int prefix = subnets.get(i).getNetworkPrefixLength();
            masks[i] = prefix == 0 ? 0 : -1 << (32 - prefix);
            nets[i] = ipv4(subnets.get(i).getAddress()) & masks[i];
        }
        return new SyncSources(peers.stream().filter(p -> p instanceof Inet4Address).mapToInt(SyncSources::ipv4)
                .toArray(), nets, masks);
    }

    /**
     * Tells whether a source may send sync datagrams.
     *
     * @param source the datagram's IPv4 source, high byte first
     * @return true if it is a peer, or (without peers) on a subnet of the interface
     */
    boolean accepts(int source) {
        if (peers.length > 0) {
            for (int p : peers) {
                if (p == source) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < networks.length; i++) {
            if ((source & masks[i]) == networks[i]) {
                return true;
            }
        }
        return false;
    }

    static int ipv4(InetAddress address) {
        return ByteBuffer.wrap(address.getAddress()).getInt();
    }
}

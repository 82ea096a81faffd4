package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.NetworkOrder;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The control plane's snapshot of what a director serves, as its loops read it: each virtual
 * service's protocol, virtual address, port and forwarding, and the addresses the director owns
 * in user space (the VIPs and the full-NAT local addresses). Immutable: a change publishes a new
 * table, which each loop picks up with one volatile read; lookups neither lock nor allocate.
 */
final class ServiceTable {

    private final VirtualService[] services;
    private final Forwarding[] forwarding;
    private final int[] version;
    private final int[] address4;
    /** IPv6 virtual addresses, 16 bytes per service (zero for IPv4 services). */
    private final MemorySegment address6;
    private final int[] port;
    private final int[] protocol;
    private final int[] owned4;
    private final int[] locals4;
    private final List<byte[]> vips6;
    private final List<byte[]> locals6;
    private final MemorySegment locals6Memory;
    private final boolean[] sloppy;
    /** The distinct virtual addresses, in order of first use; each service's index into them. */
    private final List<InetAddress> vips;
    private final int[] vipOf;
    private final boolean seesReplies;
    private final boolean fullNat4;
    private final boolean fullNat6;

    /**
     * @param services the virtual services
     * @param forwarding each one's forwarding
     * @param localAddresses the full-NAT local addresses
     * @param sloppyTcp IPVS's {@code sloppy_tcp} for every service
     */
    ServiceTable(List<VirtualService> services, List<Forwarding> forwarding, List<InetAddress> localAddresses,
            boolean sloppyTcp) {
        int n = services.size();
        sloppy = new boolean[n];
        vips = services.stream().map(VirtualService::address).distinct().toList();
        vipOf = services.stream().mapToInt(vs -> vips.indexOf(vs.address())).toArray();
        this.services = services.toArray(VirtualService[]::new);
        this.forwarding = forwarding.toArray(Forwarding[]::new);
        version = new int[n];
        address4 = new int[n];
        address6 = MemorySegment.ofArray(new byte[16 * Math.max(1, n)]);
        port = new int[n];
        protocol = new int[n];
        List<byte[]> v6 = new ArrayList<>();
        boolean replies = false;
        boolean fnat4 = false;
        boolean fnat6 = false;
        for (int s = 0; s < n; s++) {
            VirtualService vs = services.get(s);
            byte[] vip = vs.address().getAddress();
            if (vs.address() instanceof Inet4Address) {
                version[s] = 4;
                address4[s] = ipv4(vs.address());
            } else {
                version[s] = 6;
                MemorySegment.copy(MemorySegment.ofArray(vip), 0, address6, 16L * s, 16);
                if (v6.stream().noneMatch(v -> Arrays.equals(v, vip))) {
                    v6.add(vip);
                }
            }
            port[s] = vs.port();
            protocol[s] = vs.protocol().number();
            ForwardingMethod method = this.forwarding[s].method();
            sloppy[s] = sloppyTcp || vs.scheduler().consistentHashing()
                    && (method == ForwardingMethod.DIRECT_ROUTE || method == ForwardingMethod.TUNNEL);
            replies |= method == ForwardingMethod.MASQUERADE;
            fnat4 |= method == ForwardingMethod.FULL_NAT && version[s] == 4;
            fnat6 |= method == ForwardingMethod.FULL_NAT && version[s] == 6;
        }
        seesReplies = replies;
        fullNat4 = fnat4;
        fullNat6 = fnat6;
        vips6 = List.copyOf(v6);
        locals4 = localAddresses.stream().filter(a -> a instanceof Inet4Address).mapToInt(ServiceTable::ipv4).toArray();
        locals6 = localAddresses.stream().filter(a -> a instanceof Inet6Address).map(InetAddress::getAddress).toList();
        locals6Memory = MemorySegment.ofArray(new byte[16 * Math.max(1, locals6.size())]);
        for (int i = 0; i < locals6.size(); i++) {
            MemorySegment.copy(MemorySegment.ofArray(locals6.get(i)), 0, locals6Memory, 16L * i, 16);
        }
        int[] versions = version;
        int[] addresses = address4;
        IntStream vips4 = IntStream.range(0, n).filter(s -> versions[s] == 4).map(s -> addresses[s]);
        owned4 = IntStream.concat(vips4, Arrays.stream(locals4)).distinct().toArray();
    }

    /** @return the number of services */
    int size() {
        return services.length;
    }

    /** @return a service by index */
    VirtualService service(int s) {
        return services[s];
    }

    /** @return the services, in index order */
    List<VirtualService> services() {
        return List.of(services);
    }

    /** @return a service's forwarding */
    Forwarding forwarding(int s) {
        return forwarding[s];
    }

    /**
     * @return whether a mid-flow TCP packet with no connection may open one for a service:
     *     IPVS's {@code sloppy_tcp}, on for services scheduled by consistent hashing that never
     *     see replies (direct routing, tunnelling), so that directors agree without sync
     */
    boolean sloppy(int s) {
        return sloppy[s];
    }

    /** @return a service's IP version, 4 or 6 */
    int version(int s) {
        return version[s];
    }

    /** @return whether a service sees its real servers' replies (NAT) */
    boolean seesReplies() {
        return seesReplies;
    }

    /** @return whether an IPv4 service is full-NAT */
    boolean fullNat4() {
        return fullNat4;
    }

    /** @return whether an IPv6 service is full-NAT */
    boolean fullNat6() {
        return fullNat6;
    }

    /** @return the distinct IPv6 VIPs, 16 bytes each */
    List<byte[]> vips6() {
        return vips6;
    }

    /** @return the IPv4 full-NAT local addresses */
    int[] locals4() {
        return locals4.clone();
    }

    /** @return the IPv6 full-NAT local addresses, 16 bytes each */
    List<byte[]> locals6() {
        return locals6;
    }

    /** @return the distinct IPv4 addresses owned in user space: VIPs, then local addresses */
    int[] owned4() {
        return owned4.clone();
    }

    /** @return the distinct IPv6 addresses owned in user space: VIPs, then local addresses */
    List<byte[]> owned6() {
        List<byte[]> all = new ArrayList<>(vips6);
        all.addAll(locals6);
        return all;
    }

    /** @return the distinct virtual addresses of the services, each known by its index here */
    List<InetAddress> virtualAddresses() {
        return vips;
    }

    /** @return the index of a service's virtual address in {@link #virtualAddresses()} */
    int vipIndex(int s) {
        return vipOf[s];
    }

    /** @return the index of an IPv4 virtual address, or -1 if no service has it */
    int vip4(int address) {
        for (int s = 0; s < services.length; s++) {
            if (version[s] == 4 && address4[s] == address) {
                return vipOf[s];
            }
        }
        return -1;
    }

    /** @return the index of the IPv6 virtual address of 16 bytes of memory, or -1 if no service has it */
    int vip6(MemorySegment memory, long offset) {
        long high = memory.get(NetworkOrder.U64, offset);
        long low = memory.get(NetworkOrder.U64, offset + 8);
        for (int s = 0; s < services.length; s++) {
            if (version[s] == 6 && address6.get(NetworkOrder.U64, 16L * s + 8) == low
                    && address6.get(NetworkOrder.U64, 16L * s) == high) {
                return vipOf[s];
            }
        }
        return -1;
    }

    /** @return the IPv4 service of a protocol, address and port, or -1 */
    int find(int proto, int address, int destinationPort) {
        for (int s = 0; s < services.length; s++) {
            if (address4[s] == address && port[s] == destinationPort && protocol[s] == proto && version[s] == 4) {
                return s;
            }
        }
        return -1;
    }

    /** @return the IPv6 service of a protocol, 16 address bytes in memory and a port, or -1 */
    int find6(int proto, MemorySegment memory, long address, int destinationPort) {
        long high = memory.get(NetworkOrder.U64, address);
        long low = memory.get(NetworkOrder.U64, address + 8);
        for (int s = 0; s < services.length; s++) {
            if (version[s] == 6 && port[s] == destinationPort && protocol[s] == proto
                    && address6.get(NetworkOrder.U64, 16L * s + 8) == low
                    && address6.get(NetworkOrder.U64, 16L * s) == high) {
                return s;
            }
        }
        return -1;
    }

    /** @return whether the director owns an IPv4 address: a VIP or a local address */
    boolean owns(int address) {
        for (int a : owned4) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    /** @return whether an IPv4 address is a full-NAT local address */
    boolean isLocal(int address) {
        for (int a : locals4) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the director owns the IPv6 address of 16 bytes of memory: a VIP or a local address */
    boolean owns6(MemorySegment memory, long offset) {
        long high = memory.get(NetworkOrder.U64, offset);
        long low = memory.get(NetworkOrder.U64, offset + 8);
        for (int s = 0; s < services.length; s++) {
            if (version[s] == 6 && address6.get(NetworkOrder.U64, 16L * s + 8) == low
                    && address6.get(NetworkOrder.U64, 16L * s) == high) {
                return true;
            }
        }
        return local6(memory, offset) >= 0;
    }

    /** @return the index of the IPv6 local address equal to 16 bytes of memory, or -1 */
    int local6(MemorySegment memory, long offset) {
        long high = memory.get(NetworkOrder.U64, offset);
        long low = memory.get(NetworkOrder.U64, offset + 8);
        for (int l = 0; l < locals6.size(); l++) {
            if (locals6Memory.get(NetworkOrder.U64, 16L * l) == high
                    && locals6Memory.get(NetworkOrder.U64, 16L * l + 8) == low) {
                return l;
            }
        }
        return -1;
    }

    static int ipv4(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("not an IPv4 address: " + address);
        }
        byte[] b = address.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}

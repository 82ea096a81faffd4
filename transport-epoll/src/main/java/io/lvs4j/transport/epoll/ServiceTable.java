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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The control plane's snapshot of what a director serves, as its loops read it: each virtual
 * service's protocol, virtual address, port and forwarding, and the addresses the director owns
 * in user space (the VIPs and the full-NAT local addresses). Immutable: a change publishes a new
 * table, which each loop picks up with one volatile read; lookups neither lock nor allocate. A
 * service's index is its position in this table only; what must outlive a reload (its
 * destination ids, its traffic) hangs on its {@link ServiceSlot}.
 */
final class ServiceTable {

    private final ServiceSlot[] slots;
    private final VirtualService[] services;
    private final Forwarding[] forwarding;
    private final int[] version;
    private final int[] address4;
    /** IPv6 virtual addresses, 16 bytes per service (zero for IPv4 services). */
    private final MemorySegment address6;
    private final int[] port;
    private final int[] protocol;
    /** The firewall mark of each service, 0 for a service of an address and port. */
    private final int[] mark;
    private final int[] marks4;
    private final int[] owned4;
    private final int[] locals4;
    private final List<byte[]> vips6;
    private final List<byte[]> locals6;
    private final MemorySegment locals6Memory;
    private final boolean[] sloppy;
    /**
     * The virtual addresses by index, the index the serving flags are kept by; a VIP keeps its
     * index from table to table while a service has it, and an index no service uses is null
     * (a new VIP takes the first such).
     */
    private final List<InetAddress> vipSlots;
    /** The distinct virtual addresses of the services. */
    private final List<InetAddress> vips;
    private final int[] vipOf;
    private final boolean seesReplies;
    private final boolean fullNat4;
    private final boolean fullNat6;

    /**
     * @param slots the virtual services, each with its forwarding
     * @param localAddresses the full-NAT local addresses
     * @param sloppyTcp IPVS's {@code sloppy_tcp} for every service
     * @param previous the table these services follow, whose VIPs keep their indexes; null for none
     */
    ServiceTable(List<ServiceSlot> slots, List<InetAddress> localAddresses, boolean sloppyTcp,
            ServiceTable previous) {
        int n = slots.size();
        this.slots = slots.toArray(ServiceSlot[]::new);
        this.services = slots.stream().map(ServiceSlot::service).toArray(VirtualService[]::new);
        this.forwarding = slots.stream().map(ServiceSlot::forwarding).toArray(Forwarding[]::new);
        sloppy = new boolean[n];
        // A fwmark service has no VIP: its any-address is neither owned nor served by index.
        vips = Arrays.stream(services).filter(vs -> !vs.isFwmark()).map(VirtualService::address).distinct().toList();
        vipSlots = indexes(vips, previous == null ? List.of() : previous.vipSlots);
        vipOf = Arrays.stream(services).mapToInt(vs -> vs.isFwmark() ? -1 : vipSlots.indexOf(vs.address())).toArray();
        mark = Arrays.stream(services).mapToInt(VirtualService::fwmark).toArray();
        marks4 = Arrays.stream(services).filter(vs -> vs.isFwmark() && vs.address() instanceof Inet4Address)
                .mapToInt(VirtualService::fwmark).distinct().sorted().toArray();
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
            VirtualService vs = services[s];
            byte[] vip = vs.address().getAddress();
            if (vs.address() instanceof Inet4Address) {
                version[s] = 4;
                address4[s] = ipv4(vs.address());
            } else {
                version[s] = 6;
                MemorySegment.copy(MemorySegment.ofArray(vip), 0, address6, 16L * s, 16);
                if (!vs.isFwmark() && v6.stream().noneMatch(v -> Arrays.equals(v, vip))) {
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
        int[] marks = mark;
        IntStream vips4 = IntStream.range(0, n).filter(s -> versions[s] == 4 && marks[s] == 0).map(s -> addresses[s]);
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

    /** @return a service's slot: its identity and its destination ids */
    ServiceSlot slot(int s) {
        return slots[s];
    }

    /** @return the slots, in index order */
    List<ServiceSlot> slots() {
        return List.of(slots);
    }

    /** @return the index of a service, or -1 */
    int indexOf(VirtualService service) {
        for (int s = 0; s < services.length; s++) {
            if (services[s] == service) {
                return s;
            }
        }
        return -1;
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

    /**
     * Makes the table that follows another with new services (an update of a running director):
     * a service given again, forwarded the same way, keeps its slot; any other gets a new one.
     *
     * @param current the table now
     * @param services the services, unique by protocol, address and port (fwmark services by
     *     family and mark)
     * @param forwardings each one's forwarding
     * @param settings the director's settings, which the services must fit
     * @return the table
     * @throws IllegalArgumentException if the lists differ in length or are empty, a service is
     *     given twice, or one does not fit the settings ({@link PacketDirectorBuilder#check})
     */
    static ServiceTable following(ServiceTable current, List<VirtualService> services, List<Forwarding> forwardings,
            PacketDirectorBuilder settings) {
        if (services.size() != forwardings.size() || services.isEmpty()) {
            throw new IllegalArgumentException("one forwarding per service, and at least one service");
        }
        Set<String> keys = new HashSet<>();
        for (VirtualService vs : services) {
            // A fwmark service is one per family and mark, whatever its protocol, as with IPVS.
            String key = vs.isFwmark() ? "fwmark " + vs.address().getAddress().length + " " + vs.fwmark()
                    : vs.protocol() + " " + vs.address().getHostAddress() + " " + vs.port();
            if (!keys.add(key)) {
                throw new IllegalArgumentException("virtual service given twice: " + vs);
            }
        }
        try {
            settings.check(services, forwardings);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<ServiceSlot> slots = new ArrayList<>();
        for (int s = 0; s < services.size(); s++) {
            int at = current.indexOf(services.get(s));
            slots.add(at >= 0 && current.forwarding(at).equals(forwardings.get(s)) ? current.slot(at)
                    : new ServiceSlot(services.get(s), forwardings.get(s)));
        }
        return new ServiceTable(slots, settings.localAddresses, settings.sloppyTcp, current);
    }

    /** Gives each VIP its index: its index in the previous table, else the first free one, else a new one. */
    private static List<InetAddress> indexes(List<InetAddress> used, List<InetAddress> previous) {
        List<InetAddress> slots = new ArrayList<>(previous);
        slots.replaceAll(a -> a != null && used.contains(a) ? a : null);
        for (InetAddress vip : used) {
            if (!slots.contains(vip)) {
                int free = slots.indexOf(null);
                if (free >= 0) {
                    slots.set(free, vip);
                } else {
                    slots.add(vip);
                }
            }
        }
        while (!slots.isEmpty() && slots.getLast() == null) {
            slots.removeLast();
        }
        return Collections.unmodifiableList(slots);
    }

    /** @return the distinct virtual addresses of the services */
    List<InetAddress> virtualAddresses() {
        return vips;
    }

    /** @return how many VIP indexes there are (some may be free) */
    int vipCount() {
        return vipSlots.size();
    }

    /** @return the VIP of an index, or null if no service has one there */
    InetAddress vipAt(int index) {
        return vipSlots.get(index);
    }

    /** @return the index of a virtual address, or -1 if no service has it */
    int vipIndexOf(InetAddress vip) {
        return vip == null ? -1 : vipSlots.indexOf(vip);
    }

    /** @return the index of a service's virtual address */
    int vipIndex(int s) {
        return vipOf[s];
    }

    /** @return the index of an IPv4 virtual address, or -1 if no service has it */
    int vip4(int address) {
        for (int s = 0; s < services.length; s++) {
            if (version[s] == 4 && address4[s] == address && mark[s] == 0) {
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
            if (version[s] == 6 && mark[s] == 0 && address6.get(NetworkOrder.U64, 16L * s + 8) == low
                    && address6.get(NetworkOrder.U64, 16L * s) == high) {
                return vipOf[s];
            }
        }
        return -1;
    }

    /** @return the IPv4 service of a protocol, address and port, or -1 */
    int find(int proto, int address, int destinationPort) {
        for (int s = 0; s < services.length; s++) {
            if (address4[s] == address && port[s] == destinationPort && protocol[s] == proto && version[s] == 4
                    && mark[s] == 0) {
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
            if (version[s] == 6 && port[s] == destinationPort && protocol[s] == proto && mark[s] == 0
                    && address6.get(NetworkOrder.U64, 16L * s + 8) == low
                    && address6.get(NetworkOrder.U64, 16L * s) == high) {
                return s;
            }
        }
        return -1;
    }

    /**
     * Finds the firewall-mark service of a packet's mark and IP version, as IPVS's
     * {@code ip_vs_service_find} looks up fwmark services first: by mark and family alone, the
     * protocol aside.
     *
     * @param ipVersion 4 or 6
     * @param fwmark the packet's mark, 0 for none
     * @return the service, or -1
     */
    int findMark(int ipVersion, int fwmark) {
        if (fwmark == 0) {
            return -1;
        }
        for (int s = 0; s < services.length; s++) {
            if (mark[s] == fwmark && version[s] == ipVersion) {
                return s;
            }
        }
        return -1;
    }

    /** @return whether there are fwmark services, which are served while the director runs */
    boolean hasMarks() {
        return marks4.length > 0;
    }

    /** @return the distinct marks of the IPv4 firewall-mark services, ascending (empty if none) */
    int[] marks4() {
        return marks4.clone();
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
            if (version[s] == 6 && mark[s] == 0 && address6.get(NetworkOrder.U64, 16L * s + 8) == low
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

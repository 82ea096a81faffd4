package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.ConnectionTableBuilder;
import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.PacketDirection;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropCounters;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.time.NanoClock;
import io.lvs4j.transport.epoll.internal.FanoutProgram;
import io.lvs4j.transport.epoll.internal.LoopCounters;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A layer-4 director in user space over a {@link PacketSocketGroup}, forwarding each virtual
 * service by its {@link Forwarding} method: direct routing (LVS-DR: the destination MAC becomes
 * the real server's), NAT (LVS-NAT: destination address and port rewritten, the real servers'
 * replies rewritten back), tunnelling or full-NAT. It owns its VIPs through ARP (answers
 * requests, sends gratuitous ARPs), resolves its real servers' MACs by ARP and, for every frame
 * to a virtual service, finds or creates the connection (scheduler pick) and hands the frame to
 * the service's forwarder.
 *
 * <p>The VIPs are never put on a kernel interface, so the director's kernel never answers for
 * them (no ARP reply, no TCP reset, no ICMP port unreachable). The packet sockets see every frame
 * the kernel sees, so the kernel must not forward them either: keep IP forwarding off in the
 * director's network namespace ({@code net.ipv4.ip_forward=0} and
 * {@code net.ipv6.conf.all.forwarding=0}, the defaults of a new namespace, which the lab keeps);
 * the kernel then drops the frames the director forwards itself (the VIP's, and for NAT the real
 * servers' replies to clients) without a word: with forwarding off it sends no ICMP error and no
 * redirect for them. A host that must forward other traffic can leave forwarding on and drop
 * these frames in the kernel's forward path instead, which the packet sockets see before
 * netfilter does, for example with nftables: {@code nft add rule inet filter forward ip daddr
 * <VIP> drop} and, for NAT, {@code nft add rule inet filter forward ip saddr <real server> tcp
 * sport <port> drop} (in a {@code forward} base chain), and turn off {@code send_redirects}.
 *
 * <p>Each loop owns its connection table (the fanout keeps a flow on one loop), its drop
 * counters and its counters; reads sum them. Every drop is counted by reason; frames
 * for neither a virtual service nor a VIP nor a known connection are left alone. The data path
 * follows the virtual services' real servers as health checks or the user change them
 * ({@link #syncDestinations()}): a removed server gets no new connection but keeps its existing
 * ones; a server added again gets traffic again; a server never seen before is forwarded to
 * once the director has seen it (within 100 ms) and resolved its MAC.
 *
 * <p>IPv6 virtual services are owned through Neighbor Discovery instead of ARP
 * ({@link NeighbourDiscovery}: solicitations for the VIP answered while active, unsolicited
 * advertisements where IPv4 VIPs get gratuitous ARPs, real servers solicited from the
 * director's own IPv6 address, {@link Builder#directorAddress6}); their connections live in a
 * second, IPv6 table of each loop. A director with an IPv6 service steers its frames to the
 * loops by the client's address of either family, as for NAT
 * ({@link PacketSocketOptions.Fanout#CLIENT_ADDRESS}).
 *
 * <p>NAT ({@link NatForwarder}, IPv4 and IPv6) replies go back to the MAC address the
 * connection's client frames came from (the client itself or the router in front of the
 * director), so the director needs no routing table of its own. A director with a NAT service
 * steers frames by the client's address in both directions
 * ({@link PacketSocketOptions.Fanout#CLIENT_ADDRESS}, IPv6 too), so that a real server's reply
 * reaches the loop that owns its connection.
 *
 * <p>Full-NAT ({@link Forwarding#fullNat()}, DPVS's FNAT) rewrites both ends: a client's packets
 * reach the real server from one of the director's local addresses
 * ({@link Builder#localAddresses}) and a local port chosen per connection, so real servers in
 * another network answer the director without any route to the clients; their replies are
 * rewritten back to come from the VIP, as are ICMP errors about full-NAT connections in both
 * directions. Local addresses are owned in user space like VIPs (ARP answered and announced,
 * never on a kernel interface). Each loop hands out the local ports of its residue (port modulo
 * the number of loops) and the fanout program steers frames to a local address by their
 * destination port, so replies reach the loop owning their connection; a connection for which
 * no local port is free is refused (its SYN dropped and counted in
 * {@link DirectorCounter#DROP_LOCAL_PORT_EXHAUSTED}). IPv6 services get IPv6 local addresses,
 * owned through Neighbor Discovery, and their replies are steered by local port too; IPv6
 * full-NAT translates no ICMPv6 errors.
 *
 * <p>A persistent virtual service ({@link VirtualService#persistence}) is scheduled as IPVS
 * does: a new connection first looks for a valid persistence template of its client (address
 * masked to the granularity), virtual address and port, and goes to that template's server;
 * only without one does the scheduler pick, and the pick becomes a new template (counted in the
 * server's PersistConn) that lives while it controls connections and for the timeout after. A
 * removed server's templates stop matching. Templates live in each loop's connection table; by
 * default the sockets' fanout steers by the client's IPv4 source address
 * ({@link PacketSocketOptions.Fanout#IPV4_SOURCE}), so all of a client's connections, and its
 * templates, are on one loop whatever the number of loops (for a granularity coarser than one
 * address, the clients of one masked range may still reach several loops). Socket options given to the builder
 * with {@link PacketSocketOptions.Fanout#FLOW_HASH} spread one client's connections over the
 * loops, and persistence then holds within a loop only.
 *
 * <p>Threading: build and {@link #start()} from a thread of the network namespace of the
 * interface; the read methods are thread-safe; the data path runs on the loops.
 */
public final class PacketDirector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PacketDirector.class);
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final int MIN_FRAME = 60;
    /** IPVS's default {@code conn_reuse_mode}: a SYN may reuse a tuple in TIME_WAIT or CLOSE. */
    private static final int CONN_REUSE_MODE = 1;

    private final Builder config;
    private final List<VirtualService> services;
    private final int[] vsAddress;
    /** Each service's IP version, and for IPv6 its VIP's 16 bytes at {@code 16 * s} of {@link #vsAddress6}. */
    private final int[] vsVersion;
    private final MemorySegment vsAddress6;
    private final List<byte[]> vips6 = new ArrayList<>();
    private final int[] vsPort;
    private final int[] vsProtocol;
    private final Forwarding[] forwarding;
    /** Whether some service sees its real servers' replies (NAT, full-NAT). */
    private final boolean seesReplies;
    private final AtomicReferenceArray<Map<ConnectionCounters, Integer>> idsByService;
    private final DestinationSet[] seenSets;
    private final int[] rsPort;
    private final Neighbours neighbours;
    private final DestinationRegistry registry;
    /** Full-NAT IPv4 local addresses, owned in user space as VIPs are; empty without full-NAT. */
    private final int[] localAddresses;
    /** Full-NAT IPv6 local addresses (16 bytes each), owned through Neighbor Discovery. */
    private final List<byte[]> localAddresses6;
    /** Whether an IPv4 service is full-NAT. */
    private final boolean hasFullNat;
    /** Whether an IPv6 service is full-NAT. */
    private final boolean hasFullNat6;
    private int loopCount = 1;
    private final List<LoopPath> paths = new CopyOnWriteArrayList<>();
    private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();
    private LinkInfo link;
    private int directorIp;
    private PacketSocketGroup group;
    private volatile boolean active;

    private PacketDirector(Builder config) {
        this.config = config;
        this.active = config.active;
        this.services = List.copyOf(config.services);
        this.forwarding = config.forwardings.toArray(Forwarding[]::new);
        int n = services.size();
        vsAddress = new int[n];
        vsVersion = new int[n];
        vsAddress6 = MemorySegment.ofArray(new byte[16 * Math.max(1, n)]);
        vsPort = new int[n];
        vsProtocol = new int[n];
        boolean replies = false;
        idsByService = new AtomicReferenceArray<>(n);
        seenSets = new DestinationSet[n];
        for (int s = 0; s < n; s++) {
            VirtualService vs = services.get(s);
            if (vs.address() instanceof Inet4Address) {
                vsAddress[s] = ipv4(vs.address());
                vsVersion[s] = 4;
            } else {
                vsVersion[s] = 6;
                byte[] vip = vs.address().getAddress();
                MemorySegment.copy(MemorySegment.ofArray(vip), 0, vsAddress6, 16L * s, 16);
                if (vips6.stream().noneMatch(v -> Arrays.equals(v, vip))) {
                    vips6.add(vip);
                }
            }
            vsPort[s] = vs.port();
            vsProtocol[s] = vs.protocol().number();
            idsByService.set(s, Map.of());
            replies |= forwarding[s].method() == ForwardingMethod.MASQUERADE;
        }
        seesReplies = replies;
        localAddresses = config.localAddresses.stream().filter(a -> a instanceof Inet4Address)
                .mapToInt(PacketDirector::ipv4).toArray();
        localAddresses6 = config.localAddresses.stream().filter(a -> a instanceof Inet6Address)
                .map(InetAddress::getAddress).toList();
        boolean fullNat4 = false;
        boolean fullNat6 = false;
        for (int s = 0; s < n; s++) {
            if (forwarding[s].method() == ForwardingMethod.FULL_NAT) {
                fullNat4 |= vsVersion[s] == 4;
                fullNat6 |= vsVersion[s] == 6;
            }
        }
        hasFullNat = fullNat4;
        hasFullNat6 = fullNat6;
        rsPort = new int[config.maxRealServers];
        neighbours = new Neighbours(config.maxRealServers, config.neighbourRefresh.toNanos() * 3);
        registry = new DestinationRegistry(config.maxRealServers);
        syncDestinations();
    }

    /**
     * Follows the virtual services' real servers: a server seen for the first time gets a
     * destination id (its MAC is resolved from then on); ids of removed servers stay, so their
     * connections go on until they end and the server gets traffic again once it is back.
     * Control plane: called at build, every 100 ms while running, and by anyone who changed a
     * service and wants the change forwarded at once.
     *
     * @return how many servers were new
     */
    public synchronized int syncDestinations() {
        int added = 0;
        for (int s = 0; s < services.size(); s++) {
            DestinationSet set = services.get(s).destinations();
            if (set == seenSets[s]) {
                continue;
            }
            seenSets[s] = set;
            Map<ConnectionCounters, Integer> ids = idsByService.get(s);
            Map<ConnectionCounters, Integer> next = null;
            for (Map.Entry<ConnectionCounters, Integer> known : ids.entrySet()) {
                if (!contains(set, known.getKey())) {
                    registry.unavailable(known.getValue()); // its templates stop matching, as in IPVS
                }
            }
            for (int i = 0; i < set.size(); i++) {
                Destination d = set.get(i);
                if (d.server().address().getAddress().length != services.get(s).address().getAddress().length) {
                    LOG.warn("real server {} is not of the address family of {}: not forwarded to", d.server().endpoint(),
                            services.get(s));
                    continue;
                }
                Integer id = ids.get(d.counters());
                if (id != null) {
                    registry.register(id, d.counters(), d.server().weight());
                    continue;
                }
                if (neighbours.size() == neighbours.capacity()) {
                    LOG.warn("no destination id left for {} (maxRealServers {})", d.server().endpoint(),
                            neighbours.capacity());
                    continue;
                }
                if (next == null) {
                    next = new IdentityHashMap<>(ids);
                }
                int newId = neighbours.size();
                rsPort[newId] = d.server().port();
                registry.register(newId, d.counters(), d.server().weight());
                neighbours.add(d.server().address());
                next.put(d.counters(), newId);
                added++;
            }
            if (next != null) {
                idsByService.set(s, Collections.unmodifiableMap(next));
            }
        }
        if (added > 0 && !paths.isEmpty() && paths.get(0).loop != null) {
            LoopPath first = paths.get(0);
            first.loop.execute(first::resolve);
        }
        return added;
    }

    private static boolean contains(DestinationSet set, ConnectionCounters counters) {
        for (int i = 0; i < set.size(); i++) {
            if (set.get(i).counters() == counters) {
                return true;
            }
        }
        return false;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the packet sockets (one per loop, in the calling thread's namespace), starts
     * resolving the real servers and announces the VIPs with gratuitous ARPs.
     *
     * @return this director
     * @throws IOException if the interface or the sockets cannot be opened
     */
    public PacketDirector start() throws IOException {
        link = LinkInfo.of(config.interfaceName);
        directorIp = config.directorAddress == null ? 0 : ipv4(config.directorAddress);
        PacketSocketOptions options = config.options != null ? config.options
                : PacketSocketOptions.forInterface(config.interfaceName)
                        .withFanout(PacketSocketOptions.Fanout.IPV4_SOURCE);
        if (seesReplies || !vips6.isEmpty()) {
            // Replies must reach the loop that owns their connection, and IPv6 clients must spread
            // over the loops (the IPv4 source program sends every IPv6 frame to the first):
            // steer by the client's address.
            options = options.withClientFanout(virtualAddresses());
        }
        loopCount = 0;
        config.loops.forEach(loop -> loopCount++);
        if ((hasFullNat || hasFullNat6) && loopCount > 1
                && options.fanout() == PacketSocketOptions.Fanout.FLOW_HASH) {
            throw new IllegalStateException("full-NAT over " + loopCount
                    + " loops needs a classic BPF fanout, which steers replies by local port");
        }
        List<PacketSocket> sockets = new ArrayList<>();
        group = PacketSocketGroup.open(config.loops, options, socket -> {
            LoopPath path = newPath(socket::send);
            sockets.add(socket);
            return frame -> {
                if (path.onFrame(frame)) {
                    frame.forward();
                }
            };
        });
        if ((hasFullNat || hasFullNat6) && loopCount > 1) {
            steerRepliesByLocalPort(sockets.get(0), options);
        }
        for (int i = 0; i < paths.size(); i++) {
            LoopPath path = paths.get(i);
            path.loop = sockets.get(i).loop();
            timers.add(path.loop.scheduleAtFixedRate(path::tick, 100, 100, TimeUnit.MILLISECONDS));
        }
        LoopPath first = paths.get(0);
        long refresh = config.neighbourRefresh.toNanos();
        timers.add(first.loop.scheduleAtFixedRate(first::resolve, 0, Math.max(1, refresh / 4),
                TimeUnit.NANOSECONDS));
        timers.add(first.loop.scheduleAtFixedRate(this::syncDestinations, 100, 100, TimeUnit.MILLISECONDS));
        announce();
        LOG.info("director on {} ({}) for {} virtual service(s), {} loop(s)", link.name(), link.macString(),
                services.size(), paths.size());
        return this;
    }

    /**
     * Gives the fanout group the program that also steers real servers' replies to a local
     * address by their destination port, the local port whose residue names the owning loop.
     */
    private void steerRepliesByLocalPort(PacketSocket socket, PacketSocketOptions options) throws IOException {
        int[][] base = options.fanout() == PacketSocketOptions.Fanout.CLIENT_ADDRESS
                ? FanoutProgram.clientAddress(loopCount, options.fanoutVirtualAddresses())
                : FanoutProgram.ipv4Source(loopCount);
        try {
            socket.fanoutProgram(FanoutProgram.withLocalPorts(base, loopCount, hasFullNat ? localAddresses : new int[0],
                    hasFullNat6 ? localAddresses6 : List.of()));
        } catch (IOException e) {
            group.close();
            throw e;
        }
    }

    /** Sends the configured number of gratuitous ARPs for every VIP, at the configured interval. */
    public void announce() {
        LoopPath first = paths.get(0);
        for (int i = 0; i < config.garpCount; i++) {
            first.loop.schedule(first::gratuitous, config.garpInterval.toNanos() * i, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Starts or stops serving the VIPs, as a VRRP master or backup does: while inactive the
     * director neither answers ARP for the VIPs nor announces them nor forwards their frames (it
     * still resolves the real servers and keeps its connections); becoming active announces the
     * VIPs. Any thread.
     *
     * @param on whether to serve the VIPs
     */
    public void active(boolean on) {
        active = on;
        if (on && !paths.isEmpty()) {
            announce();
        }
    }

    /** @return whether the director serves its VIPs now */
    public boolean active() {
        return active;
    }

    /** @return the interface the director serves, as opened */
    public LinkInfo link() {
        return link;
    }

    /**
     * Tells whether a real server's MAC address is known and fresh.
     *
     * @param address the real server address
     * @return {@code true} if frames can be forwarded to it
     */
    public boolean resolved(InetAddress address) {
        for (int id = 0; id < neighbours.size(); id++) {
            if (neighbours.is(id, address) && neighbours.mac(id, System.nanoTime()) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sums a counter over the loops.
     *
     * @param counter the counter
     * @return its total
     */
    public long counter(DirectorCounter counter) {
        long sum = 0;
        for (LoopPath path : paths) {
            sum += path.counters.get(counter.ordinal());
        }
        return sum;
    }

    /**
     * Sums the drops of one parser reason over the loops.
     *
     * @param reason the reason
     * @return the total
     */
    public long drops(DropReason reason) {
        long sum = 0;
        for (LoopPath path : paths) {
            sum += path.drops.get(reason);
        }
        return sum;
    }

    /** @return the packet sockets' counters summed */
    public PacketSocketStatistics socketStatistics() {
        return group.statistics();
    }

    /** @return the connection tables' capacity summed over the loops ({@code ipvsadm}'s "size") */
    public long connectionCapacity() {
        return (long) config.connectionCapacity * paths.size();
    }

    /** @return full-NAT local ports handed out over all loops (one per live full-NAT connection) */
    public long localPortsInUse() {
        long sum = 0;
        for (LoopPath path : paths) {
            if (path.fullNat != null) {
                sum += path.fullNat.ports().inUse();
            }
            if (path.fullNat6 != null) {
                sum += path.fullNat6.ports().inUse();
            }
        }
        return sum;
    }

    /** @return the number of connection entries over all loops */
    public long connectionCount() {
        long sum = 0;
        for (LoopPath path : paths) {
            sum += path.table.size() + (path.table6 == null ? 0 : path.table6.size());
        }
        return sum;
    }

    /**
     * Lists the connections of every loop, as {@code ipvsadm -Lnc} would.
     *
     * @return the entries
     */
    public List<ConnectionEntry> connections() {
        List<ConnectionEntry> all = new ArrayList<>();
        for (LoopPath path : paths) {
            all.addAll(path.table.requestEntries().join());
            if (path.table6 != null) {
                all.addAll(path.table6.requestEntries().join());
            }
        }
        return all;
    }

    /** Stops the timers, closes the sockets and frees the connection tables. */
    @Override
    public void close() {
        timers.forEach(t -> t.cancel(false));
        if (group != null) {
            group.close();
        }
        for (LoopPath path : paths) {
            if (path.loop != null && !path.loop.isShuttingDown()) {
                path.loop.submit(path::release).awaitUninterruptibly(10, TimeUnit.SECONDS);
            } else {
                path.release();
            }
        }
    }

    /**
     * Makes the data path of one loop; {@link #start()} makes one per socket, tests make their own.
     *
     * @param sender where the path's own frames (ARP) go
     * @return the path, registered for the sums of counters
     */
    LoopPath newPath(FrameSender sender) {
        LoopPath path = new LoopPath(sender, paths.size());
        paths.add(path);
        return path;
    }

    /** Sets the interface and own address without opening sockets (for tests of the data path). */
    void bind(LinkInfo info, InetAddress address) {
        this.link = info;
        this.directorIp = address instanceof Inet4Address ? ipv4(address) : 0;
    }

    /** Sends a frame built by the data path. */
    @FunctionalInterface
    interface FrameSender {
        boolean send(MemorySegment frame, long offset, int length);
    }

    private int service(int protocol, int address, int port) {
        for (int s = 0; s < vsAddress.length; s++) {
            if (vsAddress[s] == address && vsPort[s] == port && vsProtocol[s] == protocol && vsVersion[s] == 4) {
                return s;
            }
        }
        return -1;
    }

    /** @return the distinct virtual addresses of the services */
    private List<InetAddress> virtualAddresses() {
        return services.stream().map(VirtualService::address).distinct().toList();
    }

    /** Tells whether the director owns an address: a VIP or a full-NAT local address. */
    private boolean ownsVip(int ip) {
        for (int s = 0; s < vsAddress.length; s++) {
            if (vsAddress[s] == ip && vsVersion[s] == 4) {
                return true;
            }
        }
        for (int address : localAddresses) {
            if (address == ip) {
                return true;
            }
        }
        return false;
    }

    /** @return the IPv6 virtual service of a protocol, 16 address bytes of a frame and a port, or -1 */
    private int service6(int protocol, MemorySegment frame, long address, int port) {
        long high = frame.get(NetworkOrder.U64, address);
        long low = frame.get(NetworkOrder.U64, address + 8);
        for (int s = 0; s < vsVersion.length; s++) {
            if (vsVersion[s] == 6 && vsPort[s] == port && vsProtocol[s] == protocol
                    && vsAddress6.get(NetworkOrder.U64, 16L * s + 8) == low
                    && vsAddress6.get(NetworkOrder.U64, 16L * s) == high) {
                return s;
            }
        }
        return -1;
    }

    private static int ipv4(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("the director handles IPv4 only: " + address);
        }
        byte[] b = address.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    /** The data path of one loop. Not thread-safe: its loop only. */
    final class LoopPath {
        private final FrameSender sender;
        private io.netty.channel.IoEventLoop loop;
        private final FrameParser parser = new FrameParser();
        private final DropCounters drops = new DropCounters();
        private final LoopCounters counters = new LoopCounters(DirectorCounter.values().length);
        private final ConnectionTable table;
        /** The IPv6 connections, {@code null} without an IPv6 virtual service. */
        private final ConnectionTable table6;
        private final NeighbourDiscovery ndp;
        private final FlowKey flow = new FlowKey();
        /** The parsed client frame's tuple, from its lookup to its insert. */
        private final FlowTuple tuple = new FlowTuple();
        private final Arena arena = Arena.ofShared();
        private final MemorySegment scratch = arena.allocate(MIN_FRAME);
        private final MemorySegment serverAddress = arena.allocate(16);
        private final EthernetHeader outEthernet = new EthernetHeader();
        private final ArpPacket outArp = new ArpPacket();
        private final PlainFrame plain = new PlainFrame();
        private final NatForwarder nat;
        private final FullNatForwarder fullNat;
        private final FullNatForwarder fullNat6;
        private final TunnelForwarder tunnel;
        private ReceivedFrame frame;
        private long now = System.nanoTime();
        private boolean released;

        LoopPath(FrameSender sender, int index) {
            this.sender = sender;
            this.fullNat = hasFullNat ? new FullNatForwarder(this, arena, config.connectionCapacity,
                    localAddresses, config.firstLocalPort, config.lastLocalPort, index % loopCount, loopCount)
                    : null;
            ConnectionTableBuilder tables = ConnectionTable.builder().capacity(config.connectionCapacity)
                    .registry(registry).clock(config.clock);
            if (fullNat != null) {
                tables.fullNat(fullNat::released);
            }
            this.table = tables.build();
            this.nat = seesReplies ? new NatForwarder(this, arena, config.connectionCapacity) : null;
            this.fullNat6 = hasFullNat6 ? FullNatForwarder.ipv6(this, arena, config.connectionCapacity,
                    localAddresses6, config.firstLocalPort, config.lastLocalPort, index % loopCount, loopCount) : null;
            ConnectionTableBuilder tables6 = ConnectionTable.builder().ipv6().capacity(config.connectionCapacity)
                    .registry(registry).clock(config.clock);
            if (fullNat6 != null) {
                tables6.fullNat(fullNat6::released);
            }
            this.table6 = vips6.isEmpty() ? null : tables6.build();
            if (nat != null && table6 != null) {
                nat.prepareIpv6(config.connectionCapacity);
            }
            List<byte[]> owned6 = new ArrayList<>(vips6);
            owned6.addAll(localAddresses6);
            this.ndp = new NeighbourDiscovery(neighbours, counters, drops, sender, arena,
                    config.directorAddress6 == null ? null : config.directorAddress6.getAddress(), owned6);
            this.tunnel = new TunnelForwarder(this, arena, paths.size() << 12,
                    config.directorAddress6 == null ? null : config.directorAddress6.getAddress());
        }

        /**
         * Handles one frame given by its memory alone (no offload state), rewriting it in place
         * when it is to be forwarded.
         *
         * @return {@code true} if the frame is to be sent on as rewritten
         */
        boolean onFrame(MemorySegment buffer, long offset, int length) {
            return onFrame(plain.wrap(buffer, offset, length));
        }

        /**
         * Handles one received frame, rewriting it in place when it is to be forwarded.
         *
         * @return {@code true} if the frame is to be sent on as rewritten
         */
        boolean onFrame(ReceivedFrame received) {
            frame = received;
            DropReason reason = parser.parse(received.buffer(), received.offset(), received.length());
            if (reason != DropReason.NONE) {
                drops.increment(reason);
                return false;
            }
            if (parser.etherType() == EthernetHeader.TYPE_ARP) {
                arp();
                return false;
            }
            if (parser.ipVersion() == 4) {
                return ipv4();
            }
            if (parser.ipVersion() == 6) {
                return ipv6();
            }
            counters.increment(DirectorCounter.IGNORED.ordinal());
            return false;
        }

        FrameParser parser() {
            return parser;
        }

        ReceivedFrame frame() {
            return frame;
        }

        ConnectionTable table() {
            return table;
        }

        /** @return the connection table of an IP version ({@code null} for 6 without an IPv6 service) */
        ConnectionTable table(int ipVersion) {
            return ipVersion == 6 ? table6 : table;
        }

        LinkInfo link() {
            return link;
        }

        LoopCounters counters() {
            return counters;
        }

        DropCounters drops() {
            return drops;
        }

        FrameSender sender() {
            return sender;
        }

        /** @return a real server's IPv4 address by destination id */
        int serverIpv4(int destinationId) {
            return neighbours.address(destinationId);
        }

        /** Copies a real server's IPv6 address (by destination id) into memory. */
        void serverIpv6(int destinationId, MemorySegment into, long offset) {
            neighbours.address6(destinationId, into, offset);
        }

        /** @return a real server's port by destination id */
        int serverPort(int destinationId) {
            return rsPort[destinationId];
        }

        /** @return the director's own IPv4 address: the source of tunnel packets */
        int directorAddress() {
            return directorIp;
        }

        /** @return the loop's clock reading, advanced by every tick (100 ms) */
        long now() {
            return now;
        }

        /** @return the MAC of a destination, 0 if unresolved (counted) */
        long serverMac(int destinationId) {
            long mac = neighbours.mac(destinationId, now);
            if (mac == 0) {
                counters.increment(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR.ordinal());
            }
            return mac;
        }

        private void arp() {
            ArpPacket arp = parser.arp();
            int sender = arp.senderIp();
            long senderMac = arp.senderMac();
            if (ownsVip(sender)) {
                if (senderMac != link.mac()) {
                    counters.increment(DirectorCounter.DROP_ARP_SPOOF.ordinal());
                }
                return;
            }
            neighbours.learn(sender, senderMac, now);
            if (arp.operation() == ArpPacket.OP_REQUEST && active && ownsVip(arp.targetIp())) {
                sendArp(ArpPacket.OP_REPLY, senderMac, arp.targetIp(), senderMac, sender);
                counters.increment(DirectorCounter.ARP_REPLIES.ordinal());
            } else {
                counters.increment(DirectorCounter.IGNORED.ordinal());
            }
        }

        private boolean ipv4() {
            EthernetHeader ethernet = parser.ethernet();
            int protocol = parser.protocol();
            int vip = parser.ipv4().destination();
            int port = parser.destinationPort();
            boolean toUs = active && ethernet.destination() == link.mac();
            int s = toUs ? service(protocol, vip, port) : -1;
            if (s < 0) {
                if (toUs && fullNat != null && fullNat.ownsLocal(vip)) {
                    return fullNat.fromServer();
                }
                if (toUs && parser.quotedVersion() == 4 && ownsVip(vip) && tunnelIcmp()) {
                    return false; // an ICMP error to a VIP about a tunnelled connection's reply: tunnelled on
                }
                if (toUs && fullNat != null && parser.quotedVersion() == 4 && ownsVip(vip)) {
                    int verdict = fullNat.icmpToServer(); // an ICMP error to a VIP, about a reply
                    if (verdict != FullNatForwarder.NOT_FULL_NAT) {
                        return verdict == FullNatForwarder.FORWARD;
                    }
                }
                if (toUs && nat != null && !ownsVip(vip)) {
                    return nat.fromServer();
                }
                if (toUs && nat != null && parser.quotedVersion() == 4) {
                    return nat.icmpToServer(); // an ICMP error to a VIP, about a reply
                }
                if (parser.fragment() && ownsVip(vip)) {
                    counters.increment(DirectorCounter.DROP_FRAGMENT.ordinal());
                } else {
                    counters.increment(DirectorCounter.IGNORED.ordinal());
                }
                return false;
            }
            if (parser.fragment() || !parser.hasPorts()) {
                counters.increment(DirectorCounter.DROP_FRAGMENT.ordinal());
                return false;
            }
            int clientPort = parser.sourcePort();
            int entry = track(table, table.lookup(tuple.fromClient(parser)), s, protocol, clientPort, port);
            if (entry == ConnectionTable.MISS) {
                return false;
            }
            return switch (forwarding[s].method()) {
                case DIRECT_ROUTE -> directRoute(table, entry);
                case MASQUERADE -> nat.toServer(entry);
                case FULL_NAT -> fullNat.toServer(entry);
                case TUNNEL -> tunnel.toServer(entry, forwarding[s]);
            };
        }

        /**
         * The IPv6 branch: Neighbor Discovery first, then, as for IPv4, a frame to a virtual
         * service to the director's MAC finds or creates its connection in the IPv6 table.
         */
        private boolean ipv6() {
            int protocol = parser.protocol();
            if (protocol == Ipv6Header.NEXT_ICMPV6
                    && ndp.onIcmpv6(parser, !frame.needsChecksum(), link.mac(), active, now)) {
                return false;
            }
            if (table6 == null) { // no IPv6 service: nothing to forward
                counters.increment(DirectorCounter.IGNORED.ordinal());
                return false;
            }
            MemorySegment segment = parser.segment();
            long vip = parser.destinationAddressOffset();
            int port = parser.destinationPort();
            boolean toUs = active && parser.ethernet().destination() == link.mac();
            if (toUs && fullNat6 != null && fullNat6.ownsLocal6(segment, vip) >= 0) {
                return fullNat6.fromServer(); // a real server's reply to an IPv6 local address
            }
            if (toUs && parser.quotedVersion() == 6 && ndp.owned(segment, vip) >= 0) {
                return icmpToServer6();
            }
            int s = toUs ? service6(protocol, segment, vip, port) : -1;
            if (s < 0) {
                if (toUs && nat != null && table6 != null && ndp.owned(segment, vip) < 0) {
                    return nat.fromServer(table6); // a real server's reply, or an error about a client's packet
                }
                if (parser.fragment() && ndp.owned(segment, vip) >= 0) {
                    counters.increment(DirectorCounter.DROP_FRAGMENT.ordinal());
                } else {
                    counters.increment(DirectorCounter.IGNORED.ordinal());
                }
                return false;
            }
            if (parser.fragment() || !parser.hasPorts()) {
                counters.increment(DirectorCounter.DROP_FRAGMENT.ordinal());
                return false;
            }
            int clientPort = parser.sourcePort();
            int entry = track(table6, table6.lookup(tuple.fromClient(parser)), s, protocol, clientPort, port);
            if (entry == ConnectionTable.MISS) {
                return false;
            }
            return switch (forwarding[s].method()) {
                case DIRECT_ROUTE -> directRoute(table6, entry);
                case TUNNEL -> tunnel.toServer6(entry, table6, forwarding[s]);
                case MASQUERADE -> nat.toServer(table6, entry);
                case FULL_NAT -> fullNat6.toServer(entry);
            };
        }

        /**
         * Tunnels an ICMP error sent to a VIP (by a router on the clients' side) about a reply of a
         * tunnelled connection to that connection's real server, as IPVS does, so that the
         * server's path MTU discovery works.
         *
         * @return {@code false} if the error is not about a tunnelled connection
         */
        private boolean tunnelIcmp() {
            int quoted = parser.quotedProtocol();
            if (quoted != Protocol.TCP.number() && quoted != Protocol.UDP.number()) {
                return false;
            }
            // The quoted reply read backwards: its destination is the client, its source the VIP.
            int entry = table.lookup(tuple.quotedToClient(parser));
            int s = entry == ConnectionTable.MISS ? -1
                    : service(quoted, table.virtualAddressIpv4(entry), table.virtualPort(entry));
            if (s < 0 || forwarding[s].method() != ForwardingMethod.TUNNEL) {
                return false;
            }
            counters.increment(DirectorCounter.ICMP_RELAYED.ordinal());
            tunnel.toServer(entry, forwarding[s]);
            return true;
        }

        /**
         * Relays an ICMPv6 error sent to a VIP (by a router on the clients' side: packet too big,
         * unreachable) about a reply of a direct-routing connection to that connection's real
         * server unchanged, as IPVS does, so that the server's path MTU discovery works.
         */
        private boolean icmpToServer6() {
            int quoted = parser.quotedProtocol();
            if (quoted != Protocol.TCP.number() && quoted != Protocol.UDP.number()) {
                counters.increment(DirectorCounter.IGNORED.ordinal());
                return false;
            }
            // The quoted reply read backwards: its destination is the client, its source the VIP.
            int entry = table6.lookup(tuple.quotedToClient(parser));
            int s = entry == ConnectionTable.MISS ? -1
                    : service6(quoted, table6.memory(), table6.virtualAddressOffset(entry), table6.virtualPort(entry));
            if (s >= 0 && forwarding[s].method() == ForwardingMethod.TUNNEL) {
                counters.increment(DirectorCounter.ICMP_RELAYED.ordinal());
                return tunnel.toServer6(entry, table6, forwarding[s]);
            }
            if (s >= 0 && forwarding[s].method() == ForwardingMethod.MASQUERADE) {
                return nat.icmpToServer(table6); // translated for the real server, not relayed
            }
            if (s < 0 || forwarding[s].method() != ForwardingMethod.DIRECT_ROUTE) {
                counters.increment(DirectorCounter.IGNORED.ordinal());
                return false;
            }
            long mac = serverMac(table6.destination(entry));
            if (mac == 0) {
                return false;
            }
            parser.ethernet().destination(mac).source(link.mac());
            counters.increment(DirectorCounter.ICMP_RELAYED.ordinal());
            return true;
        }

        /**
         * Follows the parsed client frame's connection (a lookup's result): a new SYN on a closing
         * tuple or a miss schedules a new connection, then the state advances.
         *
         * @return the entry, or {@link ConnectionTable#MISS} if the frame is dropped (counted)
         */
        private int track(ConnectionTable table, int found, int s, int protocol, int clientPort, int port) {
            boolean tcp = protocol == Protocol.TCP.number();
            int flags = parser.tcpFlags();
            int entry = found;
            if (entry != ConnectionTable.MISS && tcp && (flags & 0x12) == 0x02
                    && table.reusableByNewSyn(entry, CONN_REUSE_MODE) && table.expireNow(entry)) {
                entry = ConnectionTable.MISS; // a new SYN on a closing tuple is a new connection, as in IPVS
            }
            if (entry == ConnectionTable.MISS) {
                entry = connect(table, s, protocol, clientPort, port, tcp, flags);
                if (entry == ConnectionTable.MISS) {
                    return ConnectionTable.MISS;
                }
            }
            if (tcp) {
                table.onTcpPacket(entry, PacketDirection.INPUT, flags);
            } else {
                table.onPacket(entry);
            }
            return entry;
        }

        /** @return the scheduler's key of the parsed frame's flow, either family */
        private FlowKey flowKey(int protocol, int clientPort, int port) {
            if (parser.ipVersion() == 4) {
                return flow.ipv4(protocol, parser.ipv4().source(), clientPort, parser.ipv4().destination(), port);
            }
            MemorySegment f = parser.segment();
            long client = parser.sourceAddressOffset();
            long vip = parser.destinationAddressOffset();
            return flow.ipv6(protocol, f.get(NetworkOrder.U64, client), f.get(NetworkOrder.U64, client + 8), clientPort,
                    f.get(NetworkOrder.U64, vip), f.get(NetworkOrder.U64, vip + 8), port);
        }

        /** Puts a destination's address (4 or 16 bytes) at the start of {@code serverAddress}. */
        private void serverAddress(int id) {
            if (neighbours.ipv6(id)) {
                neighbours.address6(id, serverAddress, 0);
            } else {
                serverAddress.set(NetworkOrder.U32, 0, neighbours.address(id));
            }
        }

        /**
         * Schedules a new connection of the parsed frame in the table of its family (templates
         * first); {@link ConnectionTable#MISS} if dropped (counted).
         */
        private int connect(ConnectionTable table, int s, int protocol, int clientPort, int port, boolean tcp,
                int flags) {
            if (tcp && (flags & 0x12) != 0x02) { // only a SYN without ACK opens a connection
                counters.increment(DirectorCounter.DROP_NO_CONNECTION.ordinal());
                return ConnectionTable.MISS;
            }
            VirtualService service = services.get(s);
            int persistence = service.persistenceSeconds();
            int template = ConnectionTable.MISS;
            int id;
            if (persistence > 0) {
                template = table.lookupTemplate(tuple, service.persistenceGranularity()); // the frame's, from track
            }
            if (template != ConnectionTable.MISS) {
                id = table.destination(template);
            } else {
                Destination d = service.pick(flowKey(protocol, clientPort, port));
                Integer known = d == null ? null : idsByService.get(s).get(d.counters());
                if (known == null) {
                    counters.increment(DirectorCounter.DROP_NO_DESTINATION.ordinal());
                    return ConnectionTable.MISS;
                }
                id = known;
                if (persistence > 0) {
                    serverAddress(id);
                    template = table.insertTemplate(tuple.server(serverAddress, 0, rsPort[id]),
                            service.persistenceGranularity(), id, persistence);
                    if (template == ConnectionTable.MISS) {
                        drops.increment(DropReason.CONNECTION_TABLE_FULL);
                        return ConnectionTable.MISS;
                    }
                }
            }
            serverAddress(id);
            int entry = forwarding[s].method() != ForwardingMethod.FULL_NAT
                    ? table.insert(tuple.server(serverAddress, 0, rsPort[id]), id, forwarding[s].method(), template)
                    : parser.ipVersion() == 6 ? fullNat6.connect6(protocol, clientPort, port, id, template)
                    : fullNat.connect(protocol, parser.ipv4().source(), clientPort, parser.ipv4().destination(), port,
                            id, template);
            if (entry < 0) {
                if (entry == ConnectionTable.MISS) {
                    drops.increment(DropReason.CONNECTION_TABLE_FULL);
                }
                return ConnectionTable.MISS; // FullNatForwarder.NO_LOCAL_PORT was counted
            }
            counters.increment(DirectorCounter.NEW_CONNECTIONS.ordinal());
            return entry;
        }

        private boolean directRoute(ConnectionTable table, int entry) {
            long mac = serverMac(table.destination(entry));
            if (mac == 0) {
                return false;
            }
            parser.ethernet().destination(mac).source(link.mac());
            counters.increment(DirectorCounter.FORWARDED.ordinal());
            return true;
        }

        void tick() {
            now = System.nanoTime();
            table.expire();
            if (table6 != null) {
                table6.expire();
            }
        }

        void resolve() {
            long refresh = config.neighbourRefresh.toNanos();
            long t = System.nanoTime();
            for (int id = 0; id < neighbours.size(); id++) {
                if (neighbours.fresh(id, t, refresh)) {
                    continue;
                }
                if (neighbours.ipv6(id)) {
                    ndp.solicit(id, link.mac());
                } else {
                    sendArp(ArpPacket.OP_REQUEST, BROADCAST, directorIp, 0, neighbours.address(id));
                    counters.increment(DirectorCounter.ARP_REQUESTS.ordinal());
                }
            }
        }

        void gratuitous() {
            if (!active) {
                return;
            }
            for (int s = 0; s < vsAddress.length; s++) {
                if (vsVersion[s] == 4) {
                    sendArp(ArpPacket.OP_REQUEST, BROADCAST, vsAddress[s], 0, vsAddress[s]);
                    counters.increment(DirectorCounter.GRATUITOUS_ARPS.ordinal());
                }
            }
            for (int local : localAddresses) {
                sendArp(ArpPacket.OP_REQUEST, BROADCAST, local, 0, local);
                counters.increment(DirectorCounter.GRATUITOUS_ARPS.ordinal());
            }
            ndp.announce(link.mac());
        }

        private void sendArp(int operation, long to, int senderIp, long targetMac, int targetIp) {
            scratch.fill((byte) 0);
            outEthernet.wrap(scratch, 0).destination(to).source(link.mac()).etherType(EthernetHeader.TYPE_ARP);
            outArp.wrap(scratch, EthernetHeader.HEADER_LENGTH).ethernetIpv4().operation(operation)
                    .senderMac(link.mac()).senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
            sender.send(scratch, 0, MIN_FRAME);
        }

        void release() {
            if (!released) {
                released = true;
                table.close();
                if (table6 != null) {
                    table6.close();
                }
                arena.close();
            }
        }
    }

    /** Configures a {@link PacketDirector}. Not thread-safe. */
    public static final class Builder {
        private String interfaceName;
        private InetAddress directorAddress;
        private Inet6Address directorAddress6;
        private IoEventLoopGroup loops;
        private PacketSocketOptions options;
        private final List<VirtualService> services = new ArrayList<>();
        private final List<Forwarding> forwardings = new ArrayList<>();
        private int connectionCapacity = 1 << 20;
        private int garpCount = 5;
        private Duration garpInterval = Duration.ofMillis(200);
        private Duration neighbourRefresh = Duration.ofSeconds(5);
        private int maxRealServers = 1024;
        private boolean active = true;
        private NanoClock clock = NanoClock.SYSTEM;
        private final List<InetAddress> localAddresses = new ArrayList<>();
        private int firstLocalPort = io.lvs4j.core.conn.LocalPortPool.DEFAULT_FIRST_PORT;
        private int lastLocalPort = io.lvs4j.core.conn.LocalPortPool.DEFAULT_LAST_PORT;

        private Builder() {
        }

        /** @param name the interface facing clients and real servers @return this builder */
        public Builder interfaceName(String name) {
            this.interfaceName = name;
            return this;
        }

        /**
         * Sets the director's own IPv4 address on the interface, the sender of its ARP requests;
         * required when a virtual service is IPv4.
         *
         * @param address an IPv4 address
         * @return this builder
         */
        public Builder directorAddress(InetAddress address) {
            if (!(address instanceof Inet4Address)) {
                throw new IllegalArgumentException("an IPv4 address (see directorAddress6): " + address);
            }
            this.directorAddress = address;
            return this;
        }

        /**
         * Sets the director's own IPv6 address on the interface, the source of its neighbour
         * solicitations for IPv6 real servers; required when a virtual service is IPv6. The
         * interface should hold it (so that the kernel answers for it).
         *
         * @param address an IPv6 address
         * @return this builder
         */
        public Builder directorAddress6(Inet6Address address) {
            this.directorAddress6 = Objects.requireNonNull(address, "address");
            return this;
        }

        /** @param group the epoll event loops, one socket each @return this builder */
        public Builder loops(IoEventLoopGroup group) {
            this.loops = group;
            return this;
        }

        /**
         * @param value socket options; default {@link PacketSocketOptions#forInterface} with
         *        {@link PacketSocketOptions.Fanout#IPV4_SOURCE} fanout. A director with a NAT
         *        or an IPv6 service always steers by {@link PacketSocketOptions.Fanout#CLIENT_ADDRESS}
         *        over its VIPs (its real servers' replies must reach the loop of their connection;
         *        IPv6 clients spread over the loops).
         * @return this builder
         */
        public Builder socketOptions(PacketSocketOptions value) {
            this.options = value;
            return this;
        }

        /** @param vs a virtual service forwarded by direct routing, with its real servers @return this builder */
        public Builder virtualService(VirtualService vs) {
            return virtualService(vs, Forwarding.directRoute());
        }

        /**
         * Adds a virtual service forwarded by the given method (IPVS applies the method per real
         * server; lvs4j per virtual service, as keepalived's {@code lb_kind}).
         *
         * @param vs the virtual service, with its real servers
         * @param method how its packets reach the real servers
         * @return this builder
         */
        public Builder virtualService(VirtualService vs, Forwarding method) {
            Objects.requireNonNull(vs, "vs");
            Objects.requireNonNull(method, "method");
            services.add(vs);
            forwardings.add(method);
            return this;
        }

        /**
         * Sets the local addresses of full-NAT services: the sources the real servers see (DPVS's
         * {@code laddr}). They are owned in user space as VIPs are: the director answers ARP for
         * them and announces them; they must not be on a kernel interface, or the director's
         * kernel would answer the real servers' replies with resets. Put them in the real servers'
         * network, so that the real servers reach them without a route to the clients. Each local
         * address offers its ports once per group of real servers (16 groups by endpoint), and
         * costs about 2 MiB of local port pools over all loops with the default port range.
         *
         * @param addresses one or more addresses, none of them a VIP: IPv4 ones for IPv4 services,
         *        IPv6 ones (answered by Neighbor Discovery) for IPv6 services
         * @return this builder
         */
        public Builder localAddresses(InetAddress... addresses) {
            localAddresses.clear();
            for (InetAddress address : addresses) {
                localAddresses.add(Objects.requireNonNull(address, "address"));
            }
            return this;
        }

        /**
         * Sets the range of full-NAT local ports, default 1024-65535. Each loop hands out the
         * ports of its residue (port modulo the number of loops), per local address and group of
         * real servers.
         *
         * @param first the lowest port
         * @param last the highest port
         * @return this builder
         */
        public Builder localPortRange(int first, int last) {
            if (first < 1 || last > 65535 || first > last) {
                throw new IllegalArgumentException("port range must be within 1-65535: " + first + "-" + last);
            }
            this.firstLocalPort = first;
            this.lastLocalPort = last;
            return this;
        }

        /** @param entries connection table capacity per loop @return this builder */
        public Builder connectionCapacity(int entries) {
            this.connectionCapacity = entries;
            return this;
        }

        /**
         * Sets the gratuitous ARPs sent on {@link #start()} and {@link #announce()} (keepalived's
         * {@code garp_master_repeat} and {@code garp_interval}).
         *
         * @param count how many per VIP
         * @param interval the time between two
         * @return this builder
         */
        public Builder gratuitousArp(int count, Duration interval) {
            this.garpCount = count;
            this.garpInterval = interval;
            return this;
        }

        /**
         * Sets whether the director serves its VIPs from {@link PacketDirector#start()} on (default
         * true); a director following VRRP starts inactive.
         *
         * @param initially whether to serve the VIPs at start
         * @return this builder
         */
        public Builder active(boolean initially) {
            this.active = initially;
            return this;
        }

        /** @param interval how often real servers' MACs are confirmed; unconfirmed for 3 intervals they are dropped @return this builder */
        public Builder neighbourRefresh(Duration interval) {
            this.neighbourRefresh = interval;
            return this;
        }

        /** @param count how many distinct real servers (per virtual service) the director can ever know, default 1024 @return this builder */
        public Builder maxRealServers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxRealServers must be positive: " + count);
            }
            this.maxRealServers = count;
            return this;
        }

        /**
         * Sets the clock of the connection tables: connection and persistence timeouts.
         *
         * @param value the clock, default {@link NanoClock#SYSTEM}
         * @return this builder
         */
        public Builder clock(NanoClock value) {
            this.clock = Objects.requireNonNull(value, "value");
            return this;
        }

        /** @return the director, not started */
        public PacketDirector build() {
            if (interfaceName == null || loops == null || services.isEmpty()) {
                throw new IllegalStateException("interfaceName, loops and a virtual service are required");
            }
            for (VirtualService vs : services) {
                if (vs.address() instanceof Inet4Address ? directorAddress == null : directorAddress6 == null) {
                    throw new IllegalStateException("directorAddress"
                            + (vs.address() instanceof Inet4Address ? "" : "6") + " is required for " + vs);
                }
            }
            checkLocalAddresses();
            return new PacketDirector(this);
        }

        private void checkLocalAddresses() {
            for (int s = 0; s < services.size(); s++) {
                Class<?> family = services.get(s).address().getClass();
                if (forwardings.get(s).method() == ForwardingMethod.FULL_NAT
                        && localAddresses.stream().noneMatch(family::isInstance)) {
                    throw new IllegalStateException("a full-NAT service needs localAddresses of its family: "
                            + services.get(s));
                }
            }
            if (localAddresses.size() > 200) {
                throw new IllegalStateException("at most 200 local addresses: " + localAddresses.size());
            }
            for (InetAddress local : localAddresses) {
                if (services.stream().anyMatch(vs -> vs.address().equals(local))) {
                    throw new IllegalStateException("a local address cannot be a VIP: " + local);
                }
            }
        }
    }
}

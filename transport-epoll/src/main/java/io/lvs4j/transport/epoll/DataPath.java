package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.ConnectionTableBuilder;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.AddressOwner;
import io.lvs4j.transport.epoll.internal.FrameSender;
import io.netty.channel.IoEventLoop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The data path of one loop of a {@link PacketDirector}: parses each frame, asks the
 * {@link FrameClassifier} what it is, and hands it on: ARP and Neighbor Discovery to the
 * loop's {@link AddressOwner} and the {@link DestinationTable}'s MACs, a client's frame to the
 * {@link ConnectionTracker} and then to the {@link Forwarder} of its service's method, a real
 * server's reply or an ICMP error about a connection to the forwarder that owns it. It counts
 * every drop by reason, every event in {@link DirectorCounter}, and each destination's traffic.
 * It owns the loop's connection tables (one per address family) and its memory. It receives on
 * each of the director's interfaces ({@link DataLinks}, slot 0 the director's) and tells by
 * {@link #egress()} on which one a forwarded frame leaves; ARP is answered and sent per interface
 * with its MAC, Neighbor Discovery on the director's interface only.
 *
 * <p>Not thread-safe: its loop only, but for the counters' reads; allocation-free per frame.
 */
final class DataPath {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DataPath.class);

    private final Publication publication;
    private final DestinationTable destinations;
    private final PacketDirectorBuilder settings;
    private final LinkInfo link;
    private final DataLinks links;
    private final FrameParser parser = new FrameParser();
    private final FrameClassifier classifier = new FrameClassifier();
    private final PlainFrame plain = new PlainFrame();
    private final LoopCounters<DropReason> drops = new LoopCounters<>(DropReason.class);
    private final LoopCounters<DirectorCounter> counters = new LoopCounters<>(DirectorCounter.class);
    private final TrafficCounters traffic;
    private final Arena arena = Arena.ofShared();
    private final LoopContext context;
    private final AddressOwner owner;
    /** The address owner of each interface, {@link #owner} the first: ARP on that interface, with its MAC. */
    private final AddressOwner[] owners;
    private final NeighbourDiscovery ndp;
    private final ConnectionTracker tracker;
    private final ConnectionTable table;
    private final LookupPrepass prepass;
    /** The IPv6 connections, {@code null} until there is an IPv6 virtual service. */
    private ConnectionTable table6;
    private final FullNatForwarder fullNat4;
    private final FullNatForwarder fullNat6;
    /** NAT, {@code null} until there is a NAT virtual service. */
    private NatForwarder nat;
    private final Forwarder[] forwarders4 = new Forwarder[ForwardingMethod.values().length];
    private final Forwarder[] forwarders6 = new Forwarder[ForwardingMethod.values().length];
    private final NeighbourDiscovery.Served served6 = this::served6;
    private IoEventLoop loop;
    /** Connection sync: the sender and installer of this loop and its socket, {@code null} without sync. */
    private SyncSender sync;
    private SyncInstaller installer;
    private SyncSocket syncSocket;
    private final int index;
    private final int loops;
    private boolean released;
    /** Set once the control plane knows the real servers: kept connections may be taken over. */
    private boolean recoveryAllowed;
    /** The control plane's epoch this loop saw at its last tick (see {@link DestinationIds}). */
    private volatile long observedEpoch;

    /**
     * Makes the data path of one loop.
     *
     * @param publication the services and the serving switch, as the control plane publishes them
     * @param destinations the destinations, shared by the loops
     * @param settings the director's settings
     * @param links the interfaces, the director's first, with its own addresses
     * @param senders where the loop's own frames go, one sender per interface
     * @param index this loop's index in the fanout group
     * @param loops the number of loops
     */
    DataPath(Publication publication, DestinationTable destinations, PacketDirectorBuilder settings, DataLinks links,
            FrameSender[] senders, int index, int loops) {
        if (senders.length != links.size()) {
            throw new IllegalArgumentException("one sender per interface");
        }
        this.publication = publication;
        this.destinations = destinations;
        this.settings = settings;
        this.links = links;
        this.link = links.link(0);
        ServiceTable services = publication.services();
        int capacity = settings.connectionCapacity;
        traffic = new TrafficCounters(destinations.capacity());
        FrameSender sender = senders[0];
        context = new LoopContext(links, sender, counters, destinations, arena, System.nanoTime());
        owners = new AddressOwner[links.size()];
        for (int slot = 0; slot < owners.length; slot++) {
            owners[slot] = new AddressOwner(links.mac(slot), senders[slot], counters, arena);
        }
        owner = owners[0];
        byte[] self6 = settings.directorAddress6 == null ? null : settings.directorAddress6.getAddress();
        ndp = new NeighbourDiscovery(destinations, owner, counters, drops, sender, arena, self6);
        tracker = new ConnectionTracker(context, settings.expireNodestConn, drops, traffic);
        FullNatForwarder.LocalPortRange ports = new FullNatForwarder.LocalPortRange(settings.firstLocalPort,
                settings.lastLocalPort);
        // Full-NAT needs its records from the start, so it is ready whenever the director has
        // local addresses of a family, whether or not a full-NAT service uses them yet.
        fullNat4 = services.fullNat4() || services.locals4().length > 0 ? new FullNatForwarder(context, arena,
                capacity, services.locals4(), List.of(), ports, index % loops, loops) : null;
        fullNat6 = services.fullNat6() || !services.locals6().isEmpty() ? new FullNatForwarder(context, arena,
                capacity, new int[0], services.locals6(), ports, index % loops, loops) : null;
        this.index = index;
        this.loops = loops;
        table = tableBuilder(false, fullNat4).build();
        prepass = new LookupPrepass(table);
        Forwarder dr = new DirectRouteForwarder(context);
        Forwarder tunnel = new TunnelForwarder(context, arena, index << 12, self6);
        for (Forwarder[] byMethod : new Forwarder[][] {forwarders4, forwarders6}) {
            byMethod[ForwardingMethod.DIRECT_ROUTE.ordinal()] = dr;
            byMethod[ForwardingMethod.TUNNEL.ordinal()] = tunnel;
        }
        forwarders4[ForwardingMethod.FULL_NAT.ordinal()] = fullNat4;
        forwarders6[ForwardingMethod.FULL_NAT.ordinal()] = fullNat6;
        prepare(services);
    }

    /**
     * Readies this loop for a service table before the control plane publishes it: the IPv6
     * connection table once there is an IPv6 service, NAT once there is a NAT service (both
     * stay, whatever later tables hold), and the addresses answered for (those of the table
     * added to those answered so far; {@link #own} sets them exactly once it is published).
     * Its loop only (or before the loop runs).
     *
     * @param next the table about to be published
     */
    void prepare(ServiceTable next) {
        int capacity = settings.connectionCapacity;
        if (table6 == null && !next.vips6().isEmpty()) {
            table6 = tableBuilder(true, fullNat6).build();
        }
        if (nat == null && next.seesReplies()) {
            nat = new NatForwarder(context, arena, capacity, table6 == null ? 0 : capacity);
            forwarders4[ForwardingMethod.MASQUERADE.ordinal()] = nat;
            forwarders6[ForwardingMethod.MASQUERADE.ordinal()] = nat;
        }
        if (nat != null && table6 != null) {
            nat.ipv6(capacity);
        }
        ServiceTable current = publication.services();
        List<byte[]> owned6 = new ArrayList<>(current.owned6());
        owned6.addAll(next.owned6());
        int[] owned4 = IntStream.concat(Arrays.stream(current.owned4()), Arrays.stream(next.owned4())).toArray();
        for (AddressOwner o : owners) {
            o.own(owned4, owned6);
        }
    }

    /**
     * Answers ARP and Neighbor Discovery for exactly the addresses of a published table. Its loop only.
     *
     * @param published the table the loops now read
     */
    void own(ServiceTable published) {
        for (AddressOwner o : owners) {
            o.own(published.owned4(), published.owned6());
        }
    }

    private ConnectionTableBuilder tableBuilder(boolean ipv6, FullNatForwarder fullNat) {
        ConnectionTableBuilder b = ConnectionTable.builder().capacity(settings.connectionCapacity)
                .registry(destinations.registry()).clock(settings.clock).timeouts(settings.timeouts)
                .floodDefense(settings.floodDefense);
        if (ipv6) {
            b.ipv6();
        }
        if (fullNat != null) {
            b.fullNat(fullNat::released);
            if (settings.tableDirectory != null && index == 0) {
                LOG.info("the IPv{} connection tables hold full-NAT connections: kept in memory only, not in {}",
                        ipv6 ? 6 : 4, settings.tableDirectory);
            }
        } else if (settings.tableDirectory != null) {
            new KeptConnections(destinations).keep(b, settings.tableDirectory, settings.tableName, ipv6, index, loops);
        }
        return b;
    }

    /**
     * Handles one frame given by its memory alone (no offload state), rewriting it in place
     * when it is to be forwarded.
     *
     * @return {@code true} if the frame is to be sent on as rewritten
     */
    boolean onFrame(MemorySegment buffer, long offset, int length) {
        return onFrame(plain.wrap(buffer, offset, length), 0);
    }

    /**
     * Handles one frame given by its memory alone, received on an interface of the director.
     *
     * @param slot the interface's slot in the {@link DataLinks}
     * @return {@code true} if the frame is to be sent on as rewritten, on {@link #egress()}
     */
    boolean onFrame(MemorySegment buffer, long offset, int length, int slot) {
        return onFrame(plain.wrap(buffer, offset, length), slot);
    }

    /**
     * Handles one frame received on the director's interface, rewriting it in place when it is to be forwarded.
     *
     * @return {@code true} if the frame is to be sent on as rewritten
     */
    boolean onFrame(ReceivedFrame frame) {
        return onFrame(frame, 0);
    }

    /**
     * Handles one received frame, rewriting it in place when it is to be forwarded.
     *
     * @param frame the frame
     * @param slot the slot of the interface it came in on
     * @return {@code true} if the frame is to be sent on as rewritten, on the interface of {@link #egress()}
     */
    boolean onFrame(ReceivedFrame frame, int slot) {
        context.received(slot);
        DropReason reason = parser.parse(frame.buffer(), frame.offset(), frame.length());
        if (reason != DropReason.NONE) {
            drops.increment(reason);
            return false;
        }
        ServiceTable services = publication.services();
        switch (classifier.classify(parser, services, links.mac(slot), publication, frame.mark())) {
            case ARP -> arp(services, owners[slot]);
            case NEIGHBOUR_DISCOVERY -> {
                if (slot == 0) { // IPv6 is served on the director's interface only
                    ndp.onIcmpv6(parser, !frame.needsChecksum(), link.mac(), served6, context.now());
                } else {
                    counters.increment(DirectorCounter.IGNORED);
                }
            }
            case TO_SERVICE -> {
                return toService(frame, services, classifier.service());
            }
            case TO_LOCAL_ADDRESS -> {
                return fromServer(frame, parser.ipVersion() == 4 ? fullNat4 : fullNat6);
            }
            case FROM_SERVER -> {
                return fromServer(frame, nat);
            }
            case ICMP_TO_VIRTUAL_ADDRESS -> {
                return icmpToVirtualAddress(frame, services);
            }
            case FRAGMENT -> counters.increment(DirectorCounter.DROP_FRAGMENT);
            case NOT_OURS -> counters.increment(DirectorCounter.IGNORED);
        }
        return false;
    }

    /**
     * Shows one frame of a received batch before the batch is handled ({@link FrameHandler#preview}):
     * notes its IPv4 connection lookup, whose memory reads {@link #previewed()} starts; changes nothing.
     */
    void preview(MemorySegment memory, long offset, int length) {
        prepass.add(memory, offset, length, publication.services(), nat != null || fullNat4 != null);
    }

    /** Starts the memory reads of the lookups of the frames previewed since the last call. */
    void previewed() {
        prepass.run();
    }

    /**
     * Sets from how many live IPv4 connections the pre-pass of {@link #preview} runs
     * ({@link LookupPrepass#MIN_ENTRIES} unless set); for tests and benchmarks.
     *
     * @param entries the live entries, 0 for always
     */
    void prepassFrom(long entries) {
        prepass.minEntries(entries);
    }

    /** @return whether a batch received now is to be {@linkplain #preview previewed}: the pre-pass pays at this table size */
    boolean prepassing() {
        return prepass.active();
    }

    /** @return the slot of the interface the last frame forwarded is to leave on */
    int egress() {
        return context.egress();
    }

    private void arp(ServiceTable services, AddressOwner owner) {
        ArpPacket arp = parser.arp();
        if (owner.claimed(arp)) {
            return;
        }
        destinations.learn(arp.senderIp(), arp.senderMac(), context.now());
        int target = arp.targetIp();
        boolean served = services.isLocal(target) ? publication.any() || services.hasMarks()
                : publication.serving(services.vip4(target));
        if (!served || !owner.answer(arp)) {
            counters.increment(DirectorCounter.IGNORED);
        }
    }

    /** Whether the director answers for an IPv6 address now: a VIP it serves, or a local address while it serves any. */
    private boolean served6(MemorySegment memory, long offset) {
        ServiceTable services = publication.services();
        return services.local6(memory, offset) >= 0 ? publication.any()
                : publication.serving(services.vip6(memory, offset));
    }

    private boolean toService(ReceivedFrame frame, ServiceTable services, int s) {
        ConnectionTable connections = table(parser.ipVersion());
        Forwarding forwarding = services.forwarding(s);
        Forwarder forwarder = forwarder(forwarding);
        int entry = tracker.track(parser, connections, services.slot(s), forwarder, services.sloppy(s));
        if (entry == ConnectionTable.MISS) {
            return false;
        }
        if (sync != null) {
            if (tracker.created()) {
                sync.created(connections, entry);
            }
            sync.onPacket(connections, entry);
        }
        traffic.in(connections.destination(entry), packetLength());
        return forwarder.toServer(parser, frame, connections, entry, forwarding);
    }

    private boolean fromServer(ReceivedFrame frame, Forwarder forwarder) {
        ConnectionTable connections = table(parser.ipVersion());
        int entry = forwarder.fromServer(parser, frame, connections);
        if (entry == ConnectionTable.MISS) {
            return false;
        }
        traffic.out(connections.destination(entry), packetLength());
        return true;
    }

    /**
     * An ICMP error to a virtual address quoting a reply of a connection (virtual address and
     * port to client, read backwards to find the connection) goes to the forwarder of the
     * connection's service.
     */
    private boolean icmpToVirtualAddress(ReceivedFrame frame, ServiceTable services) {
        int quoted = parser.quotedProtocol();
        if (quoted != Protocol.TCP.number() && quoted != Protocol.UDP.number()) {
            counters.increment(DirectorCounter.IGNORED);
            return false;
        }
        ConnectionTable connections = table(parser.ipVersion());
        int entry = connections.lookup(context.flow().quotedToClient(parser));
        if (entry == ConnectionTable.MISS) {
            counters.increment(DirectorCounter.IGNORED);
            return false;
        }
        int id = connections.destination(entry);
        ServiceSlot slot = destinations.owner(id);
        if (slot == null) {
            counters.increment(DirectorCounter.IGNORED); // its service was removed
            return false;
        }
        Forwarding forwarding = slot.forwarding();
        traffic.in(id, packetLength());
        return forwarder(forwarding).icmpToServer(parser, frame, connections, entry, forwarding);
    }

    private Forwarder forwarder(Forwarding forwarding) {
        return (parser.ipVersion() == 4 ? forwarders4 : forwarders6)[forwarding.method().ordinal()];
    }

    /** @return the length of the parsed IP packet, as IPVS counts bytes */
    private int packetLength() {
        return parser.ipVersion() == 4 ? parser.ipv4().totalLength()
                : Ipv6Header.HEADER_LENGTH + parser.ipv6().payloadLength();
    }

    /** @return the connection table of an IP version ({@code null} for 6 without an IPv6 service) */
    ConnectionTable table(int ipVersion) {
        return ipVersion == 6 ? table6 : table;
    }

    /** Advances the loop's clock, notes the control plane's epoch and expires due connections: every 100 ms. */
    void tick() {
        observedEpoch = destinations.epoch();
        context.now(System.nanoTime());
        table.expire();
        if (table6 != null) {
            table6.expire();
        }
        if (sync != null) {
            sync.tick(table, table6, table.now());
        }
        if (recoveryAllowed) {
            recoverKept();
        }
    }

    /**
     * Starts connection sync on this loop, or stops it. Its loop only.
     *
     * @param sender the loop's sender, or null to stop
     * @param socket what the sender sends through, closed when sync stops or the loop is released
     */
    void sync(SyncSender sender, SyncSocket socket) {
        closeSyncSocket();
        this.sync = sender;
        this.installer = sender == null ? null : new SyncInstaller(this, sender);
        this.syncSocket = socket;
    }

    /**
     * Installs a batch of a peer's sync records ({@link SyncInstaller}). Its loop only.
     *
     * @param records the records' fixed parts
     * @param length their bytes
     */
    void installSynced(MemorySegment records, long length) {
        if (installer != null && !released) {
            installer.install(records, length);
        }
    }

    /** A NAT connection a peer synced: it has no client MAC of its own until its first client frame here. */
    void syncedNat(int ipVersion, int entry) {
        if (nat != null) {
            nat.synced(ipVersion, entry);
        }
    }

    private void closeSyncSocket() {
        if (syncSocket != null) {
            syncSocket.close();
            syncSocket = null;
        }
    }

    /**
     * Takes over the connections a previous run kept in the tables' files, now and, for a table
     * made later (the IPv6 one), at its first tick (see {@link PacketDirector#recoverConnections}).
     * Its loop only.
     */
    void recoverKept() {
        recoveryAllowed = true;
        table.recoverKept();
        if (table6 != null) {
            table6.recoverKept();
        }
    }

    /** Asks for the MAC of every destination not confirmed within the refresh interval. */
    void resolve() {
        long refresh = settings.neighbourRefresh.toNanos();
        long t = System.nanoTime();
        for (int id = 0; id < destinations.size(); id++) {
            if (destinations.fresh(id, t, refresh) || !destinations.live(id)) {
                continue;
            }
            if (destinations.ipv6(id)) {
                ndp.solicit(id, link.mac());
            } else {
                int slot = destinations.egress(id);
                owners[slot].request(links.address(slot), destinations.address(id));
                counters.increment(DirectorCounter.ARP_REQUESTS);
            }
        }
    }

    /** Announces the addresses served now (gratuitous ARPs, unsolicited advertisements). */
    void gratuitous() {
        if (!publication.any()) {
            return;
        }
        ServiceTable services = publication.services();
        List<Integer> ipv4 = new ArrayList<>();
        List<byte[]> ipv6 = new ArrayList<>();
        for (int i = 0; i < services.vipCount(); i++) {
            InetAddress vip = services.vipAt(i);
            if (vip != null && publication.serving(i)) {
                if (vip instanceof Inet4Address) {
                    ipv4.add(ServiceTable.ipv4(vip));
                } else {
                    ipv6.add(vip.getAddress());
                }
            }
        }
        for (int local : services.locals4()) {
            ipv4.add(local);
        }
        ipv6.addAll(services.locals6());
        int[] addresses = ipv4.stream().mapToInt(Integer::intValue).toArray();
        owner.announce(addresses, ipv6);
        for (int slot = 1; slot < owners.length; slot++) {
            owners[slot].announce(addresses, List.of()); // IPv6 is served on the director's interface only
        }
    }

    /** @return the parts of this loop its forwarders share (for tests of a forwarder alone) */
    LoopContext context() {
        return context;
    }

    Publication publication() {
        return publication;
    }

    DestinationTable destinations() {
        return destinations;
    }

    LoopCounters<DropReason> drops() {
        return drops;
    }

    LoopCounters<DirectorCounter> counters() {
        return counters;
    }

    TrafficCounters traffic() {
        return traffic;
    }

    /** @return the control plane's epoch this loop saw at its last tick; any thread */
    long observedEpoch() {
        return observedEpoch;
    }

    /** @return full-NAT local ports in use on this loop */
    long localPortsInUse() {
        return (fullNat4 == null ? 0 : fullNat4.ports().inUse()) + (fullNat6 == null ? 0 : fullNat6.ports().inUse());
    }

    IoEventLoop loop() {
        return loop;
    }

    /**
     * Runs a task of the control plane on this path's loop and waits for it; at once if the path
     * has no loop (tests) or this is its loop.
     *
     * @param task the task
     * @throws IllegalStateException if the task failed on the loop
     */
    void onLoop(Runnable task) {
        if (loop == null || loop.inEventLoop()) {
            task.run();
            return;
        }
        io.netty.util.concurrent.Future<?> f = loop.submit(task).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException("a loop could not take the new services", f.cause());
        }
    }

    void loop(IoEventLoop value) {
        this.loop = value;
    }

    /** Frees the tables and the loop's memory; once. */
    void release() {
        if (!released) {
            released = true;
            sync(null, null);
            table.close();
            if (table6 != null) {
                table6.close();
            }
            arena.close();
        }
    }
}

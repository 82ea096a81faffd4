package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.status.TrafficStats;
import io.lvs4j.transport.epoll.internal.FrameSender;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
 * ({@link #syncDestinations()}): a removed server gets no new connection, and its existing ones
 * follow IPVS's {@code expire_nodest_conn} ({@link PacketDirectorBuilder#expireNodestConn}: by
 * default their packets are dropped and their entries kept until they expire); a quiesced
 * server (weight 0) keeps its connections; a server added again gets traffic again; a server
 * never seen before is forwarded to once the director has seen it (within 100 ms) and resolved
 * its MAC. The virtual services themselves may change while the director runs
 * ({@link #update}): added, removed, reordered; each keeps its identity, its servers' ids and
 * its traffic totals.
 *
 * <p>IPv6 virtual services are owned through Neighbor Discovery instead of ARP
 * ({@link NeighbourDiscovery}: solicitations for the VIP answered while active, unsolicited
 * advertisements where IPv4 VIPs get gratuitous ARPs, real servers solicited from the
 * director's own IPv6 address, {@link PacketDirectorBuilder#directorAddress6}); their connections live in a
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
 * <p>Besides its interface, the director may receive on server interfaces
 * ({@link PacketDirectorBuilder#serverInterface}, {@link DataSockets}), as the inside interface
 * of a two-interface LVS-NAT director; a frame leaves on the interface toward its next hop
 * ({@link DataLinks}), with that interface's MAC as source.
 *
 * <p>Full-NAT ({@link Forwarding#fullNat()}, DPVS's FNAT) rewrites both ends: a client's packets
 * reach the real server from one of the director's local addresses
 * ({@link PacketDirectorBuilder#localAddresses}) and a local port chosen per connection, so real servers in
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
 * <p>Shape: this class is the control plane. It publishes immutable snapshots that each loop
 * reads with one volatile read (the {@link ServiceTable} of services and owned addresses, the
 * {@link DestinationTable} of real servers by destination id) and sums what the loops count.
 * Each loop runs a {@link DataPath}, which classifies frames and hands them to the
 * {@link Forwarder} of their service's method.
 *
 * <p>Traffic is counted per real server and summed per virtual service as IPVS's
 * {@code ip_vs_stats} ({@link #traffic(VirtualService)}): connections, packets and bytes in
 * and, where replies pass the director (NAT, full-NAT), out.
 *
 * <p>Threading: build and {@link #start()} from a thread of the network namespace of the
 * interface; the read methods are thread-safe; the data path runs on the loops.
 */
public final class PacketDirector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PacketDirector.class);

    private final PacketDirectorBuilder settings;
    private final Publication publication;
    private final DestinationTable destinations;
    private final DestinationIds ids;
    private final List<DataPath> paths = new CopyOnWriteArrayList<>();
    private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();
    private int loopCount = 1;
    private LinkInfo link;
    private DataLinks links;
    private DataSockets sockets;
    private FanoutSteering steering;
    private XdpTransport xdp;
    /** Whether a VIP new with an update is served: yes while the director serves all its VIPs (no VRRP). */
    private volatile boolean serveNew;

    PacketDirector(PacketDirectorBuilder settings) {
        this.settings = settings;
        List<ServiceSlot> slots = new ArrayList<>();
        for (int s = 0; s < settings.services.size(); s++) {
            slots.add(new ServiceSlot(settings.services.get(s), settings.forwardings.get(s)));
        }
        ServiceTable services = new ServiceTable(slots, settings.localAddresses, settings.sloppyTcp, null);
        this.publication = new Publication(services, settings.active);
        this.serveNew = settings.active;
        this.destinations = new DestinationTable(settings.maxRealServers, settings.neighbourRefresh.toNanos() * 3);
        this.ids = new DestinationIds(destinations);
        syncDestinations();
    }

    /** @return a builder */
    public static PacketDirectorBuilder builder() {
        return new PacketDirectorBuilder();
    }

    /**
     * Follows the virtual services' real servers: a server seen for the first time gets a
     * destination id (its MAC is resolved from then on); a removed server keeps its id,
     * unavailable, so its connections are kept (and follow {@code expire_nodest_conn}) and it
     * gets traffic again under the same id once it is back; once its connections have ended its
     * id may go to a new server ({@link PacketDirectorBuilder#maxRealServers}). Control plane:
     * called at build, every 100 ms while running (on a loop: it never waits for one), and by
     * anyone who changed a service and wants the change forwarded at once.
     *
     * @return how many servers were new or came back
     */
    public int syncDestinations() {
        int added = ids.sync(publication.services().slots(), quiescentEpoch(), traffic());
        DataPath first = paths.isEmpty() ? null : paths.get(0);
        if (added > 0 && first != null && first.loop() != null) {
            first.loop().execute(first::resolve);
        }
        return added;
    }

    /**
     * Takes over the connections a previous run kept in the tables' files
     * ({@link PacketDirectorBuilder#keepConnections}) once the services hold their real servers
     * ({@link Director} calls it after its health checks' first sync): until then kept entries are
     * set aside; each loop gives them their server's id of this run, and drops those whose server
     * is in no service. Waits for every loop; does nothing a second time. Control plane.
     */
    public void recoverConnections() {
        syncDestinations();
        for (DataPath path : paths) {
            path.onLoop(path::recoverKept);
        }
    }

    /** @return the epoch every loop has ticked at or after; {@link Long#MAX_VALUE} with no loop */
    private long quiescentEpoch() {
        long min = Long.MAX_VALUE;
        for (DataPath path : paths) {
            min = Math.min(min, path.observedEpoch());
        }
        return min;
    }

    private List<TrafficCounters> traffic() {
        return paths.stream().map(DataPath::traffic).toList();
    }

    /**
     * Replaces the virtual services, as a reload or {@code ipvsadm -A/-D} does, while the
     * director runs: a service given again (the same object, forwarded the same way) keeps its
     * destination ids, its connections and its traffic totals, wherever it is in the new list; a
     * new one is served from now on (its VIP answered and, while active, announced); a removed
     * one is no longer served (its VIP left to the kernel unless another service has it, its
     * servers unavailable). A service whose forwarding changes is served as a new service: its
     * connections follow {@code expire_nodest_conn}. Each loop readies what the new services
     * need (NAT's reply path, the IPv6 table) before they are published. Control plane; any
     * thread of the interface's namespace.
     *
     * @param services the virtual services, at least one, unique by protocol, address and port
     * @param forwardings how each is forwarded, in the same order
     * @throws IllegalArgumentException if the lists differ in length, two services share their
     *     protocol, address and port, or a service needs what the director was not built with
     *     (its own address of an IPv6 service's family, local addresses for full-NAT, a fanout
     *     that steers replies)
     */
    public synchronized void update(List<VirtualService> services, List<Forwarding> forwardings) {
        ServiceTable current = publication.services();
        ServiceTable next = ServiceTable.following(current, services, forwardings, settings);
        int[][] program = steering == null ? null : steering.next(next);
        for (DataPath path : paths) {
            path.onLoop(() -> path.prepare(next));
        }
        if (program != null) {
            try {
                steering.apply(program);
            } catch (IOException e) {
                LOG.warn("cannot steer the new services' frames to their loops: {}", e.getMessage());
            }
        }
        if (sockets != null) {
            sockets.followMarks(current, next);
        }
        publication.services(next, serveNew);
        current.slots().stream().filter(gone -> !next.slots().contains(gone)).forEach(ids::forget);
        for (DataPath path : paths) {
            path.onLoop(() -> path.own(next));
        }
        syncDestinations();
        if (xdp != null) {
            xdp.refreshQuietly(true);
        }
        if (active() && !paths.isEmpty() && paths.get(0).loop() != null) {
            announce();
        }
        LOG.info("data path now serves {} virtual service(s)", next.size());
    }

    /**
     * Tells whether {@link #update} would take these services, changing nothing.
     *
     * @param services the virtual services
     * @param forwardings how each is forwarded
     * @throws IllegalArgumentException as {@link #update} would
     */
    void check(List<VirtualService> services, List<Forwarding> forwardings) {
        ServiceTable next = ServiceTable.following(publication.services(), services, forwardings, settings);
        if (steering != null) {
            steering.check(next);
        }
    }

    /**
     * Opens the packet sockets (one per loop, in the calling thread's namespace), starts
     * resolving the real servers and announces the VIPs with gratuitous ARPs.
     *
     * @return this director
     * @throws IOException if the interface or the sockets cannot be opened
     */
    public PacketDirector start() throws IOException {
        link = LinkInfo.of(settings.interfaceName);
        links = DataSockets.links(settings, link,
                settings.directorAddress == null ? 0 : ServiceTable.ipv4(settings.directorAddress));
        destinations.links(links);
        ServiceTable services = publication.services();
        loopCount = 0;
        settings.loops.forEach(loop -> loopCount++);
        FanoutSteering steer = new FanoutSteering(FanoutSteering.initial(settings.options, settings.interfaceName,
                services), loopCount, !settings.localAddresses.isEmpty());
        FrameSender[][] senders = DataSockets.senders(loopCount, links.size());
        for (FrameSender[] loopSenders : senders) {
            newPath(loopSenders);
        }
        sockets = DataSockets.open(settings.loops, links, steer, services, paths, senders);
        steering = steer;
        for (int i = 0; i < paths.size(); i++) {
            DataPath path = paths.get(i);
            path.loop(sockets.primary().get(i).loop());
            timers.add(path.loop().scheduleAtFixedRate(path::tick, 100, 100, TimeUnit.MILLISECONDS));
        }
        DataPath first = paths.get(0);
        long refresh = settings.neighbourRefresh.toNanos();
        timers.add(first.loop().scheduleAtFixedRate(first::resolve, 0, Math.max(1, refresh / 4),
                TimeUnit.NANOSECONDS));
        timers.add(first.loop().scheduleAtFixedRate(this::syncDestinations, 100, 100, TimeUnit.MILLISECONDS));
        xdp = settings.transport == Transport.XDP
                ? XdpTransport.openOrFallBack(link, links.size(), publication, destinations, paths) : null;
        announce();
        LOG.info("director on {} ({}) for {} virtual service(s), {} loop(s), transport {}", link.name(),
                link.macString(), services.size(), paths.size(), transport());
        return this;
    }

    /**
     * Sends the configured number of gratuitous ARPs (and unsolicited advertisements) for every
     * VIP served, at the configured interval; nothing before {@link #start()}.
     */
    public void announce() {
        DataPath first = paths.isEmpty() ? null : paths.get(0);
        if (first == null || first.loop() == null) {
            return;
        }
        for (int i = 0; i < settings.garpCount; i++) {
            first.loop().schedule(first::gratuitous, settings.garpInterval.toNanos() * i, TimeUnit.NANOSECONDS);
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
        boolean[] all = new boolean[publication.services().vipCount()];
        Arrays.fill(all, on);
        serveNew = on;
        publication.serve(all);
        if (on) {
            announce();
        }
    }

    /** @return whether the director serves any of its VIPs now */
    public boolean active() {
        return publication.any();
    }

    /**
     * Starts or stops serving one VIP, as the VRRP master or backup of the instance that holds it
     * does: the frames of its services, the answers to ARP and Neighbor Discovery for it, its
     * announcements. Becoming active announces it. Any thread.
     *
     * @param vip a virtual address of this director's services
     * @param on whether to serve it
     * @throws IllegalArgumentException if no service has that address
     */
    public void active(InetAddress vip, boolean on) {
        int index = publication.services().vipIndexOf(vip);
        if (index < 0) {
            throw new IllegalArgumentException("not a virtual address of this director: " + vip);
        }
        publication.serve(index, on);
        if (on) {
            announce();
        }
    }

    /**
     * Tells whether the director serves a VIP now.
     *
     * @param vip a virtual address
     * @return {@code true} if it is one of this director's and served now
     */
    public boolean active(InetAddress vip) {
        return publication.serving(publication.services().vipIndexOf(vip));
    }

    /** @return the interface the director serves, as opened */
    public LinkInfo link() {
        return link;
    }

    /** @return the virtual services, in the order they were added */
    public List<VirtualService> services() {
        return publication.services().services();
    }

    /**
     * Returns how a virtual service is forwarded.
     *
     * @param service one of {@link #services()}
     * @return its forwarding
     * @throws IllegalArgumentException if the service is not this director's
     */
    public Forwarding forwarding(VirtualService service) {
        return publication.services().forwarding(index(service));
    }

    private int index(VirtualService service) {
        int s = publication.services().indexOf(service);
        if (s < 0) {
            throw new IllegalArgumentException("not a service of this director: " + service);
        }
        return s;
    }

    private ServiceSlot slot(VirtualService service) {
        ServiceTable services = publication.services();
        int s = services.indexOf(service);
        if (s < 0) {
            throw new IllegalArgumentException("not a service of this director: " + service);
        }
        return services.slot(s);
    }

    /** @param address a real server address @return {@code true} if its MAC is known and fresh: frames can go to it */
    public boolean resolved(InetAddress address) {
        for (int id = 0; id < destinations.size(); id++) {
            if (destinations.is(id, address) && destinations.mac(id, System.nanoTime()) != 0) {
                return true;
            }
        }
        return false;
    }

    /** @param counter a counter @return its total over the loops */
    public long counter(DirectorCounter counter) {
        return LoopCounters.sum(paths.stream().map(DataPath::counters).toList(), counter);
    }

    /** @return the SYN-flood defence's counters by name, summed over the tables ({@link FloodCounters}); any thread */
    public Map<String, Long> floodCounters() {
        return FloodCounters.sum(paths);
    }

    /**
     * Sums the drops of one parser reason over the loops.
     *
     * @param reason the reason
     * @return the total
     */
    public long drops(DropReason reason) {
        return LoopCounters.sum(paths.stream().map(DataPath::drops).toList(), reason);
    }

    /**
     * Returns the traffic of a virtual service since it was first served, summed over its real
     * servers, present and removed, and over the loops, as {@code ipvsadm -Ln --stats} shows it.
     * It only grows, whatever services come and go around it.
     *
     * @param service one of {@link #services()}
     * @return its counters
     * @throws IllegalArgumentException if the service is not this director's
     */
    public TrafficStats traffic(VirtualService service) {
        return ids.service(slot(service), traffic());
    }

    /**
     * Returns the traffic of one real server of a virtual service since the director first
     * forwarded to it, summed over the loops.
     *
     * @param service one of {@link #services()}
     * @param server the counters of one of its destinations
     * @return its counters; zero for a server the director has not seen yet
     * @throws IllegalArgumentException if the service is not this director's
     */
    public TrafficStats traffic(VirtualService service, ConnectionCounters server) {
        int id = slot(service).id(server);
        return id < 0 ? TrafficStats.ZERO : ids.server(id, traffic());
    }

    /** @return the packet sockets' counters summed, and the AF_XDP sockets' with {@link Transport#XDP} */
    public PacketSocketStatistics socketStatistics() {
        return xdp == null ? sockets.statistics() : sockets.statistics().plus(xdp.statistics());
    }

    /** @return the AF_XDP accelerator, {@code null} on AF_PACKET alone */
    XdpTransport xdp() {
        return xdp;
    }

    /** @return the transport in use: {@code packet}, or {@code xdp (native)} or {@code xdp (generic)} */
    public String transport() {
        return xdp == null ? "packet" : xdp.describe();
    }

    /** @return the connection tables' capacity summed over the loops ({@code ipvsadm}'s "size") */
    public long connectionCapacity() {
        return (long) settings.connectionCapacity * paths.size();
    }

    /** @return full-NAT local ports handed out over all loops (one per live full-NAT connection) */
    public long localPortsInUse() {
        return paths.stream().mapToLong(DataPath::localPortsInUse).sum();
    }

    /**
     * One loop's share of the work, which shows how the fanout spreads clients over the loops.
     *
     * @param loop the loop's index in the fanout group
     * @param connections its connection entries now (both families, templates included)
     * @param newConnections the connections it scheduled since the start
     * @param forwarded the frames it sent on to real servers since the start
     */
    public record LoopStatistics(int loop, long connections, long newConnections, long forwarded) {
    }

    /** @return each loop's statistics, in fanout order */
    public List<LoopStatistics> loopStatistics() {
        List<LoopStatistics> all = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            DataPath path = paths.get(i);
            long entries = path.table(4).size() + (path.table(6) == null ? 0 : path.table(6).size());
            all.add(new LoopStatistics(i, entries, path.counters().get(DirectorCounter.NEW_CONNECTIONS),
                    path.counters().get(DirectorCounter.FORWARDED)));
        }
        return all;
    }

    /** @return the number of connection entries over all loops */
    public long connectionCount() {
        long sum = 0;
        for (DataPath path : paths) {
            sum += path.table(4).size() + (path.table(6) == null ? 0 : path.table(6).size());
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
        for (DataPath path : paths) {
            for (int version : new int[] {4, 6}) {
                ConnectionTable table = path.table(version);
                if (table != null) {
                    all.addAll(table.requestEntries().join());
                }
            }
        }
        return all;
    }

    /** Stops the timers, closes the sockets and frees the connection tables. */
    @Override
    public void close() {
        timers.forEach(t -> t.cancel(false));
        if (xdp != null) {
            xdp.close();
        }
        if (sockets != null) {
            sockets.close();
        }
        for (DataPath path : paths) {
            if (path.loop() != null && !path.loop().isShuttingDown()) {
                path.loop().submit(path::release).awaitUninterruptibly(10, TimeUnit.SECONDS);
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
    DataPath newPath(FrameSender... senders) {
        DataPath path = new DataPath(publication, destinations, settings, links, senders, paths.size(),
                Math.max(1, loopCount));
        paths.add(path);
        return path;
    }

    /** @return the loops' data paths, in fanout order (connection sync reaches them through this) */
    List<DataPath> paths() {
        return paths;
    }

    /** @return each loop's connection capacity, per address family */
    int loopCapacity() {
        return settings.connectionCapacity;
    }

    /** Sets the interface and own address without opening sockets (for tests of the data path). */
    void bind(LinkInfo info, InetAddress address) {
        bind(DataLinks.single(info, address instanceof java.net.Inet4Address ? ServiceTable.ipv4(address) : 0));
    }

    /** Sets the interfaces without opening sockets (for tests of the data path on several interfaces). */
    void bind(DataLinks value) {
        this.links = value;
        this.link = value.link(0);
        destinations.links(value);
    }
}

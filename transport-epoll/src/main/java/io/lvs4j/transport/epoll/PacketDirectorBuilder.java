package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTimeouts;
import io.lvs4j.core.conn.LocalPortPool;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.time.NanoClock;
import io.netty.channel.IoEventLoopGroup;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Configures a {@link PacketDirector}. Not thread-safe. */
public final class PacketDirectorBuilder {

    String interfaceName;
    InetAddress directorAddress;
    Inet6Address directorAddress6;
    IoEventLoopGroup loops;
    PacketSocketOptions options;
    final List<VirtualService> services = new ArrayList<>();
    final List<Forwarding> forwardings = new ArrayList<>();
    int connectionCapacity = 1 << 20;
    int garpCount = 5;
    Duration garpInterval = Duration.ofMillis(200);
    Duration neighbourRefresh = Duration.ofSeconds(5);
    int maxRealServers = 1024;
    boolean active = true;
    NanoClock clock = NanoClock.SYSTEM;
    ConnectionTimeouts timeouts = ConnectionTimeouts.DEFAULTS;
    boolean expireNodestConn;
    final List<InetAddress> localAddresses = new ArrayList<>();
    int firstLocalPort = LocalPortPool.DEFAULT_FIRST_PORT;
    int lastLocalPort = LocalPortPool.DEFAULT_LAST_PORT;
    boolean sloppyTcp;
    io.lvs4j.core.conn.FloodDefense floodDefense = io.lvs4j.core.conn.FloodDefense.OFF;
    java.nio.file.Path tableDirectory;
    String tableName;
    /** Further interfaces, real servers' sides, with the director's own IPv4 address on each. */
    final java.util.Map<String, InetAddress> serverInterfaces = new java.util.LinkedHashMap<>();
    Transport transport = Transport.PACKET;

    PacketDirectorBuilder() {
    }

    /**
     * Chooses the transport of the data path ({@link Transport#PACKET} by default).
     *
     * @param value the transport
     * @return this builder
     */
    public PacketDirectorBuilder transport(Transport value) {
        this.transport = Objects.requireNonNull(value, "transport");
        return this;
    }

    /** @param name the interface facing clients and real servers @return this builder */
    public PacketDirectorBuilder interfaceName(String name) {
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
    public PacketDirectorBuilder directorAddress(InetAddress address) {
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
    public PacketDirectorBuilder directorAddress6(Inet6Address address) {
        this.directorAddress6 = Objects.requireNonNull(address, "address");
        return this;
    }

    /**
     * Adds an interface real servers sit behind, beside the director's own
     * ({@link #interfaceName}), as the inside interface of an LVS-NAT director: the data path
     * receives on it too (one socket per loop), sends a client's frame on the interface whose
     * connected IPv4 subnet holds its real server (else on the director's), and a reply on the
     * interface its client's frames came in on; ARP there is answered and sent with that
     * interface's MAC. IPv6 and tunnelled real servers stay on the director's interface.
     *
     * @param name the interface, not the director's
     * @param address the director's own IPv4 address there, the sender of its ARP requests
     * @return this builder
     */
    public PacketDirectorBuilder serverInterface(String name, InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("an IPv4 address: " + address);
        }
        serverInterfaces.put(Objects.requireNonNull(name, "name"), address);
        return this;
    }

    /** @param group the epoll event loops, one socket each @return this builder */
    public PacketDirectorBuilder loops(IoEventLoopGroup group) {
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
    public PacketDirectorBuilder socketOptions(PacketSocketOptions value) {
        this.options = value;
        return this;
    }

    /** @param vs a virtual service forwarded by direct routing, with its real servers @return this builder */
    public PacketDirectorBuilder virtualService(VirtualService vs) {
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
    public PacketDirectorBuilder virtualService(VirtualService vs, Forwarding method) {
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
    public PacketDirectorBuilder localAddresses(InetAddress... addresses) {
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
    public PacketDirectorBuilder localPortRange(int first, int last) {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range must be within 1-65535: " + first + "-" + last);
        }
        this.firstLocalPort = first;
        this.lastLocalPort = last;
        return this;
    }

    /**
     * Sets IPVS's {@code sloppy_tcp} for every virtual service: a TCP packet other than a SYN
     * (but not a reset) that belongs to no connection opens one, scheduled as a SYN would be,
     * instead of being dropped. Off by default, as in IPVS; services scheduled by consistent
     * hashing ({@code mh}, {@code maglev}) with direct routing or tunnelling take such packets
     * anyway, so that a director that never saw a flow begin (after a failover, behind ECMP)
     * sends it where it was going.
     *
     * @param on whether any TCP packet may open a connection
     * @return this builder
     */
    public PacketDirectorBuilder sloppyTcp(boolean on) {
        this.sloppyTcp = on;
        return this;
    }

    /**
     * Keeps each loop's connection tables in files, so that the director started again with
     * the same configuration and number of loops (after a stop, a crash or a {@code kill -9})
     * keeps forwarding its established connections to the same real servers, with the time
     * they had left: {@code DIRECTORY/lvs4j-NAME-LOOP-ipv4} (and {@code -ipv6}), memory when
     * the directory is a tmpfs such as {@code /dev/shm}. A file that does not fit (another
     * capacity or loop count, foreign, truncated, corrupt) is refused with one log line and the
     * table starts empty; delete the files to start empty on purpose. Tables of a director with
     * full-NAT local addresses stay in memory (their local ports belong to the process). The
     * kept entries are taken over by {@link PacketDirector#recoverConnections()}, once the
     * services hold their real servers. Off by default.
     *
     * @param directory an existing directory
     * @param name the director's name in the files' names: letters, digits, '.', '_', '-'
     * @return this builder
     */
    public PacketDirectorBuilder keepConnections(java.nio.file.Path directory, String name) {
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("a table name of letters, digits, '.', '_' and '-': " + name);
        }
        this.tableDirectory = Objects.requireNonNull(directory, "directory");
        this.tableName = name;
        return this;
    }

    /**
     * Sets the connection tables' SYN-flood defence (IPVS's {@code drop_entry} and
     * {@code secure_tcp}, see {@link io.lvs4j.core.conn.FloodDefense}); off by default, as in IPVS.
     *
     * @param value the defence
     * @return this builder
     */
    public PacketDirectorBuilder floodDefense(io.lvs4j.core.conn.FloodDefense value) {
        this.floodDefense = Objects.requireNonNull(value, "value");
        return this;
    }

    /** @param entries connection table capacity per loop @return this builder */
    public PacketDirectorBuilder connectionCapacity(int entries) {
        this.connectionCapacity = entries;
        return this;
    }

    /**
     * Sets the gratuitous ARPs sent on {@link PacketDirector#start()} and {@link PacketDirector#announce()} (keepalived's
     * {@code garp_master_repeat} and {@code garp_interval}).
     *
     * @param count how many per VIP
     * @param interval the time between two
     * @return this builder
     */
    public PacketDirectorBuilder gratuitousArp(int count, Duration interval) {
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
    public PacketDirectorBuilder active(boolean initially) {
        this.active = initially;
        return this;
    }

    /** @param interval how often real servers' MACs are confirmed; unconfirmed for 3 intervals they are dropped @return this builder */
    public PacketDirectorBuilder neighbourRefresh(Duration interval) {
        this.neighbourRefresh = interval;
        return this;
    }

    /**
     * Sets how many real servers the director knows at once (its destination ids): servers of
     * its services, and removed servers whose connections have not ended yet; a removed server's
     * id goes to a new server once its connections have ended.
     *
     * @param count the number of destination ids, default 1024
     * @return this builder
     */
    public PacketDirectorBuilder maxRealServers(int count) {
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
    public PacketDirectorBuilder clock(NanoClock value) {
        this.clock = Objects.requireNonNull(value, "value");
        return this;
    }

    /**
     * Sets how long connection entries live without packets, per TCP state and for UDP
     * ({@code ipvsadm --set}, keepalived's {@code lvs_timeouts}).
     *
     * @param value the timeouts, default {@link ConnectionTimeouts#DEFAULTS} (IPVS's)
     * @return this builder
     */
    public PacketDirectorBuilder timeouts(ConnectionTimeouts value) {
        this.timeouts = Objects.requireNonNull(value, "value");
        return this;
    }

    /**
     * Sets IPVS's {@code expire_nodest_conn}: what becomes of a connection whose real server is
     * removed from its service (by a health check, a reload, a runtime change; a quiesced
     * server, weight 0, keeps its connections either way). Off (the default, as in IPVS), its
     * packets are dropped and the entry kept until it expires, so the connection goes on if the
     * server comes back; on, the entry is expired at its next packet, which is then scheduled as
     * a new connection if it can open one (a SYN, or UDP).
     *
     * @param on whether to expire such connections at once
     * @return this builder
     */
    public PacketDirectorBuilder expireNodestConn(boolean on) {
        this.expireNodestConn = on;
        return this;
    }

    /** @return the director, not started */
    public PacketDirector build() {
        if (interfaceName == null || loops == null || services.isEmpty()) {
            throw new IllegalStateException("interfaceName, loops and a virtual service are required");
        }
        if (serverInterfaces.containsKey(interfaceName)) {
            throw new IllegalStateException("the director's interface cannot also be a server interface: "
                    + interfaceName);
        }
        check(services, forwardings);
        return new PacketDirector(this);
    }

    /**
     * Checks services against the director's settings: its own address of each service's
     * family, local addresses for full-NAT services, no VIP among the local addresses.
     *
     * @throws IllegalStateException naming the first service that cannot be served
     */
    void check(List<VirtualService> list, List<Forwarding> methods) {
        for (VirtualService vs : list) {
            if (vs.isFwmark() && !(vs.address() instanceof Inet4Address)) {
                throw new IllegalStateException("lvs4j serves IPv4 fwmark services only: " + vs);
            }
            if (vs.address() instanceof Inet4Address ? directorAddress == null : directorAddress6 == null) {
                throw new IllegalStateException("directorAddress"
                        + (vs.address() instanceof Inet4Address ? "" : "6") + " is required for " + vs);
            }
        }
        for (int s = 0; s < list.size(); s++) {
            Class<?> family = list.get(s).address().getClass();
            if (methods.get(s).method() == ForwardingMethod.FULL_NAT
                    && localAddresses.stream().noneMatch(family::isInstance)) {
                throw new IllegalStateException("a full-NAT service needs localAddresses of its family: "
                        + list.get(s));
            }
        }
        if (localAddresses.size() > 200) {
            throw new IllegalStateException("at most 200 local addresses: " + localAddresses.size());
        }
        for (InetAddress local : localAddresses) {
            if (list.stream().anyMatch(vs -> vs.address().equals(local))) {
                throw new IllegalStateException("a local address cannot be a VIP: " + local);
            }
        }
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.conn.ConnectionTimeouts;
import io.lvs4j.core.conn.FloodDefense;
import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.SyncDaemonConfig;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.vrrp.ProcessScriptRunner;
import io.lvs4j.vrrp.ScriptRunner;
import io.lvs4j.vrrp.VrrpListener;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Configures a {@link Director}. Not thread-safe. */
public final class DirectorBuilder {
    String interfaceName;
    InetAddress directorAddress;
    Inet6Address directorAddress6;
    final List<InetAddress> localAddresses = new ArrayList<>();
    int loops = 1;
    Transport transport = Transport.PACKET;
    int connectionCapacity = 1 << 20;
    FloodDefense floodDefense = FloodDefense.OFF;
    Path tableDirectory;
    String tableName;
    int maxRealServers = 1024;
    ConnectionTimeouts timeouts = ConnectionTimeouts.DEFAULTS;
    boolean expireNodestConn;
    GarpConfig garp = GarpConfig.DEFAULTS;
    final List<DirectorService> services = new ArrayList<>();
    final List<VrrpInstanceConfig> instances = new ArrayList<>();
    final List<VrrpSyncGroupConfig> syncGroups = new ArrayList<>();
    ScriptRunner scriptRunner;
    final List<VrrpListener> listeners = new ArrayList<>();
    BgpConfig bgp;
    SyncDaemonConfig syncDaemon;
    final List<String> serverInterfaces = new ArrayList<>();

    DirectorBuilder() {
    }

    /**
     * Adds a listener of the VRRP instances' state changes: the Java form of keepalived's
     * notify scripts. It is called on an event loop after the director's own handling (the
     * VIPs taken or released, {@link Director#status()} up to date) and must not block.
     *
     * @param listener the listener
     * @return this builder
     */
    public DirectorBuilder vrrpListener(VrrpListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** @param name the interface facing clients, real servers and VRRP peers @return this builder */
    public DirectorBuilder interfaceName(String name) {
        this.interfaceName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Names a further interface real servers may sit behind, as the inside interface of an
     * LVS-NAT director: if one of its connected IPv4 subnets holds a real server at the start,
     * the data path receives on it too and forwards to those servers through it
     * ({@link PacketDirectorBuilder#serverInterface}), its own address there being its first IPv4
     * address that is no VRRP virtual address. {@link Director#fromConfig} names the interfaces
     * of the VRRP instances this way.
     *
     * @param name the interface
     * @return this builder
     */
    public DirectorBuilder serverInterface(String name) {
        Objects.requireNonNull(name, "name");
        if (!serverInterfaces.contains(name)) {
            serverInterfaces.add(name);
        }
        return this;
    }

    /** @param address the director's own address; default the interface's first IPv4 address @return this builder */
    public DirectorBuilder directorAddress(InetAddress address) {
        this.directorAddress = address;
        return this;
    }

    /**
     * Sets the director's own IPv6 address, the source of its neighbour solicitations; used
     * when a virtual service is IPv6.
     *
     * @param address an address of the interface; default its first global IPv6 address,
     *     else its link-local one
     * @return this builder
     */
    public DirectorBuilder directorAddress6(Inet6Address address) {
        this.directorAddress6 = Objects.requireNonNull(address, "address");
        return this;
    }

    /**
     * Sets the local addresses of the full-NAT services (see
     * {@link PacketDirectorBuilder#localAddresses}).
     *
     * @param addresses the addresses; none if no service is full-NAT
     * @return this builder
     */
    public DirectorBuilder localAddresses(List<InetAddress> addresses) {
        localAddresses.clear();
        localAddresses.addAll(List.copyOf(addresses));
        return this;
    }

    /**
     * Chooses the data path's transport: {@link Transport#PACKET} (the default) or
     * {@link Transport#XDP}, which falls back to the packet sockets where the kernel refuses it.
     *
     * @param value the transport
     * @return this builder
     */
    public DirectorBuilder transport(Transport value) {
        this.transport = Objects.requireNonNull(value, "transport");
        return this;
    }

    /** @param count event loops of the data path, default 1 @return this builder */
    public DirectorBuilder loops(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one loop: " + count);
        }
        this.loops = count;
        return this;
    }

    /**
     * Adds a virtual service whose real servers the checks manage (the service should have
     * no servers of its own: the checks put them in).
     *
     * @param service the virtual service, forwarded by direct routing
     * @param checks its real servers and their health checks
     * @return this builder
     */
    public DirectorBuilder virtualService(VirtualService service, ServiceChecks checks) {
        return virtualService(service, checks, Forwarding.directRoute());
    }

    /**
     * Adds a virtual service whose real servers the checks manage, forwarded by a method.
     *
     * @param service the virtual service
     * @param checks its real servers and their health checks
     * @param forwarding how its packets reach the real servers
     * @return this builder
     */
    public DirectorBuilder virtualService(VirtualService service, ServiceChecks checks, Forwarding forwarding) {
        services.add(new DirectorService(service, forwarding,
                new DirectorService.SchedulerSpec(service.scheduler().name(), Set.of()), checks));
        return this;
    }

    /**
     * @param entries connections each loop's table holds, default 2^20 ({@code ipvsadm}'s "size"
     *     is the sum over the loops)
     * @return this builder
     */
    public DirectorBuilder connectionCapacity(int entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("connection capacity must be positive: " + entries);
        }
        this.connectionCapacity = entries;
        return this;
    }

    /**
     * Keeps each loop's tables in files of a directory, so that a restart keeps the connections.
     *
     * @param directory where the tables live ({@link PacketDirectorBuilder#keepConnections}); off by default
     * @param name the director's name in the files' names
     * @return this builder
     */
    public DirectorBuilder keepConnections(Path directory, String name) {
        this.tableDirectory = Objects.requireNonNull(directory, "directory");
        this.tableName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * @param value the tables' SYN-flood defence ({@link PacketDirectorBuilder#floodDefense}), default off
     * @return this builder
     */
    public DirectorBuilder floodDefense(FloodDefense value) {
        this.floodDefense = Objects.requireNonNull(value, "value");
        return this;
    }

    /** @param count real servers known at once (see {@link PacketDirectorBuilder#maxRealServers}) @return this builder */
    public DirectorBuilder maxRealServers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("maxRealServers must be positive: " + count);
        }
        this.maxRealServers = count;
        return this;
    }

    /**
     * @param value connection timeouts (keepalived's {@code lvs_timeouts}, which
     *     {@link Director#fromConfig} applies), default IPVS's
     * @return this builder
     */
    public DirectorBuilder timeouts(ConnectionTimeouts value) {
        this.timeouts = Objects.requireNonNull(value, "value");
        return this;
    }

    /**
     * @param on IPVS's {@code expire_nodest_conn} (see {@link PacketDirectorBuilder#expireNodestConn}),
     *     default off
     * @return this builder
     */
    public DirectorBuilder expireNodestConn(boolean on) {
        this.expireNodestConn = on;
        return this;
    }

    /**
     * Adds a VRRP instance on the interface; its mastership serves the VIPs.
     *
     * @param instance the instance; without a source address it sends from the director's address
     * @return this builder
     */
    public DirectorBuilder vrrpInstance(VrrpInstanceConfig instance) {
        instances.add(Objects.requireNonNull(instance, "instance"));
        return this;
    }

    /**
     * Adds a sync group of VRRP instances, which change state together.
     *
     * @param group the group; its members are instances of this director
     * @return this builder
     */
    public DirectorBuilder syncGroup(VrrpSyncGroupConfig group) {
        syncGroups.add(Objects.requireNonNull(group, "group"));
        return this;
    }

    /**
     * Sets what runs the tracked and notify scripts of the VRRP instances and sync groups.
     *
     * @param runner the runner; default a {@link ProcessScriptRunner}
     * @return this builder
     */
    public DirectorBuilder scriptRunner(ScriptRunner runner) {
        this.scriptRunner = Objects.requireNonNull(runner, "runner");
        return this;
    }

    /**
     * Announces the VIPs over BGP while the director can serve them ({@code bgp_announce}).
     *
     * @param value the BGP daemon and its routers
     * @return this builder
     */
    public DirectorBuilder bgp(BgpConfig value) {
        this.bgp = Objects.requireNonNull(value, "value");
        return this;
    }

    /**
     * Syncs connections with a peer director as IPVS does ({@code lvs_sync_daemon}): this
     * director sends its connections while the named VRRP instance is MASTER and installs
     * its peer's otherwise.
     *
     * @param value the sync interface, the VRRP instance (one of this director's), sync id,
     *     maxlen, port, TTL, group or unicast peers (IPv4)
     * @return this builder
     */
    public DirectorBuilder syncDaemon(SyncDaemonConfig value) {
        this.syncDaemon = Objects.requireNonNull(value, "value");
        return this;
    }

    /** @param value gratuitous ARP settings when becoming master @return this builder */
    public DirectorBuilder garp(GarpConfig value) {
        this.garp = Objects.requireNonNull(value, "value");
        return this;
    }

    String interfaceName() {
        return interfaceName;
    }

    SyncDaemonConfig syncDaemon() {
        return syncDaemon;
    }

    ConnectionTimeouts timeouts() {
        return timeouts;
    }

    /** @return the director, not started */
    public Director build() {
        if (interfaceName == null || services.isEmpty() && instances.isEmpty()) {
            throw new IllegalStateException("interfaceName and a virtual service or a VRRP instance are required");
        }
        if (syncDaemon != null && instances.stream().noneMatch(i -> i.name().equals(syncDaemon.vrrpInstance()))) {
            throw new IllegalStateException("lvs_sync_daemon follows VRRP instance " + syncDaemon.vrrpInstance()
                    + ", which this director does not have");
        }
        return new Director(this);
    }
}

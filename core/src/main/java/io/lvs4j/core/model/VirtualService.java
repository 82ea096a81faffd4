package io.lvs4j.core.model;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A virtual service, {@code ipvsadm -A}: protocol, virtual address and port (or, for a
 * firewall-mark service, {@code ipvsadm -A -f MARK}, the mark, with the family's any-address and
 * port 0 as IPVS holds it), a scheduler, and the real servers in IPVS's list order (the most
 * recently added first).
 *
 * <p>Threading: the methods that change the service are the control plane's; they are
 * synchronized and publish a new immutable {@link DestinationSet} to the scheduler.
 * {@link #pick(FlowKey)} and {@link #destinations()} are lock-free and may be called from any
 * event loop (one volatile read of the scheduler, which {@link #scheduler(Scheduler)} may
 * replace). The {@link ConnectionCounters} of a server are kept after its removal, so that a
 * server removed and added again (as a health check does) finds its live connections counted.
 */
public final class VirtualService {

    private final Protocol protocol;
    private final InetAddress address;
    private final int port;
    private final int fwmark;
    private final int addressBits;
    private volatile Scheduler scheduler;
    private final List<RealServer> servers = new ArrayList<>();
    private final Map<String, ConnectionCounters> counters = new HashMap<>();
    private volatile DestinationSet destinations = DestinationSet.EMPTY;
    /** Persistence timeout in seconds (high bits) and granularity prefix length (low 8 bits); 0: none. */
    private volatile long persistence;
    private volatile boolean onePacket;
    private long generation;

    /**
     * Creates a virtual service with no real server.
     *
     * @param protocol the protocol
     * @param address the virtual address (VIP)
     * @param port the virtual port, 0 to 65535
     * @param scheduler the scheduler, used by this service alone
     */
    public VirtualService(Protocol protocol, InetAddress address, int port, Scheduler scheduler) {
        this(protocol, address, port, 0, scheduler);
    }

    private VirtualService(Protocol protocol, InetAddress address, int port, int fwmark, Scheduler scheduler) {
        this.fwmark = fwmark;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.address = Objects.requireNonNull(address, "address");
        this.addressBits = address.getAddress().length * 8;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        this.port = port;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        scheduler.update(DestinationSet.EMPTY);
    }

    /**
     * Creates a firewall-mark service with no real server, as {@code ipvsadm -A -f MARK}: it takes
     * the packets of its family that carry the mark ({@code skb->mark}), whatever their address
     * and port; its address is the family's any-address and its port 0. Its persistence keys on
     * the client and the mark, so one client sticks to one server across every marked address
     * and port.
     *
     * @param protocol the protocol, as configured (IPVS ignores it when matching a mark)
     * @param ipv6 whether the service takes IPv6 packets, else IPv4
     * @param fwmark the mark, above 0
     * @param scheduler the scheduler, used by this service alone
     * @return the service
     * @throws IllegalArgumentException if the mark is not above 0
     */
    public static VirtualService firewallMark(Protocol protocol, boolean ipv6, int fwmark, Scheduler scheduler) {
        if (fwmark <= 0) {
            throw new IllegalArgumentException("a firewall mark is above 0: " + fwmark);
        }
        try {
            InetAddress any = InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
            return new VirtualService(protocol, any, 0, fwmark, scheduler);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds a real server at the head of the list, as {@code ipvsadm -a} does.
     *
     * @param server the server
     * @throws IllegalArgumentException if a server with the same address and port exists
     */
    public synchronized void addRealServer(RealServer server) {
        if (find(server.address(), server.port()) >= 0) {
            throw new IllegalArgumentException("real server " + server.endpoint() + " already exists");
        }
        servers.addFirst(server);
        countersOf(server).thresholds(server.upperThreshold(), server.lowerThreshold());
        publish();
    }

    /**
     * Changes a real server in place (weight, thresholds, forwarding), as {@code ipvsadm -e}.
     *
     * @param server the new configuration, identified by address and port
     * @throws IllegalArgumentException if there is no such server
     */
    public synchronized void editRealServer(RealServer server) {
        int i = find(server.address(), server.port());
        if (i < 0) {
            throw new IllegalArgumentException("no real server " + server.endpoint());
        }
        servers.set(i, server);
        countersOf(server).thresholds(server.upperThreshold(), server.lowerThreshold());
        publish();
    }

    /**
     * Removes a real server, as {@code ipvsadm -d}; its connections keep their counters.
     *
     * @param serverAddress the server's address
     * @param serverPort the server's port
     * @return true if the server was there
     */
    public synchronized boolean removeRealServer(InetAddress serverAddress, int serverPort) {
        int i = find(serverAddress, serverPort);
        if (i < 0) {
            return false;
        }
        servers.remove(i);
        publish();
        return true;
    }

    /**
     * Returns the live counters of a server, creating them if the server was never seen; they
     * survive the server's removal.
     *
     * @param server the server
     * @return its counters
     */
    public synchronized ConnectionCounters countersOf(RealServer server) {
        return counters.computeIfAbsent(server.endpoint(), k -> new ConnectionCounters());
    }

    private int find(InetAddress serverAddress, int serverPort) {
        for (int i = 0; i < servers.size(); i++) {
            RealServer s = servers.get(i);
            if (s.port() == serverPort && s.address().equals(serverAddress)) {
                return i;
            }
        }
        return -1;
    }

    private void publish() {
        List<Destination> list = new ArrayList<>(servers.size());
        for (RealServer s : servers) {
            list.add(new Destination(s, countersOf(s)));
        }
        DestinationSet set = new DestinationSet(list, ++generation);
        scheduler.update(set);
        destinations = set;
    }

    /**
     * Picks the real server of a new connection.
     *
     * @param flow the packet that opens the connection
     * @return the destination, or {@code null} if no server can take it
     */
    public Destination pick(FlowKey flow) {
        return scheduler.pick(flow);
    }

    /** @return the current destinations, first = most recently added */
    public DestinationSet destinations() {
        return destinations;
    }

    /** @return the protocol */
    public Protocol protocol() {
        return protocol;
    }

    /** @return the virtual address */
    public InetAddress address() {
        return address;
    }

    /** @return the virtual port */
    public int port() {
        return port;
    }

    /** @return the firewall mark of a firewall-mark service, else 0 */
    public int fwmark() {
        return fwmark;
    }

    /** @return whether this is a firewall-mark service ({@link #firewallMark}) */
    public boolean isFwmark() {
        return fwmark != 0;
    }

    /** @return the scheduler */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Replaces the scheduler, as {@code ipvsadm -E -s} does: the new one gets the current real
     * servers and picks the new connections from now on; existing connections keep their
     * servers.
     *
     * @param next a scheduler used by this service alone
     */
    public synchronized void scheduler(Scheduler next) {
        Objects.requireNonNull(next, "next");
        next.update(destinations);
        scheduler = next;
    }

    /**
     * Makes the service persistent, as {@code ipvsadm -A -p TIMEOUT -M NETMASK}: a client (its
     * address masked to the granularity) keeps going to the real server it was first given while
     * a persistence template lives, for the timeout after its last connection. A director that
     * forwards the service reads this setting for every new connection.
     *
     * @param timeout the persistence timeout, 1 to 65535 seconds; zero turns persistence off
     * @param granularity the prefix length of the client address the persistence keys on (32
     *     for IPv4 and 128 for IPv6 mean the whole address)
     * @throws IllegalArgumentException if the timeout or the prefix length is out of range
     */
    public void persistence(Duration timeout, int granularity) {
        long seconds = timeout.toSeconds();
        if (timeout.isNegative() || seconds > 65535 || (!timeout.isZero() && seconds == 0)) {
            throw new IllegalArgumentException("persistence timeout out of range 1-65535 s: " + timeout);
        }
        if (granularity < 0 || granularity > addressBits) {
            throw new IllegalArgumentException("persistence granularity out of range 0-" + addressBits + ": "
                    + granularity);
        }
        persistence = seconds == 0 ? 0 : (seconds << 8) | granularity;
    }

    /** @return the persistence timeout in seconds, 0 if the service is not persistent; no allocation */
    public int persistenceSeconds() {
        return (int) (persistence >>> 8);
    }

    /** @return the prefix length of the client address persistence keys on (the whole address when not persistent) */
    public int persistenceGranularity() {
        long p = persistence;
        return p == 0 ? addressBits : (int) (p & 0xFF);
    }

    /**
     * Turns one-packet scheduling on or off, as {@code ipvsadm -o} (keepalived's {@code ops}):
     * every datagram of a UDP service is scheduled anew instead of following its flow's
     * connection entry. A director reads this setting for every datagram.
     *
     * @param value true to schedule every datagram
     * @throws IllegalArgumentException if turned on for a service that is not UDP
     */
    public void onePacketScheduling(boolean value) {
        if (value && protocol != Protocol.UDP) {
            throw new IllegalArgumentException("one-packet scheduling is for UDP services only: " + this);
        }
        onePacket = value;
    }

    /** @return whether every datagram is scheduled anew (UDP only); no allocation */
    public boolean onePacketScheduling() {
        return onePacket;
    }

    /** @return {@code TCP 198.18.0.10:80 rr} (or {@code FWM 7 rr}) as ipvsadm prints the service line */
    @Override
    public String toString() {
        if (fwmark != 0) {
            return "FWM " + fwmark + " " + scheduler.name();
        }
        String host = address.getHostAddress();
        return protocol + " " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + " "
                + scheduler.name();
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.FanoutProgram;

import java.io.IOException;

/**
 * How a {@link PacketDirector}'s packet sockets spread frames over its loops, and how that
 * follows its services: by the IPv4 source address by default; by the client's address in both
 * directions over the VIPs once a service sees replies (NAT) or is IPv6; with full-NAT local
 * addresses, their replies by local port in front of either. The program is set on one socket of
 * the fanout group and applies to all; a director on several interfaces has a group per interface
 * ({@link #attach} once each), all given the same program. A fanout by flow hash (given in the socket options) stays
 * as it is and cannot take NAT or IPv6 services over several loops.
 *
 * <p>Not thread-safe: the control plane's.
 */
final class FanoutSteering {

    private final int loops;
    private final boolean localAddresses;
    private PacketSocketOptions options;
    private PacketSocket socket;
    /** Whether the director's interface has marked sockets, opened at the start for its fwmark services. */
    private boolean marked;
    /** A socket of each interface's group, the first interface's first. */
    private final java.util.List<PacketSocket> groups = new java.util.ArrayList<>();

    /**
     * @param options the options the sockets open with
     * @param loops the number of loops
     * @param localAddresses whether the director has full-NAT local addresses
     */
    FanoutSteering(PacketSocketOptions options, int loops, boolean localAddresses) {
        this.options = options;
        this.loops = loops;
        this.localAddresses = localAddresses;
        if (localAddresses && loops > 1 && options.fanout() == PacketSocketOptions.Fanout.FLOW_HASH) {
            throw new IllegalStateException("full-NAT over " + loops
                    + " loops needs a classic BPF fanout, which steers replies by local port");
        }
    }

    /**
     * The options a director's sockets open with for its first services.
     *
     * @param given the builder's options, or null for the default
     * @param interfaceName the interface
     * @param services the services
     * @return the options
     */
    static PacketSocketOptions initial(PacketSocketOptions given, String interfaceName, ServiceTable services) {
        PacketSocketOptions o = given != null ? given
                : PacketSocketOptions.forInterface(interfaceName).withFanout(PacketSocketOptions.Fanout.IPV4_SOURCE);
        if (services.seesReplies() || !services.vips6().isEmpty()) {
            // Replies must reach the loop that owns their connection, and IPv6 clients must spread
            // over the loops (the IPv4 source program sends every IPv6 frame to the first):
            // steer by the client's address.
            o = o.withClientFanout(services.virtualAddresses());
        }
        return o;
    }

    /** @return the options the sockets open with */
    PacketSocketOptions options() {
        return options;
    }

    /**
     * Takes the group's first socket, and gives the group the program that also steers
     * full-NAT replies by local port when the director has local addresses.
     */
    void attach(PacketSocket first, ServiceTable services) throws IOException {
        if (socket == null) {
            socket = first;
        }
        groups.add(first);
        if (localAddresses && loops > 1) {
            first.fanoutProgram(program(services));
        }
    }

    /**
     * Returns the program the sockets need for a new table, if it is not the one they have.
     *
     * @return the program, or null if nothing changes
     * @throws IllegalArgumentException if the table needs a steering the sockets cannot do
     */
    int[][] next(ServiceTable next) {
        check(next);
        if (socket == null || loops < 2 || options.fanout() == PacketSocketOptions.Fanout.FLOW_HASH) {
            return null;
        }
        boolean client = next.seesReplies() || !next.vips6().isEmpty();
        PacketSocketOptions desired = client || options.fanout() == PacketSocketOptions.Fanout.CLIENT_ADDRESS
                ? options.withClientFanout(next.virtualAddresses()) : options;
        if (desired.equals(options)) {
            return null;
        }
        options = desired;
        return program(next);
    }

    /** Notes that the director's interface has marked sockets ({@link DataSockets}), which fwmark services need. */
    void markedSockets() {
        marked = true;
    }

    /**
     * Tells whether the sockets can steer a table's frames, changing nothing.
     *
     * @throws IllegalArgumentException if NAT or IPv6 services meet sockets that spread by flow hash,
     *     or fwmark services a director started without them, which has no marked sockets
     */
    void check(ServiceTable next) {
        if (socket != null && !marked && next.hasMarks()) {
            throw new IllegalArgumentException("fwmark services need the marked packet sockets, which the director"
                    + " opens when it starts with a fwmark service: restart it to add the first one");
        }
        if (socket != null && loops > 1 && options.fanout() == PacketSocketOptions.Fanout.FLOW_HASH
                && (next.seesReplies() || !next.vips6().isEmpty())) {
            throw new IllegalArgumentException("NAT and IPv6 services over " + loops
                    + " loops need a classic BPF fanout; these sockets spread by flow hash");
        }
    }

    /** Gives the group a program {@link #next} returned. */
    void apply(int[][] program) throws IOException {
        for (PacketSocket s : groups) {
            s.fanoutProgram(program);
        }
    }

    private int[][] program(ServiceTable services) {
        int[][] base = options.fanout() == PacketSocketOptions.Fanout.CLIENT_ADDRESS
                ? FanoutProgram.clientAddress(loops, options.fanoutVirtualAddresses())
                : FanoutProgram.ipv4Source(loops);
        if (!localAddresses) {
            return base;
        }
        return FanoutProgram.withLocalPorts(base, loops, services.locals4(), services.locals6());
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.TunnelType;
import io.lvs4j.core.packet.Checksums;
import io.lvs4j.core.packet.Encapsulation;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpErrors;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.packet.TcpSegmenter;
import io.lvs4j.core.packet.TransportChecksums;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.FrameSender;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Tunnelling (LVS-TUN) on one loop of a {@link PacketDirector}: a client's packet is wrapped in
 * an outer IP header from the director's own address to the real server's (IP-in-IP, or GUE:
 * UDP to the service's port), as IPVS's {@code ip_vs_tunnel_xmit} and
 * {@code ip_vs_tunnel_xmit_v6} do, and sent in a new frame to the real server's MAC address; the
 * real server decapsulates it and answers the client directly from the VIP. The outer header is
 * of the inner packet's family: IPv4 in IPv4, IPv6 in IPv6 ({@link #toServer}). ICMP errors that routers on the clients' side send to a VIP about a
 * server's reply take the same way to the connection's server, as in IPVS.
 *
 * <p>MTU as IPVS handles it: the tunnel's MTU is the link's minus the encapsulation. A packet
 * that does not fit and carries DF (every IPv6 packet counts as DF) is dropped and answered with
 * ICMP "fragmentation needed" (IPv6: "packet too big") with the tunnel MTU, from the VIP back to
 * the client (at most {@link #ICMP_PER_SECOND} a second per loop, as the kernel rate-limits its
 * ICMP errors); one without DF is sent in outer IPv4 fragments, as the kernel fragments the
 * tunnel packet. A GSO super-frame (a local sender's, or GRO's) cannot be handed to the kernel
 * for segmentation once encapsulated, so it is split here ({@link TcpSegmenter}) and the MTU
 * check applies to its segments. A partial checksum is completed before encapsulation.
 *
 * <p>Every frame is built in this forwarder's buffer and copied into the socket's transmit memory
 * by the loop's {@link FrameSender}; frames up to the socket's generated-frame
 * limit (2,038 bytes) can be sent, so the link MTU must not exceed about 2,000 bytes. Not
 * thread-safe: its loop only; allocation-free.
 */
final class TunnelForwarder implements Forwarder {

    /**
     * ICMP errors sent per second and loop at most, refilled at each tick of the loop's clock
     * (every 100 ms), in bursts of up to a tenth of it.
     */
    static final int ICMP_PER_SECOND = 1000;
    private static final int BUFFER = 2048;
    private static final int IPV6_MIN_MTU = 1280;
    private static final long NANOS_PER_TOKEN = 1_000_000_000L / ICMP_PER_SECOND;
    private static final int BURST = ICMP_PER_SECOND / 10;
    private static final int GSO_ECN = 0x80;
    private static final int GSO_TCPV4 = 1;
    private static final int GSO_TCPV6 = 4;

    private final LoopContext context;
    private final MemorySegment out;
    private final Encapsulation encapsulation;
    private final IcmpErrors icmp;
    private final TcpSegmenter segmenter = new TcpSegmenter();
    private final EthernetHeader outEthernet = new EthernetHeader();
    private long icmpTokens = BURST;
    private long icmpRefilled;

    // The outer header of the frame being handled, set by toServer.
    private int outerVersion;
    private int guePort;
    private int overhead;
    private int tunnelMtu;
    private long serverMac;
    private int server4;
    private MemorySegment server6;
    private long server6Offset;

    /** The director's own IPv6 address, the outer source of IPv6 tunnels; {@code null} without one. */
    private final MemorySegment director6;

    // The frame being handled.
    private FrameParser parser;
    private ReceivedFrame frame;

    /**
     * @param context the loop's shared parts
     * @param arena the loop's memory
     * @param firstIdentification the first IPv4 identification of the loop's outer headers
     * @param directorAddress6 the director's own IPv6 address, the outer source of IPv6 tunnels;
     *     {@code null} without one
     */
    TunnelForwarder(LoopContext context, Arena arena, int firstIdentification, byte[] directorAddress6) {
        this.context = context;
        this.out = arena.allocate(BUFFER, 64);
        this.director6 = directorAddress6 == null ? null : arena.allocate(16);
        if (director6 != null) {
            MemorySegment.copy(directorAddress6, 0, director6, ValueLayout.JAVA_BYTE, 0, 16);
        }
        this.encapsulation = new Encapsulation(firstIdentification);
        this.icmp = new IcmpErrors(firstIdentification);
        this.icmpRefilled = context.now();
    }

    @Override
    public int connect(FrameParser parser, ConnectionTable table, int destinationId, int template) {
        return context.insert(parser, table, destinationId, ForwardingMethod.TUNNEL, template);
    }

    /**
     * Encapsulates the client's frame in an outer header of its own family (IPv4 in IPv4 from the
     * director's address; IPv6 in IPv6 from its IPv6 address) and sends it to the connection's
     * real server.
     *
     * @return {@code false} always: the received frame itself is never sent on
     */
    @Override
    public boolean toServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding) {
        if (parser.ipVersion() == 6 && director6 == null) {
            context.counters().increment(DirectorCounter.DROP_TUNNEL_UNSUPPORTED);
            return false;
        }
        long mac = context.serverMac(table.destination(entry));
        if (mac == 0) {
            return false;
        }
        this.parser = parser;
        this.frame = frame;
        outer(parser.ipVersion(), forwarding, mac);
        if (outerVersion == 4) {
            server4 = table.destinationAddressIpv4(entry);
        } else {
            server6 = table.memory();
            server6Offset = table.destinationAddressOffset(entry);
        }
        return forward();
    }

    /**
     * Tunnels an ICMP error sent to a VIP (by a router on the clients' side) about a reply of a
     * tunnelled connection to that connection's real server, as IPVS does.
     *
     * @return {@code false} always: the error goes on encapsulated, not as received
     */
    @Override
    public boolean icmpToServer(FrameParser parser, ReceivedFrame frame, ConnectionTable table, int entry,
            Forwarding forwarding) {
        context.counters().increment(DirectorCounter.ICMP_RELAYED);
        toServer(parser, frame, table, entry, forwarding);
        return false;
    }

    private void outer(int version, Forwarding forwarding, long mac) {
        outerVersion = version;
        guePort = forwarding.tunnelType() == TunnelType.GUE ? forwarding.tunnelPort() : 0;
        overhead = Encapsulation.overhead(version, guePort > 0);
        tunnelMtu = context.link().mtu() - overhead;
        serverMac = mac;
    }

    private boolean forward() {
        LoopCounters<DirectorCounter> counters = context.counters();
        int gsoType = frame.gsoType() & ~GSO_ECN;
        if (gsoType != 0) {
            return segments(gsoType);
        }
        if (frame.needsChecksum()) {
            TransportChecksums.complete(parser);
        }
        long ip = parser.l3Offset();
        int innerLength = parser.ipVersion() == 4 ? parser.ipv4().totalLength()
                : Ipv6Header.HEADER_LENGTH + parser.ipv6().payloadLength();
        boolean fits = innerLength <= tunnelMtu;
        if (!fits && dontFragment()) {
            counters.increment(DirectorCounter.DROP_TUNNEL_TOO_BIG);
            sendIcmp();
            return false;
        }
        int l2 = (int) (ip - parser.ethernet().offset());
        if (l2 + overhead + innerLength > BUFFER) {
            counters.increment(DirectorCounter.DROP_TUNNEL_UNSUPPORTED);
            return false;
        }
        MemorySegment.copy(parser.segment(), ip, out, l2 + overhead, innerLength);
        if (fits) {
            send(l2, innerLength);
        } else {
            fragment(l2, innerLength);
        }
        counters.increment(DirectorCounter.FORWARDED);
        return false;
    }

    /** Whether a packet too big must be refused: DF set, or IPv6 (routers never fragment it). */
    private boolean dontFragment() {
        return outerVersion == 6 || parser.ipVersion() == 6 || parser.ipv4().dontFragment();
    }

    private boolean segments(int gsoType) {
        LoopCounters<DirectorCounter> counters = context.counters();
        long ip = parser.l3Offset();
        int n = gsoType == GSO_TCPV4 || gsoType == GSO_TCPV6
                ? segmenter.wrap(parser.segment(), ip, frame.offset() + frame.length() - ip, frame.gsoSize())
                : 0;
        if (n == 0) {
            counters.increment(DirectorCounter.DROP_TUNNEL_UNSUPPORTED);
            return false;
        }
        boolean fits = segmenter.maxSegmentLength() <= tunnelMtu;
        if (!fits && dontFragment()) {
            counters.increment(DirectorCounter.DROP_TUNNEL_TOO_BIG);
            sendIcmp();
            return false;
        }
        int l2 = (int) (ip - parser.ethernet().offset());
        for (int i = 0; i < n; i++) {
            int length = segmenter.write(i, out, l2 + overhead);
            if (length == 0) {
                counters.increment(DirectorCounter.DROP_TUNNEL_UNSUPPORTED);
                return false;
            }
            if (length <= tunnelMtu) {
                send(l2, length);
            } else {
                fragment(l2, length);
            }
        }
        counters.increment(DirectorCounter.TUNNEL_SUPER_FRAMES);
        counters.increment(DirectorCounter.FORWARDED);
        return false;
    }

    /** Writes the outer headers in front of the inner packet in {@link #out}; -1 if it cannot. */
    private int encapsulate(int l2, int innerLength) {
        int written = outerVersion == 4
                ? encapsulation.ipv4(out, l2, innerLength, context.directorAddress(), server4, guePort)
                : encapsulation.ipv6(out, l2, innerLength, director6, 0, server6, server6Offset, guePort);
        if (written < 0) {
            context.counters().increment(DirectorCounter.DROP_TUNNEL_UNSUPPORTED);
            return -1;
        }
        MemorySegment.copy(parser.segment(), parser.ethernet().offset(), out, 0, l2);
        outEthernet.wrap(out, 0).destination(serverMac).source(context.link().mac())
                .etherType(outerVersion == 4 ? EthernetHeader.TYPE_IPV4 : EthernetHeader.TYPE_IPV6);
        return written;
    }

    /** Encapsulates the inner packet in {@link #out} and sends it. */
    private void send(int l2, int innerLength) {
        if (encapsulate(l2, innerLength) >= 0 && context.sender().send(out, 0, l2 + overhead + innerLength)) {
            context.counters().increment(DirectorCounter.TUNNEL_ENCAPSULATED);
        }
    }

    /**
     * Encapsulates the inner packet in {@link #out} in IPv4 and sends the outer packet in
     * fragments that fit the link, as the kernel fragments a tunnel packet whose inner packet
     * allows it.
     */
    private void fragment(int l2, int innerLength) {
        if (encapsulate(l2, innerLength) < 0) {
            return;
        }
        int header = Encapsulation.IPV4_OVERHEAD;
        int payload = overhead - header + innerLength;
        int chunk = (tunnelMtu + overhead - header) & ~7;
        // Each fragment is built in place: the Ethernet and outer IPv4 headers are copied in front
        // of its slice of the payload, over the end of the slice before, which is sent already
        // (send copies the frame into the socket's memory).
        for (int at = 0; at < payload; at += chunk) {
            int size = Math.min(chunk, payload - at);
            if (at > 0) {
                MemorySegment.copy(out, 0, out, at, l2 + header);
            }
            long ip = at + l2;
            int more = at + size < payload ? Ipv4Header.FLAG_MF : 0;
            NetworkOrder.u16(out, ip + Ipv4Header.TOTAL_LENGTH_OFFSET, header + size);
            NetworkOrder.u16(out, ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET, more | (at >>> 3));
            NetworkOrder.u16(out, ip + Ipv4Header.CHECKSUM_OFFSET, Checksums.ipv4Header(out, ip, header));
            context.sender().send(out, at, l2 + header + size);
        }
        context.counters().increment(DirectorCounter.TUNNEL_FRAGMENTED);
    }

    /** Sends the "too big" error back to the client, within the rate limit. */
    private void sendIcmp() {
        long t = context.now();
        long refill = (t - icmpRefilled) / NANOS_PER_TOKEN;
        if (refill > 0) {
            icmpTokens = Math.min(BURST, icmpTokens + refill);
            icmpRefilled += refill * NANOS_PER_TOKEN;
        }
        if (icmpTokens == 0) {
            return;
        }
        int length = parser.ipVersion() == 4
                ? icmp.fragmentationNeeded(parser, tunnelMtu, out, 0)
                : icmp.packetTooBig(parser, Math.max(tunnelMtu, IPV6_MIN_MTU), out, 0);
        if (length > 0 && context.sender().send(out, 0, length)) {
            icmpTokens--;
            context.counters().increment(DirectorCounter.TUNNEL_ICMP_SENT);
        }
    }
}

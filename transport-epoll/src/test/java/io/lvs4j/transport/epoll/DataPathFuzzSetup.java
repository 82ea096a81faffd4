package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.time.NanoClock;
import io.netty.channel.IoEventLoopGroup;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The directors that {@link DataPathFuzzTest} feeds, one per forwarding method and one with
 * every method at once, and the frames its seeds are made of: servers resolved by ARP and
 * Neighbor Discovery, then connections of clients in both families.
 */
enum DataPathFuzzSetup {
    /** TCP and UDP services of IPv4 and a TCP service of IPv6, direct routing. */
    DIRECT_ROUTE(Forwarding.directRoute()),
    /** The same services, NAT to port 8080. */
    MASQUERADE(Forwarding.masquerade()),
    /** The same services, full-NAT to port 8080 from local addresses. */
    FULL_NAT(Forwarding.fullNat()),
    /** IPIP for IPv4 and IPv6-in-IPv6, with a GUE service beside them. */
    TUNNEL(Forwarding.ipip()),
    /** Every method, IPv4 and IPv6, UDP, persistence and sloppy TCP on one loop. */
    EVERY_METHOD(null);

    static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    static final long RS1_MAC = 0x02_00_00_00_00_01L;
    static final long RS2_MAC = 0x02_00_00_00_00_02L;
    static final long RS6_MAC = 0x02_00_00_00_00_06L;
    static final String DIRECTOR = "198.18.0.12";
    static final String DIRECTOR6 = "2001:db8::12";
    static final String RS1 = "198.18.0.13";
    static final String RS2 = "198.18.0.14";
    static final String RS6 = "2001:db8::13";
    static final String LOCAL = "198.18.0.250";
    static final String LOCAL6 = "2001:db8::250";
    static final String CLIENT = "198.18.1.11";
    static final String CLIENT6 = "2001:db8:1::11";
    /** The first VIP; {@link #EVERY_METHOD} uses the next four for NAT, full-NAT, IPIP and GUE. */
    static final String VIP = "198.18.0.200";
    static final String VIP6 = "2001:db8::200";
    static final int CAPACITY = 64;

    private final Forwarding forwarding;

    DataPathFuzzSetup(Forwarding forwarding) {
        this.forwarding = forwarding;
    }

    /** The services of one director, made anew for each input (they carry the servers' counters). */
    List<VirtualService> services() {
        List<VirtualService> all = new ArrayList<>();
        if (this == EVERY_METHOD) {
            all.add(service(Protocol.TCP, VIP, 80, "rr", 80, RS1, RS2));
            VirtualService persistent = service(Protocol.TCP, "198.18.0.201", 80, "wlc", 8080, RS1, RS2);
            persistent.persistence(Duration.ofSeconds(300), 24);
            all.add(persistent);
            all.add(service(Protocol.TCP, "198.18.0.202", 80, "rr", 8080, RS1));
            all.add(service(Protocol.UDP, "198.18.0.203", 53, "rr", 53, RS1, RS2));
            all.add(service(Protocol.TCP, "198.18.0.204", 80, "mh", 80, RS1, RS2));
            all.add(service(Protocol.TCP, VIP6, 80, "rr", 8080, RS6));
            all.add(service(Protocol.UDP, VIP6, 53, "rr", 53, RS6));
            return all;
        }
        int port = mapsPorts() ? 8080 : 80;
        all.add(service(Protocol.TCP, VIP, 80, "rr", port, RS1, RS2));
        all.add(service(Protocol.UDP, VIP, 53, "rr", 53, RS1, RS2));
        all.add(service(Protocol.TCP, VIP6, 80, "rr", port, RS6));
        if (this == TUNNEL) {
            all.add(service(Protocol.TCP, "198.18.0.204", 80, "rr", 80, RS1));
        }
        return all;
    }

    /** @return the forwarding of the i-th of {@link #services()} */
    Forwarding forwarding(int i) {
        if (this == EVERY_METHOD) {
            return switch (i) {
                case 0 -> Forwarding.directRoute();
                case 1, 5 -> Forwarding.masquerade();
                case 2 -> Forwarding.fullNat();
                case 3, 6 -> Forwarding.ipip();
                default -> Forwarding.gue(6080);
            };
        }
        return this == TUNNEL && i == 3 ? Forwarding.gue(6080) : forwarding;
    }

    private boolean mapsPorts() {
        return this == MASQUERADE || this == FULL_NAT;
    }

    /**
     * Builds the director of these services, bound to eth0 without sockets.
     *
     * @param loops loops the director is built with (none is used: tests make their own path)
     * @param services {@link #services()}
     * @param clock the connection tables' clock
     * @return the director
     */
    PacketDirector director(IoEventLoopGroup loops, List<VirtualService> services, NanoClock clock) {
        PacketDirectorBuilder b = PacketDirector.builder().interfaceName("eth0").loops(loops)
                .directorAddress(address(DIRECTOR)).directorAddress6((Inet6Address) address(DIRECTOR6))
                .connectionCapacity(CAPACITY).localPortRange(40000, 40063).clock(clock);
        for (int i = 0; i < services.size(); i++) {
            b.virtualService(services.get(i), forwarding(i));
        }
        if (this == FULL_NAT || this == EVERY_METHOD) {
            b.localAddresses(address(LOCAL), address(LOCAL6));
        }
        if (this == EVERY_METHOD) {
            b.sloppyTcp(true);
        }
        PacketDirector director = b.build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), address(DIRECTOR));
        return director;
    }

    private static VirtualService service(Protocol protocol, String vip, int port, String scheduler, int serverPort,
            String... servers) {
        VirtualService vs = new VirtualService(protocol, address(vip), port,
                Schedulers.create(scheduler, SchedulerOptions.DEFAULTS));
        for (String server : servers) {
            vs.addRealServer(RealServer.of(address(server), serverPort, 1));
        }
        return vs;
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** The ARP replies and neighbour advertisements that resolve every real server. */
    static List<byte[]> resolveServers() {
        return List.of(
                new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC)
                        .arp(ArpPacket.OP_REPLY, RS1_MAC, RS1, DIRECTOR_MAC, DIRECTOR).build(),
                new PacketBuilder().ethernet(RS2_MAC, DIRECTOR_MAC)
                        .arp(ArpPacket.OP_REPLY, RS2_MAC, RS2, DIRECTOR_MAC, DIRECTOR).build(),
                ndp(RS6_MAC, DIRECTOR_MAC, RS6, DIRECTOR6, Icmpv6Header.TYPE_NEIGHBOR_ADVERTISEMENT,
                        NdpMessage.FLAG_SOLICITED | NdpMessage.FLAG_OVERRIDE, RS6,
                        NdpMessage.OPTION_TARGET_LINK_LAYER, RS6_MAC));
    }

    /** A client's ARP request and neighbour solicitation for the first VIPs. */
    static List<byte[]> askForVips() {
        return List.of(
                new PacketBuilder().ethernet(CLIENT_MAC, 0xFFFF_FFFF_FFFFL)
                        .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, CLIENT, 0, VIP).build(),
                ndp(CLIENT_MAC, 0x33_33_FF_00_02_00L, "fe80::b", "ff02::1:ff00:200",
                        Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, VIP6, NdpMessage.OPTION_SOURCE_LINK_LAYER,
                        CLIENT_MAC));
    }

    static byte[] tcp4(String vip, int clientPort, int flags, int payload) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, vip).tcp(clientPort, 80, flags)
                .payload(new byte[payload]).build();
    }

    static byte[] tcp6(int clientPort, int flags, int payload) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6(CLIENT6, VIP6).tcp(clientPort, 80, flags)
                .payload(new byte[payload]).build();
    }

    static byte[] udp4(String vip, int clientPort) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, vip).udp(clientPort, 53)
                .payload(new byte[24]).build();
    }

    /** An ICMP "fragmentation needed" from a router about the VIP's reply to a client. */
    static byte[] fragmentationNeeded(String vip, int clientPort) {
        byte[] quoted = new PacketBuilder().ipv4(vip, CLIENT).tcp(80, clientPort, TcpHeader.ACK)
                .payload(new byte[1400]).buildIpPacket();
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.1.1", vip)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1300)
                .payload(Arrays.copyOf(quoted, 28)).build();
    }

    /** An ICMPv6 "packet too big" about the VIP's reply to a client. */
    static byte[] packetTooBig(int clientPort) {
        byte[] quoted = new PacketBuilder().ipv6(VIP6, CLIENT6).tcp(80, clientPort, TcpHeader.ACK)
                .payload(new byte[1400]).buildIpPacket();
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv6("2001:db8:1::1", VIP6)
                .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280).payload(Arrays.copyOf(quoted, 64)).build();
    }

    static byte[] ndp(long fromMac, long toMac, String from, String to, int type, int flags, String target,
            int option, long optionMac) {
        byte[] payload = new byte[24];
        System.arraycopy(address(target).getAddress(), 0, payload, 0, 16);
        payload[16] = (byte) option;
        payload[17] = 1;
        for (int i = 0; i < 6; i++) {
            payload[18 + i] = (byte) (optionMac >>> (40 - 8 * i));
        }
        return new PacketBuilder().ethernet(fromMac, toMac).ipv6(from, to).ttl(255).icmpv6(type, 0, flags)
                .payload(payload).build();
    }
}

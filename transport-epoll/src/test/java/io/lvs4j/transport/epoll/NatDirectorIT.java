package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.internal.FanoutProgram;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NAT director end to end in namespaces, on one bridge: a client in its own subnet
 * (198.18.1.0/24, default route through the director's 198.18.1.1), the in-process director
 * (198.18.0.12 and 198.18.1.1, IP forwarding off, the VIP on no kernel interface), and two real
 * servers in 198.18.0.0/24 whose default route is the director, so their replies come back
 * through it. Real curl, nginx (or the built-in server), and bulk TCP whose GSO super-frames
 * carry partial checksums. The same over IPv6 (2001:db8:6::/64 and the client in 2001:db8:7::/64).
 */
class NatDirectorIT {

    private static final String CLIENT = "198.18.1.11";
    private static final String CLIENT_GATEWAY = "198.18.1.1";
    private static final int BLOB_SIZE = 16 << 20;

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("curl");
        loops = PacketSocketGroup.newEventLoopGroup(2);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Puts the client in its own subnet behind the director and routes the real servers through it. */
    private static void routeThroughDirector(Lab lab) {
        Host client = lab.host("client");
        Host director = lab.host("director");
        client.exec("ip", "addr", "flush", "dev", client.iface()).check();
        client.exec("ip", "addr", "add", CLIENT + "/24", "dev", client.iface()).check();
        client.exec("ip", "route", "add", "default", "via", CLIENT_GATEWAY).check();
        director.exec("ip", "addr", "add", CLIENT_GATEWAY + "/24", "dev", director.iface()).check();
        for (String rs : List.of("rs1", "rs2")) {
            lab.host(rs).exec("ip", "route", "add", "default", "via", director.ip()).check();
        }
        // The director's kernel must neither forward nor answer what the director forwards itself.
        assertEquals("0", director.exec("sysctl", "-n", "net.ipv4.ip_forward").check().stdout().strip());
        assertTrue(!director.exec("ip", "-o", "addr").check().stdout().contains(lab.address(200) + "/"),
                "the VIP is on no kernel interface");
    }

    private static PacketDirectorBuilder director(Host director) throws Exception {
        return PacketDirector.builder().interfaceName(director.iface())
                .directorAddress(InetAddress.getByName(director.ip())).loops(loops)
                .gratuitousArp(1, Duration.ofMillis(100)).neighbourRefresh(Duration.ofSeconds(2));
    }

    private static VirtualService service(Protocol protocol, String vip, int port, int serverPort, Host... servers)
            throws Exception {
        VirtualService vs = new VirtualService(protocol, InetAddress.getByName(vip), port,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        for (Host server : servers) {
            vs.addRealServer(RealServer.of(InetAddress.getByName(server.ip()), serverPort, 1));
        }
        return vs;
    }

    private static void awaitResolved(PacketDirector dr, Host... servers) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            for (Host server : servers) {
                if (!dr.resolved(InetAddress.getByName(server.ip()))) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void shouldBalanceMapPortsCarryLargeDownloadsAndAnswerManyClientsOverTwoLoops() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            routeThroughDirector(lab);
            Host client = lab.host("client");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            String vip = lab.address(200);
            VirtualService web = service(Protocol.TCP, vip, 80, 8080, rs1, rs2);
            VirtualService blobs = service(Protocol.TCP, vip, 8000, 9090, rs1, rs2);
            Path downloads = Files.createTempDirectory("lvs4j-nat-");
            try (NamedHttpServer one = NamedHttpServer.start(rs1, "nginx1", 8080);
                    NamedHttpServer two = NamedHttpServer.start(rs2, "nginx2", 8080);
                    BlobHttpServer blob1 = BlobHttpServer.start(rs1.netns(), 9090, BLOB_SIZE, 42);
                    BlobHttpServer blob2 = BlobHttpServer.start(rs2.netns(), 9090, BLOB_SIZE, 42);
                    PacketDirector dr = lab.host("director").netns().call(() -> director(lab.host("director"))
                            .virtualService(web, Forwarding.masquerade())
                            .virtualService(blobs, Forwarding.masquerade()).build().start())) {
                awaitResolved(dr, rs1, rs2);

                // VIP:80 -> real servers :8080, round robin: the server added last answers first.
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    names.add(client.exec("curl", "-sS", "-m", "5", "http://" + vip + "/").check().stdout().strip());
                }
                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), names);

                // Two 16 MiB downloads (one from each server), byte for byte: the first with the
                // director's transmit offloads on (frames leave with partial checksums, GSO
                // super-frames whole, and nobody verifies them on the way), the second with its
                // checksum offload off, so that its kernel completes every checksum from the
                // partial one the director left and the client verifies it.
                for (int i = 0; i < 2; i++) {
                    if (i == 1) {
                        assertTrue(!TxChecksumOffload.set(lab.host("director"), false));
                    }
                    Path file = downloads.resolve("blob" + i);
                    client.netns().exec(Duration.ofSeconds(90), "curl", "-sS", "-m", "60", "-o", file.toString(),
                            "http://" + vip + ":8000/blob").check();
                    assertEquals(BLOB_SIZE, Files.size(file));
                    assertEquals(blob1.sha256(), sha256(file), "download " + i);
                }
                assertEquals(blob1.sha256(), blob2.sha256());
                assertTrue(dr.counter(DirectorCounter.NAT_PARTIAL_CHECKSUMS) > 0,
                        "offloaded frames (partial checksums, GSO) went through the NAT path");

                // 9 client addresses over the two loops, 180 connections: every one answered.
                List<String> clients = new ArrayList<>(List.of(CLIENT));
                for (int n = 150; n < 158; n++) {
                    client.exec("ip", "addr", "add", "198.18.1." + n + "/24", "dev", client.iface()).check();
                    clients.add("198.18.1." + n);
                }
                Set<Integer> loopsUsed = new HashSet<>();
                for (String address : clients) {
                    loopsUsed.add(FanoutProgram.socketOf(ipv4(address), 2));
                }
                assertEquals(Set.of(0, 1), loopsUsed, "the clients' addresses steer to both loops");
                Map<String, Integer> answers = client.netns().call(() -> {
                    Map<String, Integer> count = new HashMap<>();
                    for (int i = 0; i < 180; i++) {
                        try (Socket s = new Socket()) {
                            s.bind(new InetSocketAddress(clients.get(i % clients.size()), 0));
                            s.connect(new InetSocketAddress(vip, 80), 5000);
                            s.setSoTimeout(5000);
                            count.merge(request(s, vip), 1, Integer::sum);
                        }
                    }
                    return count;
                });
                assertEquals(Map.of("nginx1", 90, "nginx2", 90), answers);

                long opened = 4 + 2 + 180;
                assertEquals(opened, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                assertTrue(dr.counter(DirectorCounter.REPLIES_FORWARDED) > opened * 2);
                for (ConnectionEntry e : dr.connections()) {
                    assertEquals(InetAddress.getByName(vip), e.virtualAddress());
                    assertEquals(e.virtualPort() == 80 ? 8080 : 9090, e.destinationPort(), e.toString());
                }
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertEquals(0, dr.counter(DirectorCounter.DROP_NO_CONNECTION));
                assertEquals(0, dr.socketStatistics().txErrors());
            } finally {
                try (var files = Files.list(downloads)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(downloads);
            }
        }
    }

    @Test
    void shouldCarryUdpAndTranslateIcmpErrorsAboutNatConnectionsBothWays() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            routeThroughDirector(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            String vip = lab.address(200);
            VirtualService dns = service(Protocol.UDP, vip, 53, 5353, rs1, rs2);
            VirtualService closed = service(Protocol.UDP, vip, 54, 5354, rs1);
            try (UdpNameServer one = UdpNameServer.start(rs1.netns(), "udp1", "0.0.0.0", 5353);
                    UdpNameServer two = UdpNameServer.start(rs2.netns(), "udp2", "0.0.0.0", 5353);
                    PacketDirector dr = director.netns().call(() -> director(director)
                            .virtualService(dns, Forwarding.masquerade())
                            .virtualService(closed, Forwarding.masquerade()).build().start())) {
                awaitResolved(dr, rs1, rs2);
                assertTrue(!TxChecksumOffload.set(director, false), "checksums completed and verified on the way");
                InetSocketAddress target = new InetSocketAddress(vip, 53);

                // UDP: ten flows, answered from VIP:53 by both servers in turn.
                List<DatagramSocket> flows = new ArrayList<>();
                try {
                    List<String> names = client.netns().call(() -> {
                        List<String> got = new ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(CLIENT, 0));
                            socket.setSoTimeout(5000);
                            flows.add(socket);
                            got.add(ask(socket, target));
                        }
                        return got;
                    });
                    assertEquals(List.of("udp2", "udp1", "udp2", "udp1", "udp2", "udp1", "udp2", "udp1", "udp2",
                            "udp1"), names);

                    // The real server's port is closed: its port unreachable reaches the client
                    // translated (from the VIP, quoting VIP:54), so the connected socket sees it.
                    client.netns().call(() -> {
                        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(CLIENT, 0))) {
                            socket.connect(new InetSocketAddress(vip, 54));
                            socket.setSoTimeout(5000);
                            byte[] question = "who".getBytes(StandardCharsets.US_ASCII);
                            socket.send(new DatagramPacket(question, question.length));
                            assertThrows(PortUnreachableException.class,
                                    () -> socket.receive(new DatagramPacket(new byte[64], 64)));
                        }
                        return null;
                    });
                    assertEquals(1, dr.counter(DirectorCounter.NAT_ICMP_TO_CLIENT));

                    // A router on the client's side cannot pass a reply of flow 0 (served by rs2):
                    // its "fragmentation needed" to the VIP reaches rs2 translated, and rs2's kernel
                    // lowers its path MTU to the client.
                    int clientPort = flows.get(0).getLocalPort();
                    byte[] reply = new PacketBuilder().ipv4(vip, CLIENT).dontFragment().udp(53, clientPort)
                            .payload(new byte[1400]).buildIpPacket();
                    byte[] error = new PacketBuilder().ethernet(client.macBits(), director.macBits())
                            .ipv4("198.18.1.254", vip)
                            .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1300)
                            .payload(Arrays.copyOf(reply, 28 + 64)).build();
                    assertTrue(!rs2.exec("ip", "route", "get", CLIENT).check().stdout().contains("mtu 1300"));
                    inject(client, error);
                    await().atMost(10, TimeUnit.SECONDS).until(() -> dr.counter(DirectorCounter.NAT_ICMP_TO_SERVER) == 1);
                    await().atMost(10, TimeUnit.SECONDS).until(() ->
                            rs2.exec("ip", "route", "get", CLIENT).check().stdout().contains("mtu 1300"));
                    assertTrue(!rs1.exec("ip", "route", "get", CLIENT).check().stdout().contains("mtu 1300"),
                            "only the flow's server got the error");
                } finally {
                    flows.forEach(DatagramSocket::close);
                }
                assertEquals(10, one.received() + two.received());
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertEquals(0, dr.socketStatistics().txErrors());
            }
        }
    }

    private static final String CLIENT6 = "2001:db8:7::b";
    private static final String CLIENT6_GATEWAY = "2001:db8:7::1";

    /**
     * IPv6 on the lab (2001:db8:6::/64 for the director and the real servers), the client in
     * 2001:db8:7::/64 behind the director, the real servers' default route through it.
     */
    private static Ipv6Lab routeIpv6ThroughDirector(Lab lab) {
        Ipv6Lab v6 = Ipv6Lab.of(lab);
        Host client = lab.host("client");
        Host director = lab.host("director");
        client.exec("ip", "-6", "addr", "del", v6.address(client) + "/64", "dev", client.iface()).check();
        client.exec("ip", "-6", "addr", "add", CLIENT6 + "/64", "dev", client.iface(), "nodad").check();
        client.exec("ip", "-6", "route", "add", "default", "via", CLIENT6_GATEWAY).check();
        director.exec("ip", "-6", "addr", "add", CLIENT6_GATEWAY + "/64", "dev", director.iface(), "nodad").check();
        for (String rs : List.of("rs1", "rs2")) {
            lab.host(rs).exec("ip", "-6", "route", "add", "default", "via", v6.address(director)).check();
        }
        assertEquals("0", director.exec("sysctl", "-n", "net.ipv6.conf.all.forwarding").check().stdout().strip());
        return v6;
    }

    private static PacketDirectorBuilder director6(Host director, Ipv6Lab v6) throws Exception {
        return PacketDirector.builder().interfaceName(director.iface())
                .directorAddress6((Inet6Address) InetAddress.getByName(v6.address(director))).loops(loops)
                .gratuitousArp(1, Duration.ofMillis(100)).neighbourRefresh(Duration.ofSeconds(2));
    }

    private static VirtualService service6(Protocol protocol, String vip, int port, int serverPort, Ipv6Lab v6,
            Host... servers) throws Exception {
        VirtualService vs = new VirtualService(protocol, InetAddress.getByName(vip), port,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        for (Host server : servers) {
            vs.addRealServer(RealServer.of(InetAddress.getByName(v6.address(server)), serverPort, 1));
        }
        return vs;
    }

    private static void awaitResolved6(PacketDirector dr, Ipv6Lab v6, Host... servers) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            for (Host server : servers) {
                if (!dr.resolved(InetAddress.getByName(v6.address(server)))) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void shouldBalanceMapPortsAndCarryLargeDownloadsThroughIpv6Nat() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = routeIpv6ThroughDirector(lab);
            Host client = lab.host("client");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            String vip = Ipv6Lab.vip(0x200);
            VirtualService web = service6(Protocol.TCP, vip, 80, 8080, v6, rs1, rs2);
            Path downloads = Files.createTempDirectory("lvs4j-nat6-");
            try (DownloadServer one = DownloadServer.start(rs1, "nginx1", 8080, BLOB_SIZE, 6);
                    DownloadServer two = DownloadServer.start(rs2, "nginx2", 8080, BLOB_SIZE, 6);
                    PacketDirector dr = lab.host("director").netns().call(() -> director6(lab.host("director"), v6)
                            .virtualService(web, Forwarding.masquerade()).build().start())) {
                awaitResolved6(dr, v6, rs1, rs2);
                String url = "http://[" + vip + "]";
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    names.add(client.exec("curl", "-6", "-sS", "-m", "5", "-g", url + "/").check().stdout().strip());
                }
                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), names);

                // As over IPv4: offloads on, then the director's checksum offload off so that the
                // completed checksums are verified by the client.
                for (int i = 0; i < 2; i++) {
                    if (i == 1) {
                        assertTrue(!TxChecksumOffload.set(lab.host("director"), false));
                    }
                    Path file = downloads.resolve("big" + i);
                    client.netns().exec(Duration.ofSeconds(90), "curl", "-6", "-sS", "-m", "60", "-g", "-o",
                            file.toString(), url + "/big.bin").check();
                    assertEquals(BLOB_SIZE, Files.size(file));
                    assertEquals(one.sha256(), sha256(file), "download " + i);
                }
                assertEquals(one.sha256(), two.sha256());
                assertTrue(dr.counter(DirectorCounter.NAT_PARTIAL_CHECKSUMS) > 0);

                // 8 more client addresses, steered to both loops by their low 32 bits: 80 connections.
                List<String> clients = new ArrayList<>();
                Set<Integer> loopsUsed = new HashSet<>();
                for (int n = 0x150; n < 0x158; n++) {
                    String address = "2001:db8:7::" + Integer.toHexString(n);
                    client.exec("ip", "-6", "addr", "add", address + "/64", "dev", client.iface(), "nodad").check();
                    clients.add(address);
                    loopsUsed.add(FanoutProgram.socketOf(n, 2));
                }
                assertEquals(Set.of(0, 1), loopsUsed);
                Map<String, Integer> answers = client.netns().call(() -> {
                    Map<String, Integer> count = new HashMap<>();
                    for (int i = 0; i < 80; i++) {
                        try (Socket s = new Socket()) {
                            s.bind(new InetSocketAddress(clients.get(i % clients.size()), 0));
                            s.connect(new InetSocketAddress(vip, 80), 5000);
                            s.setSoTimeout(5000);
                            count.merge(request(s, "[" + vip + "]"), 1, Integer::sum);
                        }
                    }
                    return count;
                });
                assertEquals(Map.of("nginx1", 40, "nginx2", 40), answers);

                assertEquals(6 + 80, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                assertTrue(dr.counter(DirectorCounter.REPLIES_FORWARDED) > 86 * 2);
                for (ConnectionEntry e : dr.connections()) {
                    assertTrue(e.client().getHostAddress().startsWith("2001:db8:7:"), e.toString());
                    assertEquals(8080, e.destinationPort());
                }
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertEquals(0, dr.socketStatistics().txErrors());
            } finally {
                try (var files = Files.list(downloads)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(downloads);
            }
        }
    }

    @Test
    void shouldCarryUdpAndTranslateIcmpv6ErrorsThroughIpv6NatBothWays() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = routeIpv6ThroughDirector(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            String vip = Ipv6Lab.vip(0x201);
            VirtualService dns = service6(Protocol.UDP, vip, 53, 5353, v6, rs1, rs2);
            VirtualService closed = service6(Protocol.UDP, vip, 54, 5354, v6, rs1);
            try (UdpNameServer one = UdpNameServer.start(rs1.netns(), "udp1", "::", 5353);
                    UdpNameServer two = UdpNameServer.start(rs2.netns(), "udp2", "::", 5353);
                    PacketDirector dr = director.netns().call(() -> director6(director, v6)
                            .virtualService(dns, Forwarding.masquerade())
                            .virtualService(closed, Forwarding.masquerade()).build().start())) {
                awaitResolved6(dr, v6, rs1, rs2);
                assertTrue(!TxChecksumOffload.set(director, false), "checksums completed and verified on the way");
                InetSocketAddress target = new InetSocketAddress(vip, 53);
                List<DatagramSocket> flows = new ArrayList<>();
                try {
                    List<String> names = client.netns().call(() -> {
                        List<String> got = new ArrayList<>();
                        for (int i = 0; i < 4; i++) {
                            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(CLIENT6, 0));
                            socket.setSoTimeout(5000);
                            flows.add(socket);
                            got.add(ask(socket, target));
                        }
                        return got;
                    });
                    assertEquals(List.of("udp2", "udp1", "udp2", "udp1"), names);

                    client.netns().call(() -> {
                        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(CLIENT6, 0))) {
                            socket.connect(new InetSocketAddress(vip, 54));
                            socket.setSoTimeout(5000);
                            byte[] question = "who".getBytes(StandardCharsets.US_ASCII);
                            socket.send(new DatagramPacket(question, question.length));
                            assertThrows(PortUnreachableException.class,
                                    () -> socket.receive(new DatagramPacket(new byte[64], 64)));
                        }
                        return null;
                    });
                    assertEquals(1, dr.counter(DirectorCounter.NAT_ICMP_TO_CLIENT));

                    // Packet too big from a router on the client's side about a reply of flow 0 (rs2's).
                    int clientPort = flows.get(0).getLocalPort();
                    byte[] reply = new PacketBuilder().ipv6(vip, CLIENT6).udp(53, clientPort)
                            .payload(new byte[1400]).buildIpPacket();
                    byte[] tooBig = new PacketBuilder().ethernet(client.macBits(), director.macBits())
                            .ipv6("2001:db8:7::fe", vip).icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
                            .payload(Arrays.copyOf(reply, 512)).build();
                    assertTrue(!rs2.exec("ip", "-6", "route", "get", CLIENT6).check().stdout().contains("mtu 1280"));
                    inject(client, tooBig);
                    await().atMost(10, TimeUnit.SECONDS).until(() -> dr.counter(DirectorCounter.NAT_ICMP_TO_SERVER) == 1);
                    await().atMost(10, TimeUnit.SECONDS).until(() ->
                            rs2.exec("ip", "-6", "route", "get", CLIENT6).check().stdout().contains("mtu 1280"));
                    assertTrue(!rs1.exec("ip", "-6", "route", "get", CLIENT6).check().stdout().contains("mtu 1280"));
                } finally {
                    flows.forEach(DatagramSocket::close);
                }
                assertEquals(4, one.received() + two.received());
                assertEquals(0, dr.socketStatistics().txErrors());
            }
        }
    }

    /** Sends a frame built by the test from a host's interface. */
    private static void inject(Host from, byte[] frame) throws Exception {
        try (PacketSocket socket = from.netns().call(() -> PacketSocket.open(loops.next(),
                PacketSocketOptions.forInterface(from.iface()), false, s -> f -> { }));
                Arena arena = Arena.ofShared()) {
            MemorySegment segment = arena.allocate(frame.length);
            MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
            assertTrue(((IoEventLoop) socket.loop()).submit(() -> socket.send(segment, 0, frame.length)).get());
        }
    }

    /** Sends one datagram and returns the answer: the name of the server that got it. */
    private static String ask(DatagramSocket socket, InetSocketAddress target) throws IOException {
        byte[] question = "who".getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(question, question.length, target));
        byte[] buffer = new byte[64];
        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        socket.receive(answer);
        assertEquals(target, answer.getSocketAddress(), "the answer comes from the VIP and the virtual port");
        return new String(buffer, 0, answer.getLength(), StandardCharsets.US_ASCII);
    }

    /** One HTTP/1.1 GET without keep-alive; returns the body (the server's name). */
    private static String request(Socket socket, String host) throws IOException {
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        int body = response.indexOf("\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 200") && body > 0, response);
        return response.substring(body + 4).strip();
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static int ipv4(String dotted) throws Exception {
        byte[] b = InetAddress.getByName(dotted).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}

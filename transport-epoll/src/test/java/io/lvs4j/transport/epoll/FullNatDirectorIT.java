package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.time.NanoClock;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.transport.epoll.internal.FanoutProgram;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.PortUnreachableException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The full-NAT director end to end in namespaces, over two event loops. One bridge carries two
 * IPv4 networks: the client's (198.18.0.0/24: the client, the director's 198.18.0.12, the VIP)
 * and the real servers' (198.18.1.0/24: the two nginx servers, the director's 198.18.1.2 and its
 * local address 198.18.1.254, which is on no kernel interface). The real servers have no address
 * and no route in the client's network, so they answer the director's local address and port,
 * never the client. The director's tables run on a clock the test can move ahead, so that
 * connections expire without waiting for IPVS's timeouts.
 */
class FullNatDirectorIT {

    private static final String LADDR = "198.18.1.254";
    private static final String DIRECTOR_SERVER_SIDE = "198.18.1.2";
    private static final int BIG = 12 << 20;

    private static MultiThreadIoEventLoopGroup loops;
    private final AtomicLong skew = new AtomicLong();
    private final NanoClock clock = () -> System.nanoTime() + skew.get();

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("curl", "nginx", "ss", "sha256sum");
        loops = PacketSocketGroup.newEventLoopGroup(2);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Moves a host into the real servers' network: its only address and route are 198.18.1.n/24. */
    private static String serverSide(Host host, int n) {
        host.exec("ip", "addr", "flush", "dev", host.iface()).check();
        String ip = "198.18.1." + n;
        host.exec("ip", "addr", "add", ip + "/24", "dev", host.iface()).check();
        return ip;
    }

    private static VirtualService service(String vip, String... servers) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        for (String server : servers) {
            vs.addRealServer(RealServer.of(InetAddress.getByName(server), 80, 1));
        }
        return vs;
    }

    private PacketDirectorBuilder director(Host director) throws Exception {
        director.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=0").check();
        director.exec("ip", "addr", "add", DIRECTOR_SERVER_SIDE + "/24", "dev", director.iface()).check();
        return PacketDirector.builder().interfaceName(director.iface())
                .directorAddress(InetAddress.getByName(DIRECTOR_SERVER_SIDE)).loops(loops)
                .localAddresses(InetAddress.getByName(LADDR)).gratuitousArp(3, Duration.ofMillis(100))
                .neighbourRefresh(Duration.ofSeconds(2)).clock(clock);
    }

    private static void awaitResolved(PacketDirector dr, String... servers) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            for (String server : servers) {
                if (!dr.resolved(InetAddress.getByName(server))) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Moves the tables' clock past every timeout and waits for the loops to expire everything. */
    private void expireAll(PacketDirector dr) {
        skew.addAndGet(TimeUnit.MINUTES.toNanos(10));
        await().atMost(10, TimeUnit.SECONDS).until(() -> dr.connectionCount() == 0);
    }

    @Test
    void shouldServeClientsThroughServersWithoutRouteToThemAndCarryTenMegabytesIntact() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            String rs1 = serverSide(lab.host("rs1"), 7);
            String rs2 = serverSide(lab.host("rs2"), 8);
            assertFalse(lab.host("rs1").exec("ip", "route", "get", client.ip()).ok(), "rs1 has no route to the client");
            assertFalse(lab.host("rs2").exec("ip", "route", "get", client.ip()).ok(), "rs2 has no route to the client");
            String vip = lab.address(200);
            VirtualService vs = service(vip, rs1, rs2);
            byte[] big = new byte[BIG];
            new Random(42).nextBytes(big);
            String bigSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));
            Path downloads = Files.createTempDirectory("lvs4j-fnat-");
            try (NginxServer one = NginxServer.start(lab.host("rs1"), "nginx1", 80);
                    NginxServer two = NginxServer.start(lab.host("rs2"), "nginx2", 80);
                    PacketDirector dr = lab.host("director").netns().call(() -> director(lab.host("director"))
                            .virtualService(vs, Forwarding.fullNat()).build().start())) {
                NamedHttpServer.awaitListening(lab.host("rs1").netns(), 80, Duration.ofSeconds(20));
                NamedHttpServer.awaitListening(lab.host("rs2").netns(), 80, Duration.ofSeconds(20));
                Files.write(one.files().resolve("big.bin"), big);
                Files.write(two.files().resolve("big.bin"), big);
                awaitResolved(dr, rs1, rs2);

                // Round robin: the server added last answers first, then they alternate.
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    names.add(client.exec("curl", "-sS", "-m", "5", "http://" + vip + "/").check().stdout().strip());
                }
                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), names);
                assertTrue(dr.counter(DirectorCounter.ARP_REPLIES) >= 2, "the client and the servers resolved us");

                // A held connection: its server sees the local address, never the client.
                try (Socket held = client.netns().call(() -> {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(vip, 80), 5000);
                    return s;
                })) {
                    await().atMost(5, TimeUnit.SECONDS).until(() -> !peers(lab).isEmpty());
                    assertEquals(Set.of(LADDR), peers(lab), "peers the real servers see");
                    assertEquals(5, dr.localPortsInUse(), "the held connection and the four closing ones");
                    held.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    String response = new String(held.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(response.startsWith("HTTP/1.1 200"), response);
                }

                // Two 12 MiB downloads (one from each server), byte for byte.
                for (int i = 0; i < 2; i++) {
                    Path file = downloads.resolve("big" + i);
                    client.netns().exec(Duration.ofSeconds(90), "curl", "-sS", "-m", "60", "-o", file.toString(),
                            "http://" + vip + "/files/big.bin").check();
                    assertEquals(BIG, Files.size(file));
                    assertEquals(bigSha, client.exec("sha256sum", file.toString()).check().stdout().split(" ")[0],
                            "download " + i);
                }

                // Clients on both loops: the fanout steers each reply to the loop owning its local port.
                List<String> sources = sourcesOnBothLoops(client);
                for (String source : sources) {
                    for (int i = 0; i < 4; i++) {
                        String name = client.exec("curl", "-sS", "-m", "5", "--interface", source, "http://" + vip + "/")
                                .check().stdout().strip();
                        assertTrue(name.equals("nginx1") || name.equals("nginx2"), name);
                    }
                }

                assertTrue(dr.counter(DirectorCounter.FULL_NAT_REPLIES_FORWARDED) > 2 * BIG / 65536,
                        "replies rewritten");
                assertEquals(0, dr.counter(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED));
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertEquals(0, dr.socketStatistics().txErrors());
                int opened = 4 + 1 + 2 + 4 * sources.size();
                assertEquals(opened, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                assertEquals(opened, dr.localPortsInUse(), "closed connections keep their port until they expire");

                expireAll(dr);
                assertEquals(0, dr.localPortsInUse(), "every local port back once the connections expired");
            } finally {
                try (var files = Files.list(downloads)) {
                    for (Path p : files.toList()) {
                        Files.delete(p);
                    }
                }
                Files.delete(downloads);
            }
        }
    }

    /** @return the peer addresses of the real servers' established connections on port 80 */
    private static Set<String> peers(Lab lab) {
        Set<String> peers = new TreeSet<>();
        for (String role : new String[] {"rs1", "rs2"}) {
            for (String line : lab.host(role).exec("ss", "-Htn", "state", "established", "( sport = :80 )")
                    .check().stdout().split("\n")) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length >= 4) {
                    peers.add(fields[fields.length - 1].replaceAll(":\\d+$", ""));
                }
            }
        }
        return peers;
    }

    /** Adds client addresses until both fanout sockets have one; returns them. */
    private static List<String> sourcesOnBothLoops(Host client) throws Exception {
        List<String> sources = new ArrayList<>();
        boolean[] seen = new boolean[2];
        for (int n = 150; n < 200 && !(seen[0] && seen[1]); n++) {
            String address = "198.18.0." + n;
            int socket = FanoutProgram.socketOf(ip(address), 2);
            if (!seen[socket]) {
                seen[socket] = true;
                client.exec("ip", "addr", "add", address + "/24", "dev", client.iface()).check();
                sources.add(address);
            }
        }
        assertEquals(2, sources.size());
        return sources;
    }

    @Test
    void shouldRefuseAConnectionWhenTheLocalPortsAreExhaustedAndLeakNothing() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            Host client = lab.host("client");
            String rs1 = serverSide(lab.host("rs1"), 7);
            String vip = lab.address(201);
            VirtualService vs = service(vip, rs1);
            // Two loops, ports 40000-40003: the client's loop owns two of them.
            try (NginxServer one = NginxServer.start(lab.host("rs1"), "nginx1", 80);
                    PacketDirector dr = lab.host("director").netns().call(() -> director(lab.host("director"))
                            .virtualService(vs, Forwarding.fullNat()).localPortRange(40000, 40003).build().start())) {
                NamedHttpServer.awaitListening(lab.host("rs1").netns(), 80, Duration.ofSeconds(20));
                awaitResolved(dr, rs1);
                List<Socket> held = client.netns().call(() -> {
                    List<Socket> sockets = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        Socket s = new Socket();
                        s.connect(new InetSocketAddress(vip, 80), 5000);
                        s.setSoTimeout(5000);
                        assertEquals("nginx1", get(s, true));
                        sockets.add(s);
                    }
                    return sockets;
                });
                try {
                    assertEquals(2, dr.localPortsInUse());
                    assertFalse(client.exec("curl", "-sS", "-m", "2", "http://" + vip + "/").ok(),
                            "a third connection finds no local port");
                    assertTrue(dr.counter(DirectorCounter.DROP_LOCAL_PORT_EXHAUSTED) >= 1);
                    assertEquals(2, dr.connectionCount(), "no entry for the refused connection");
                    assertEquals(2, dr.localPortsInUse());
                    assertThrows(Exception.class, () -> client.netns().call(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(vip, 80), 1000);
                        }
                        return null;
                    }));
                    for (Socket s : held) {
                        assertEquals("nginx1", get(s, true), "the held connections still work");
                    }
                } finally {
                    for (Socket s : held) {
                        s.close();
                    }
                }
                expireAll(dr);
                assertEquals(0, dr.localPortsInUse(), "no port leaked");
                assertEquals("nginx1", client.exec("curl", "-sS", "-m", "5", "http://" + vip + "/").check().stdout()
                        .strip(), "a port is free again");
                assertEquals(1, dr.localPortsInUse());
            }
        }
    }

    @Test
    void shouldCarryUdpBothWaysAndBringTheServersPortUnreachableToTheClient() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            Host client = lab.host("client");
            String rs1 = serverSide(lab.host("rs1"), 7);
            String vip = lab.address(202);
            VirtualService open = new VirtualService(Protocol.UDP, InetAddress.getByName(vip), 53,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            open.addRealServer(RealServer.of(InetAddress.getByName(rs1), 53, 1));
            VirtualService closed = new VirtualService(Protocol.UDP, InetAddress.getByName(vip), 54,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            closed.addRealServer(RealServer.of(InetAddress.getByName(rs1), 54, 1));
            try (UdpNameServer dns = UdpNameServer.start(lab.host("rs1").netns(), "udp1", "0.0.0.0", 53);
                    PacketDirector dr = lab.host("director").netns().call(() -> director(lab.host("director"))
                            .virtualService(open, Forwarding.fullNat()).virtualService(closed, Forwarding.fullNat())
                            .build().start())) {
                awaitResolved(dr, rs1);
                String answer = client.netns().call(() -> {
                    try (DatagramSocket socket = new DatagramSocket()) {
                        socket.setSoTimeout(3000);
                        socket.connect(new InetSocketAddress(vip, 53));
                        socket.send(new DatagramPacket(new byte[] {1, 2, 3}, 3));
                        DatagramPacket in = new DatagramPacket(new byte[64], 64);
                        socket.receive(in);
                        return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
                    }
                });
                assertEquals("udp1", answer);
                assertEquals(1, dns.received());

                // Nothing listens on the server's port 54: its port unreachable, sent to the local
                // address, reaches the client as an error from the VIP about its own datagram.
                assertThrows(PortUnreachableException.class, () -> client.netns().call(() -> {
                    try (DatagramSocket socket = new DatagramSocket()) {
                        socket.setSoTimeout(3000);
                        socket.connect(new InetSocketAddress(vip, 54));
                        socket.send(new DatagramPacket(new byte[] {4}, 1));
                        socket.receive(new DatagramPacket(new byte[64], 64));
                        return null;
                    }
                }));
                assertEquals(1, dr.counter(DirectorCounter.FULL_NAT_ICMP_TO_CLIENT));
                assertEquals(2, dr.localPortsInUse());
                expireAll(dr);
                assertEquals(0, dr.localPortsInUse());
            }
        }
    }

    @Test
    void shouldServeIpv6ClientsThroughServersWithoutRouteToThemAndCarryTenMegabytesIntact() throws Exception {
        MultiThreadIoEventLoopGroup oneLoop = PacketSocketGroup.newEventLoopGroup(1);
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Ipv6Lab v6 = Ipv6Lab.of(lab);
            Host client = lab.host("client");
            Host director = lab.host("director");
            // The real servers live in 2001:db8:7::/64 only: no address, no route in the client's network.
            String rs1 = "2001:db8:7::7";
            String rs2 = "2001:db8:7::8";
            for (String[] rs : new String[][] {{"rs1", rs1}, {"rs2", rs2}}) {
                Host host = lab.host(rs[0]);
                host.exec("ip", "-6", "addr", "del", v6.address(host) + "/64", "dev", host.iface()).check();
                host.exec("ip", "-6", "addr", "add", rs[1] + "/64", "dev", host.iface(), "nodad").check();
                assertFalse(host.exec("ip", "-6", "route", "get", v6.address(client)).ok(), rs[0] + " has a route");
            }
            director.exec("ip", "-6", "addr", "add", "2001:db8:7::2/64", "dev", director.iface(), "nodad").check();
            director.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=0").check();
            String local = "2001:db8:7::fe";
            String vip = Ipv6Lab.vip(0x200);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(rs1), 80, 1));
            vs.addRealServer(RealServer.of(InetAddress.getByName(rs2), 80, 1));
            try (DownloadServer one = DownloadServer.start(lab.host("rs1"), "nginx1", 80, BIG, 8);
                    DownloadServer two = DownloadServer.start(lab.host("rs2"), "nginx2", 80, BIG, 8);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface())
                            .directorAddress6((Inet6Address) InetAddress.getByName("2001:db8:7::2"))
                            .loops(oneLoop).virtualService(vs, Forwarding.fullNat())
                            .localAddresses(InetAddress.getByName(local)).neighbourRefresh(Duration.ofSeconds(2))
                            .clock(clock).build().start())) {
                awaitResolved(dr, rs1, rs2);
                String url = "http://[" + vip + "]/";
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    names.add(client.exec("curl", "-6", "-sS", "-m", "5", "-g", url).check().stdout().strip());
                }
                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), names);
                for (int i = 0; i < 2; i++) {
                    String sum = client.netns().exec(Duration.ofSeconds(60), "sh", "-c",
                            "curl -6 -sS -m 50 -g 'http://[" + vip + "]/big.bin' | sha256sum").check().stdout();
                    assertEquals(one.sha256(), sum.split(" ")[0], "download " + i);
                }
                assertEquals(one.sha256(), two.sha256());
                assertEquals(6, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                assertTrue(dr.counter(DirectorCounter.FULL_NAT_REPLIES_FORWARDED) > 2 * BIG / 65536);
                assertEquals(0, dr.socketStatistics().txErrors());
                assertEquals(6, dr.localPortsInUse());
                expireAll(dr);
                assertEquals(0, dr.localPortsInUse());
            }
        } finally {
            oneLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Sends one GET and returns the body: the server's name. */
    private static String get(Socket socket, boolean keepAlive) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: x\r\nConnection: " + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IllegalStateException("closed in the head: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII).strip();
    }

    private static int ip(String address) throws Exception {
        byte[] b = InetAddress.getByName(address).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}

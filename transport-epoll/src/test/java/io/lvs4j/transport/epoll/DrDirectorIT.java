package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.ClientPorts;
import io.lvs4j.testkit.Lab;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DR director end to end in namespaces: a client, the in-process director, two real
 * servers (nginx, or the built-in server) holding the VIP on {@code lo}.
 */
class DrDirectorIT {

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

    @Test
    void shouldBalanceRoundRobinCountConnectionsAndDropMalformedFramesWhileServing() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String vip = lab.address(200);
            lab.host("rs1").holdVipOnLoopback(vip);
            lab.host("rs2").holdVipOnLoopback(vip);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs1").ip()), 80, 1));
            vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs2").ip()), 80, 1));
            try (NamedHttpServer one = NamedHttpServer.start(lab.host("rs1"), "nginx1", 80);
                    NamedHttpServer two = NamedHttpServer.start(lab.host("rs2"), "nginx2", 80);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder().interfaceName(director.iface())
                            .directorAddress(InetAddress.getByName(director.ip())).loops(loops).virtualService(vs)
                            .gratuitousArp(3, Duration.ofMillis(100)).neighbourRefresh(Duration.ofSeconds(2))
                            .build().start())) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(lab.host("rs1").ip()))
                        && dr.resolved(InetAddress.getByName(lab.host("rs2").ip())));
                assertTrue(dr.counter(DirectorCounter.GRATUITOUS_ARPS) >= 1);
                // Every connection below comes from a port of its own: with the kernel's choice, a
                // connection could reuse the tuple of an earlier one that the director still holds
                // in FIN_WAIT, which then goes to that one's server unscheduled, as in IPVS
                // (conn_reuse_mode 1), and the counts below would be off (see ClientPorts).
                ClientPorts ports = new ClientPorts();

                // rr over two servers: the server added last answers first, then they alternate.
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    names.add(curl(client, ports, "http://" + vip + "/"));
                }
                assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"), names);
                assertTrue(dr.counter(DirectorCounter.ARP_REPLIES) >= 1, "the client resolved the VIP through us");

                // Three keep-alive connections held open count as ActiveConn.
                List<Socket> held = client.netns().call(() -> {
                    List<Socket> sockets = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        Socket s = ports.connect(client.ip(), new InetSocketAddress(vip, 80), 5000);
                        sockets.add(s);
                        request(s, vip, true);
                    }
                    return sockets;
                });
                await().atMost(10, TimeUnit.SECONDS).until(() -> active(vs) == 3);

                // 1,000 sequential requests, with malformed frames sent at the director half way.
                Map<String, Integer> answers = client.netns().call(() -> {
                    Map<String, Integer> count = new HashMap<>();
                    for (int i = 0; i < 1000; i++) {
                        if (i == 500) {
                            sendMalformedFrames(client, director, vip);
                        }
                        try (Socket s = ports.connect(client.ip(), new InetSocketAddress(vip, 80), 5000)) {
                            count.merge(request(s, vip, false), 1, Integer::sum);
                        }
                    }
                    return count;
                });
                assertEquals(Map.of("nginx1", 500, "nginx2", 500), answers);

                for (Socket s : held) {
                    s.close();
                }
                int opened = 4 + 3 + 1000;
                await().atMost(10, TimeUnit.SECONDS).until(() -> active(vs) == 0 && inactive(vs) == opened);
                assertEquals(opened, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                assertEquals(opened, dr.connectionCount());

                assertTrue(dr.drops(DropReason.IPV4_TRUNCATED) >= 1);
                assertTrue(dr.drops(DropReason.IPV4_BAD_HEADER_LENGTH) >= 1);
                assertTrue(dr.drops(DropReason.IPV4_BAD_CHECKSUM) >= 1);
                assertTrue(dr.drops(DropReason.UNSUPPORTED_ETHER_TYPE) >= 1);
                assertTrue(dr.drops(DropReason.TCP_BAD_DATA_OFFSET) >= 1);
                assertTrue(dr.counter(DirectorCounter.DROP_FRAGMENT) >= 1);
                assertTrue(dr.counter(DirectorCounter.DROP_ARP_SPOOF) >= 1);
                assertTrue(dr.counter(DirectorCounter.FORWARDED) > opened * 3L);
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertEquals(0, dr.socketStatistics().txErrors());

                // Made persistent, the service sends every new connection of the client to one server.
                // From a second client address, one the director has not seen before.
                vs.persistence(Duration.ofSeconds(60), 32);
                String fresh = lab.address(150);
                client.exec("ip", "addr", "add", fresh + "/" + Lab.PREFIX_LENGTH, "dev", client.iface()).check();
                List<String> sticky = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    sticky.add(curl(client, ports, "--interface", fresh, "http://" + vip + "/"));
                }
                assertEquals(1, sticky.stream().distinct().count(), "one server for the persistent client: " + sticky);
                assertEquals(1, persistent(vs), "one template");
            }
        }
    }

    /** Runs curl from the client with a port of its own; returns the body, stripped. */
    private static String curl(Host client, ClientPorts ports, String... arguments) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-m", "5"));
        command.addAll(ports.curlOption());
        command.addAll(List.of(arguments));
        return client.exec(command.toArray(String[]::new)).check().stdout().strip();
    }

    private static int persistent(VirtualService vs) {
        int sum = 0;
        for (int i = 0; i < vs.destinations().size(); i++) {
            sum += vs.destinations().get(i).counters().persistentConnections();
        }
        return sum;
    }

    @Test
    void shouldSpreadConcurrentKeepAliveConnectionsEvenlyWithWlcAndKeepEachOnItsServer() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String vip = lab.address(201);
            lab.host("rs1").holdVipOnLoopback(vip);
            lab.host("rs2").holdVipOnLoopback(vip);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("wlc", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs1").ip()), 80, 1));
            vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs2").ip()), 80, 1));
            try (NamedHttpServer one = NamedHttpServer.start(lab.host("rs1"), "nginx1", 80);
                    NamedHttpServer two = NamedHttpServer.start(lab.host("rs2"), "nginx2", 80);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder().interfaceName(director.iface())
                            .directorAddress(InetAddress.getByName(director.ip())).loops(loops).virtualService(vs)
                            .build().start())) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(lab.host("rs1").ip()))
                        && dr.resolved(InetAddress.getByName(lab.host("rs2").ip())));
                List<Socket> sockets = client.netns().call(() -> {
                    List<Socket> open = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        Socket socket = new Socket();
                        socket.connect(new InetSocketAddress(vip, 80), 5000);
                        socket.setSoTimeout(5000);
                        open.add(socket);
                    }
                    return open;
                });
                try {
                    Map<String, Integer> perServer = new HashMap<>();
                    for (int round = 0; round < 5; round++) {
                        Map<String, Integer> thisRound = new HashMap<>();
                        for (int i = 0; i < sockets.size(); i++) {
                            String name = request(sockets.get(i), vip, true);
                            thisRound.merge(name, 1, Integer::sum);
                            if (round == 0) {
                                perServer.put("socket" + i, name.equals("nginx1") ? 1 : 2);
                            } else {
                                assertEquals(perServer.get("socket" + i), name.equals("nginx1") ? 1 : 2,
                                        "a connection stays on its server");
                            }
                        }
                        assertEquals(Map.of("nginx1", 50, "nginx2", 50), thisRound);
                    }
                    for (int i = 0; i < vs.destinations().size(); i++) {
                        assertEquals(50, vs.destinations().get(i).counters().activeConnections());
                    }
                } finally {
                    for (Socket socket : sockets) {
                        socket.close();
                    }
                }
                await().atMost(10, TimeUnit.SECONDS).until(() -> active(vs) == 0 && inactive(vs) == 100);
            }
        }
    }

    @Test
    void shouldNeverForwardToARealServerWhoseMacIsUnresolved() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String vip = lab.address(202);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(lab.address(250)), 80, 1)); // no such host
            try (PacketDirector dr = director.netns().call(() -> PacketDirector.builder().interfaceName(director.iface())
                    .directorAddress(InetAddress.getByName(director.ip())).loops(loops).virtualService(vs)
                    .neighbourRefresh(Duration.ofMillis(200)).build().start())) {
                await().atMost(5, TimeUnit.SECONDS).until(() -> dr.counter(DirectorCounter.ARP_REQUESTS) >= 2);
                assertTrue(!client.exec("curl", "-sS", "-m", "2", "http://" + vip + "/").ok());
                assertTrue(dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR) >= 1);
                assertEquals(0, dr.counter(DirectorCounter.FORWARDED));
                assertTrue(!dr.resolved(InetAddress.getByName(lab.address(250))));
            }
        }
    }

    private static int active(VirtualService vs) {
        int sum = 0;
        for (int i = 0; i < vs.destinations().size(); i++) {
            sum += vs.destinations().get(i).counters().activeConnections();
        }
        return sum;
    }

    private static int inactive(VirtualService vs) {
        int sum = 0;
        for (int i = 0; i < vs.destinations().size(); i++) {
            ConnectionCounters c = vs.destinations().get(i).counters();
            sum += c.inactiveConnections();
        }
        return sum;
    }

    /** Sends one GET and returns the body's first line: the server's name. */
    private static String request(Socket socket, String host, boolean keepAlive) throws IOException {
        String request = "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: " + (keepAlive ? "keep-alive" : "close")
                + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        if (!headers.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected response: " + headers);
        }
        int length = -1;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        byte[] body = in.readNBytes(length);
        return new String(body, StandardCharsets.US_ASCII).strip();
    }

    private static void sendMalformedFrames(Host client, Host director, String vip) throws Exception {
        long from = client.macBits();
        long to = director.macBits();
        List<byte[]> frames = new ArrayList<>();
        byte[] syn = new PacketBuilder().ethernet(from, to).ipv4(client.ip(), vip).tcp(40001, 80, 0x02).build();
        frames.add(java.util.Arrays.copyOf(syn, 24));                 // IPv4 header cut short
        byte[] badIhl = syn.clone();
        badIhl[14] = 0x44;                                             // IHL of 16 bytes
        frames.add(badIhl);
        byte[] badChecksum = syn.clone();
        badChecksum[24] ^= 0x5A;                                       // IPv4 header checksum
        frames.add(badChecksum);
        byte[] badOffset = new PacketBuilder().ethernet(from, to).ipv4(client.ip(), vip).tcp(40002, 80, 0x02).build();
        badOffset[14 + 20 + 12] = 0x20;                                // TCP data offset of 2 words
        frames.add(badOffset);
        frames.add(new PacketBuilder().ethernet(from, to).ipv4(client.ip(), vip).fragment(1480, true)
                .udp(40003, 80).payload(new byte[32]).build());
        byte[] unknown = syn.clone();
        unknown[12] = (byte) 0x88;
        unknown[13] = (byte) 0xB5;
        frames.add(unknown);
        frames.add(new PacketBuilder().ethernet(0x02_00_00_00_00_66L, to)
                .arp(ArpPacket.OP_REPLY, 0x02_00_00_00_00_66L, vip, to, director.ip()).build());
        try (PacketSocket socket = PacketSocket.open(loops.next(), PacketSocketOptions.forInterface(client.iface()),
                false, s -> frame -> { });
                Arena arena = Arena.ofShared()) {
            for (byte[] frame : frames) {
                MemorySegment segment = arena.allocate(frame.length);
                MemorySegment.copy(frame, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, frame.length);
                assertTrue(socket.loop().submit(() -> socket.send(segment, 0, frame.length)).get());
            }
        }
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.lab.NamedHttpServer;
import io.lvs4j.testkit.ClientPorts;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The director with the AF_XDP transport in namespaces: the XDP program attached natively to
 * the director's veth, real curl through it to real nginx (DR and NAT), the host's own traffic
 * (ping of the director's address, the director's own HTTP request to a NAT real server, whose
 * reply the program must leave to the kernel) still working, bad frames counted, and the
 * program gone from the interface once the director is closed.
 *
 * <p>The senders' transmit checksum offload is off ({@link TxChecksumOffload}): a frame from a
 * local sender over veth carries a partial checksum, which AF_XDP does not report.
 */
class XdpDirectorIT {

    private static final String CLIENT = "198.18.1.11";
    private static final String CLIENT_GATEWAY = "198.18.1.1";
    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("curl", "ping");
        loops = PacketSocketGroup.newEventLoopGroup(2);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldForwardDirectRoutingThroughAfXdpAndLeaveTheHostsTrafficToTheKernel() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String vip = lab.address(200);
            lab.host("rs1").holdVipOnLoopback(vip);
            lab.host("rs2").holdVipOnLoopback(vip);
            assertFalse(TxChecksumOffload.set(client, false));
            VirtualService vs = service(vip, 80, 80, lab.host("rs1"), lab.host("rs2"));
            PacketDirector dr;
            try (NamedHttpServer one = NamedHttpServer.start(lab.host("rs1"), "nginx1", 80);
                    NamedHttpServer two = NamedHttpServer.start(lab.host("rs2"), "nginx2", 80)) {
                dr = director.netns().call(() -> builder(director).virtualService(vs).build().start());
                try {
                    assertEquals("xdp (native)", dr.transport());
                    assertTrue(xdpLink(director).contains("prog/xdp"), xdpLink(director));
                    awaitResolved(dr, lab.host("rs1"), lab.host("rs2"));
                    ClientPorts ports = new ClientPorts();
                    Map<String, Integer> answers = new HashMap<>();
                    for (int i = 0; i < 40; i++) {
                        answers.merge(curl(client, ports, "http://" + vip + "/"), 1, Integer::sum);
                    }
                    assertEquals(Map.of("nginx1", 20, "nginx2", 20), answers);
                    PacketSocketStatistics xsk = dr.xdp().statistics();
                    assertTrue(xsk.rxFrames() >= 40 * 3 && xsk.txFrames() >= 40 * 3, xsk.toString());
                    assertEquals(40, dr.counter(DirectorCounter.NEW_CONNECTIONS));

                    // The host's own traffic passes: a ping of the director's address, ARP for it.
                    client.exec("ping", "-c", "2", "-W", "2", director.ip()).check();
                    // Bad frames to the VIP arrive over AF_XDP and are counted drops, as on AF_PACKET.
                    client.netns().call(() -> {
                        sendBadFrames(client, director, vip);
                        return null;
                    });
                    await().atMost(5, TimeUnit.SECONDS).until(() -> dr.drops(DropReason.IPV4_BAD_CHECKSUM) >= 1
                            && dr.drops(DropReason.TCP_BAD_DATA_OFFSET) >= 1);
                    assertEquals("nginx2", curl(client, ports, "http://" + vip + "/"), "rr goes on where it was");
                } finally {
                    dr.close();
                }
                assertFalse(xdpLink(director).contains("xdp"), "detached: " + xdpLink(director));
            }
        }
    }

    @Test
    void shouldForwardNatRepliesThroughAfXdpButLeaveTheDirectorsOwnRequestsToTheKernel() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            client.exec("ip", "addr", "flush", "dev", client.iface()).check();
            client.exec("ip", "addr", "add", CLIENT + "/24", "dev", client.iface()).check();
            client.exec("ip", "route", "add", "default", "via", CLIENT_GATEWAY).check();
            director.exec("ip", "addr", "add", CLIENT_GATEWAY + "/24", "dev", director.iface()).check();
            for (Host rs : List.of(rs1, rs2)) {
                rs.exec("ip", "route", "add", "default", "via", director.ip()).check();
                assertFalse(TxChecksumOffload.set(rs, false));
            }
            assertFalse(TxChecksumOffload.set(client, false));
            String vip = lab.address(200);
            VirtualService vs = service(vip, 80, 8080, rs1, rs2);
            try (NamedHttpServer one = NamedHttpServer.start(rs1, "nginx1", 8080);
                    NamedHttpServer two = NamedHttpServer.start(rs2, "nginx2", 8080);
                    PacketDirector dr = director.netns().call(() -> builder(director)
                            .virtualService(vs, Forwarding.masquerade()).build().start())) {
                assertEquals("xdp (native)", dr.transport());
                awaitResolved(dr, rs1, rs2);
                ClientPorts ports = new ClientPorts();
                Map<String, Integer> answers = new HashMap<>();
                for (int i = 0; i < 20; i++) {
                    answers.merge(curl(client, ports, "http://" + vip + "/"), 1, Integer::sum);
                }
                assertEquals(Map.of("nginx1", 10, "nginx2", 10), answers);
                assertTrue(dr.counter(DirectorCounter.FORWARDED) >= 20 * 6, "both directions forwarded");
                // The director's own request to a NAT real server (a health check's way): the reply
                // comes from a NAT server to the host's address, and the program passes it.
                for (Host rs : List.of(rs1, rs2)) {
                    assertEquals(rs == rs1 ? "nginx1" : "nginx2", director.exec("curl", "-sS", "-m", "5",
                            "http://" + rs.ip() + ":8080/").check().stdout().strip());
                }
                PacketSocketStatistics xsk = dr.xdp().statistics();
                assertTrue(xsk.rxFrames() >= 20 * 6, xsk.toString());
                // An address the host gains later (as VRRP adds a virtual_ipaddress): a NAT
                // server's ping of it is soon left to the kernel again, which answers it.
                director.exec("ip", "addr", "add", lab.address(77) + "/24", "dev", director.iface()).check();
                await().atMost(10, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                        .until(() -> rs1.exec("ping", "-c", "1", "-W", "1", lab.address(77)).ok());
            }
            assertFalse(xdpLink(director).contains("xdp"), "detached: " + xdpLink(director));
        }
    }

    @Test
    void shouldForwardFullNatThroughAfXdpRepliesToTheLocalAddressIncluded() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            // The real servers only know the servers' network, so they answer the local address.
            for (Host rs : List.of(rs1, rs2)) {
                rs.exec("ip", "addr", "flush", "dev", rs.iface()).check();
                rs.exec("ip", "addr", "add", (rs == rs1 ? "198.18.1.13" : "198.18.1.14") + "/24", "dev", rs.iface())
                        .check();
                assertFalse(TxChecksumOffload.set(rs, false));
            }
            assertFalse(TxChecksumOffload.set(client, false));
            director.exec("ip", "addr", "add", "198.18.1.2/24", "dev", director.iface()).check();
            String vip = lab.address(200);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.1.13"), 80, 1));
            vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.1.14"), 80, 1));
            try (NamedHttpServer one = NamedHttpServer.start(rs1, "nginx1", 80);
                    NamedHttpServer two = NamedHttpServer.start(rs2, "nginx2", 80);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                            .interfaceName(director.iface()).transport(Transport.XDP)
                            .directorAddress(InetAddress.getByName("198.18.1.2")).loops(loops)
                            .localAddresses(InetAddress.getByName("198.18.1.254"))
                            .virtualService(vs, Forwarding.fullNat()).gratuitousArp(2, Duration.ofMillis(100))
                            .neighbourRefresh(Duration.ofSeconds(2)).build().start())) {
                assertEquals("xdp (native)", dr.transport());
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName("198.18.1.13"))
                        && dr.resolved(InetAddress.getByName("198.18.1.14")));
                ClientPorts ports = new ClientPorts();
                Map<String, Integer> answers = new HashMap<>();
                for (int i = 0; i < 10; i++) {
                    answers.merge(curl(client, ports, "http://" + vip + "/"), 1, Integer::sum);
                }
                assertEquals(Map.of("nginx1", 5, "nginx2", 5), answers);
                PacketSocketStatistics xsk = dr.xdp().statistics();
                assertTrue(xsk.rxFrames() >= 10 * 6 && xsk.txFrames() >= 10 * 6, "both directions: " + xsk);
            }
        }
    }

    @Test
    void shouldFallBackToPacketSocketsWhereTheInterfaceAlreadyHasAnXdpProgram() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String vip = lab.address(200);
            lab.host("rs1").holdVipOnLoopback(vip);
            VirtualService first = service(vip, 80, 80, lab.host("rs1"));
            try (NamedHttpServer one = NamedHttpServer.start(lab.host("rs1"), "nginx1", 80)) {
                PacketDirector xdp = director.netns().call(() -> builder(director).virtualService(first).build().start());
                String attached = xdpLink(director);
                try {
                    assertEquals("xdp (native)", xdp.transport());
                    // A second XDP director on the same interface: the kernel refuses its AF_XDP
                    // socket (the queue has one) as it would its program (one per interface), so
                    // it runs on the packet sockets, and the first one's program stays.
                    VirtualService second = service(lab.address(201), 80, 80, lab.host("rs1"));
                    try (PacketDirector fallback = director.netns().call(() -> builder(director).virtualService(second)
                            .build().start())) {
                        assertEquals("packet", fallback.transport());
                        assertEquals(null, fallback.xdp());
                        assertEquals(attached, xdpLink(director), "the first program untouched");
                    }
                    assertEquals(attached, xdpLink(director), "still attached after the second closed");
                } finally {
                    xdp.close();
                }
                assertFalse(xdpLink(director).contains("xdp"), "detached: " + xdpLink(director));
                // And with no program left, the packet sockets alone forward as before.
                try (PacketDirector packet = director.netns().call(() -> PacketDirector.builder()
                        .interfaceName(director.iface()).directorAddress(InetAddress.getByName(director.ip()))
                        .loops(loops).virtualService(service(vip, 80, 80, lab.host("rs1"))).build().start())) {
                    assertEquals("packet", packet.transport());
                    awaitResolved(packet, lab.host("rs1"));
                    assertEquals("nginx1", curl(client, new ClientPorts(), "http://" + vip + "/"));
                }
            }
        }
    }

    @Test
    void shouldAttachInGenericModeWhereTheDriverRefusesNativeXdp() throws Exception {
        try (Lab lab = Lab.builder().host("director").host("rs1").build()) {
            Host director = lab.host("director");
            // A bridge has no native XDP: the program goes on in generic (skb) mode.
            director.exec("ip", "link", "add", "genbr0", "type", "bridge").check();
            director.exec("ip", "addr", "add", "198.18.9.1/24", "dev", "genbr0").check();
            director.exec("ip", "link", "set", "genbr0", "up").check();
            VirtualService vs = service("198.18.9.200", 80, 80, lab.host("rs1"));
            try (PacketDirector dr = director.netns().call(() -> PacketDirector.builder().interfaceName("genbr0")
                    .transport(Transport.XDP).directorAddress(InetAddress.getByName("198.18.9.1")).loops(loops)
                    .virtualService(vs).gratuitousArp(1, Duration.ofMillis(100)).build().start())) {
                assertEquals("xdp (generic)", dr.transport());
                String link = director.exec("ip", "-d", "link", "show", "dev", "genbr0").check().stdout();
                assertTrue(link.contains("xdpgeneric"), link);
            }
            String link = director.exec("ip", "-d", "link", "show", "dev", "genbr0").check().stdout();
            assertFalse(link.contains("xdp"), "detached: " + link);
        }
    }

    private static PacketDirectorBuilder builder(Host director) throws Exception {
        return PacketDirector.builder().interfaceName(director.iface()).transport(Transport.XDP)
                .directorAddress(InetAddress.getByName(director.ip())).loops(loops)
                .gratuitousArp(2, Duration.ofMillis(100)).neighbourRefresh(Duration.ofSeconds(2));
    }

    private static VirtualService service(String vip, int port, int serverPort, Host... servers) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), port,
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

    /** @return {@code ip -d link show} of the director's interface, which names an attached XDP program */
    private static String xdpLink(Host director) {
        return director.exec("ip", "-d", "link", "show", "dev", director.iface()).check().stdout();
    }

    private static String curl(Host client, ClientPorts ports, String url) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-m", "5"));
        command.addAll(ports.curlOption());
        command.add(url);
        return client.exec(command.toArray(String[]::new)).check().stdout().strip();
    }

    private static void sendBadFrames(Host client, Host director, String vip) throws Exception {
        long from = client.macBits();
        long to = director.macBits();
        byte[] badChecksum = new PacketBuilder().ethernet(from, to).ipv4(client.ip(), vip).tcp(40001, 80, 0x02).build();
        badChecksum[24] ^= 0x5A;
        byte[] badOffset = new PacketBuilder().ethernet(from, to).ipv4(client.ip(), vip).tcp(40002, 80, 0x02).build();
        badOffset[14 + 20 + 12] = 0x20;
        try (PacketSocket socket = PacketSocket.open(loops.next(), PacketSocketOptions.forInterface(client.iface()),
                false, s -> frame -> { });
                Arena arena = Arena.ofShared()) {
            for (byte[] frame : List.of(badChecksum, badOffset)) {
                MemorySegment segment = arena.allocate(frame.length);
                MemorySegment.copy(frame, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, frame.length);
                assertTrue(socket.loop().submit(() -> socket.send(segment, 0, frame.length)).get());
            }
        }
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.testkit.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NamedHttpServer;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.testkit.RealServerSetup;
import io.lvs4j.transport.epoll.tunnel.DecapCounter;
import io.lvs4j.transport.epoll.tunnel.TunnelDecapsulator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tunnelling director end to end in namespaces: a client, the in-process director with an
 * IP-in-IP and a GUE virtual service, and two real servers, each running the user-space
 * decapsulator for both tunnels (the kernel has no {@code ipip} module here), nginx on port 80
 * and a bulk server on port 9000 that sends 10 MiB or digests what it receives. The real servers
 * answer the client directly from the VIP.
 */
class TunnelDirectorIT {

    private static final int GUE_PORT = 6080;
    private static final int BULK_PORT = 9000;
    private static final int BULK_BYTES = 10 << 20;

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("curl");
        loops = PacketSocketGroup.newEventLoopGroup(4);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldServeBothRealServersAndTenMegabytesEachWayThroughIpipAndGueAndLearnTheTunnelMtu() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            String ipipVip = lab.address(220);
            String gueVip = lab.address(221);
            List<AutoCloseable> resources = new ArrayList<>();
            try {
                List<TunnelDecapsulator> decaps = new ArrayList<>();
                int n = 0;
                for (Host rs : List.of(lab.host("rs1"), lab.host("rs2"))) {
                    n++;
                    decaps.addAll(realServer(lab, rs, "nginx" + n, List.of(ipipVip, gueVip), resources));
                }
                PacketDirector dr = director.netns().call(() -> PacketDirector.builder()
                        .interfaceName(director.iface()).directorAddress(InetAddress.getByName(director.ip()))
                        .loops(loops)
                        .virtualService(service(lab, ipipVip, 80), Forwarding.ipip())
                        .virtualService(service(lab, ipipVip, BULK_PORT), Forwarding.ipip())
                        .virtualService(service(lab, gueVip, 80), Forwarding.gue(GUE_PORT))
                        .virtualService(service(lab, gueVip, BULK_PORT), Forwarding.gue(GUE_PORT))
                        .gratuitousArp(2, Duration.ofMillis(100)).build().start());
                resources.add(dr);
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(lab.host("rs1").ip()))
                        && dr.resolved(InetAddress.getByName(lab.host("rs2").ip())));

                for (String vip : List.of(ipipVip, gueVip)) {
                    Set<String> names = new HashSet<>();
                    for (int i = 0; i < 4; i++) {
                        names.add(client.exec("curl", "-sS", "-m", "5", "http://" + vip + "/").check().stdout().strip());
                    }
                    assertEquals(Set.of("nginx1", "nginx2"), names, "curl through " + vip + " reaches both servers");
                }

                byte[] data = new byte[BULK_BYTES];
                new Random(7).nextBytes(data);
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
                for (String vip : List.of(ipipVip, gueVip)) {
                    assertArrayEquals(digest, download(client, vip), "10 MiB from " + vip);
                }
                assertEquals(0, dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG), "the client only sent ACKs so far");

                // Uploads: the client's full-sized segments (1,500 bytes) do not fit the tunnel. The
                // director answers fragmentation needed, the client learns the tunnel's MTU and
                // sends smaller segments; the bytes arrive intact.
                for (String vip : List.of(ipipVip, gueVip)) {
                    int tunnelMtu = vip.equals(ipipVip) ? 1500 - 20 : 1500 - 32;
                    long errors = dr.counter(DirectorCounter.TUNNEL_ICMP_SENT);
                    assertArrayEquals(digest, upload(client, vip, data), "10 MiB to " + vip);
                    assertTrue(dr.counter(DirectorCounter.TUNNEL_ICMP_SENT) > errors, "fragmentation needed sent");
                    String route = client.exec("ip", "route", "get", vip).check().stdout();
                    assertTrue(route.contains("mtu " + tunnelMtu), "the client learnt the tunnel MTU: " + route);

                    // A following connection uses the smaller MSS from the start: nothing is too big.
                    long tooBig = dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG);
                    assertArrayEquals(digest, upload(client, vip, data), "again 10 MiB to " + vip);
                    assertEquals(tooBig, dr.counter(DirectorCounter.DROP_TUNNEL_TOO_BIG));
                }
                assertTrue(dr.counter(DirectorCounter.TUNNEL_SUPER_FRAMES) > 0, "GSO super-frames were segmented");
                assertTrue(dr.counter(DirectorCounter.TUNNEL_ENCAPSULATED) > 4L * BULK_BYTES / 1500);
                assertEquals(0, dr.counter(DirectorCounter.DROP_TUNNEL_UNSUPPORTED));
                assertEquals(0, dr.socketStatistics().txErrors());
                for (TunnelDecapsulator decap : decaps) {
                    assertTrue(decap.counter(DecapCounter.DECAPSULATED) > 0, "every decapsulator got traffic");
                    assertEquals(0, decap.drops());
                }
            } finally {
                for (int i = resources.size() - 1; i >= 0; i--) {
                    resources.get(i).close();
                }
            }
        }
    }

    /** Starts both decapsulators, the VIP setup, nginx and the bulk server on a real server. */
    private static List<TunnelDecapsulator> realServer(Lab lab, Host rs, String name, List<String> vips,
            List<AutoCloseable> resources) throws Exception {
        String ipipTun = "ti" + lab.tag() + rs.role().charAt(rs.role().length() - 1);
        String gueTun = "tg" + lab.tag() + rs.role().charAt(rs.role().length() - 1);
        IoEventLoop loop = (IoEventLoop) loops.next();
        TunnelDecapsulator ipip = rs.netns().call(() -> TunnelDecapsulator.builder().ipip().tunName(ipipTun)
                .families(StandardProtocolFamily.INET).loop(loop).build().start());
        resources.add(ipip);
        TunnelDecapsulator gue = rs.netns().call(() -> TunnelDecapsulator.builder().gue(GUE_PORT).tunName(gueTun)
                .families(StandardProtocolFamily.INET).loop(loop).build().start());
        resources.add(gue);
        for (String tun : List.of(ipipTun, gueTun)) {
            RealServerSetup setup = RealServerSetup.in(rs.netns()).tunDevice(tun);
            vips.forEach(setup::vip);
            setup.apply();
        }
        resources.add(NamedHttpServer.start(rs, name, 80));
        ServerSocket bulk = rs.netns().call(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(BULK_PORT));
            return s;
        });
        resources.add(bulk);
        rs.netns().executor().submit(() -> serveBulk(bulk));
        return List.of(ipip, gue);
    }

    /** 'D': sends the 10 MiB; 'U' and a length: reads that many bytes and answers their SHA-256. */
    private static Void serveBulk(ServerSocket listener) throws Exception {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(30_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                int command = in.read();
                if (command == 'D') {
                    byte[] data = new byte[BULK_BYTES];
                    new Random(7).nextBytes(data);
                    out.write(data);
                } else if (command == 'U') {
                    long length = in.readLong();
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[65536];
                    for (long left = length; left > 0; ) {
                        int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (r < 0) {
                            break;
                        }
                        md.update(buffer, 0, r);
                        left -= r;
                    }
                    out.write(md.digest());
                }
                out.flush();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return null;
                }
            }
        }
        return null;
    }

    private static byte[] download(Host client, String vip) throws Exception {
        return client.netns().call(() -> {
            try (Socket s = connect(vip)) {
                s.getOutputStream().write('D');
                s.getOutputStream().flush();
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[65536];
                long total = 0;
                for (int r; (r = in.read(buffer)) > 0; ) {
                    md.update(buffer, 0, r);
                    total += r;
                }
                assertEquals(BULK_BYTES, total);
                return md.digest();
            }
        });
    }

    private static byte[] upload(Host client, String vip, byte[] data) throws Exception {
        return client.netns().call(() -> {
            try (Socket s = connect(vip)) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.write('U');
                out.writeLong(data.length);
                out.write(data);
                out.flush();
                return new DataInputStream(s.getInputStream()).readNBytes(32);
            }
        });
    }

    private static Socket connect(String vip) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(vip, BULK_PORT), 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    private static VirtualService service(Lab lab, String vip, int port) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), port,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs1").ip()), port, 1));
        vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs2").ip()), port, 1));
        return vs;
    }
}

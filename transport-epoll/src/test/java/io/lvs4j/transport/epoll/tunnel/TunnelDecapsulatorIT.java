package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.lab.RealServerSetup;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decapsulator end to end in namespaces: a client, a "director" (the test, sending
 * hand-built IPIP, IPv6-in-IPv6 and GUE packets from a raw or UDP socket there) and a real
 * server running the decapsulator in-process, with the VIP on {@code lo} (set up by
 * {@link RealServerSetup}) and a UDP echo server bound to the VIP. The inner packets are UDP
 * datagrams from the client's address to the VIP; the client must receive the echo straight
 * from the real server, with the VIP as source.
 */
class TunnelDecapsulatorIT {

    private static final int ECHO_PORT = 7;
    private static final int DATAGRAMS = 5;
    private static final int GUE_PORT = 6080;
    private static final Pattern OUT_DEST_UNREACHS = Pattern.compile("(?m)^Icmp: (.*)\\R^Icmp: (.*)$");

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns();
        loops = PacketSocketGroup.newEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldDeliverIpipSoTheRealServerAnswersTheClientFromTheVipAndSilenceProtocolUnreachable() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs = lab.host("rs");
            String vip = lab.address(203);
            InetAddress server = InetAddress.getByName(rs.ip());
            byte[] probe = ipip(director, rs, new PacketBuilder().ipv4(client.ip(), vip).udp(40000, ECHO_PORT)
                    .payload(new byte[] {1}).buildIpPacket());

            // Without a decapsulator (and without the ipip module) the kernel answers protocol 4
            // with ICMP protocol-unreachable.
            boolean noIpipModule = !rs.exec("ip", "link", "show", "tunl0").ok();
            long unreachableBefore = outDestUnreachs(rs);
            try (RawSender sender = director.netns().call(RawSender::ipv4)) {
                sender.send(probe, server);
            }
            if (noIpipModule) {
                await().atMost(5, TimeUnit.SECONDS).until(() -> outDestUnreachs(rs) == unreachableBefore + 1);
            }

            String tun = "tun-" + lab.tag();
            IoEventLoop loop = (IoEventLoop) loops.next();
            try (TunnelDecapsulator decap = rs.netns().call(() -> TunnelDecapsulator.builder().ipip().tunName(tun)
                    .families(StandardProtocolFamily.INET).loop(loop).build().start());
                    UdpEchoServer echo = realServer(rs, tun, vip);
                    DatagramSocket socket = clientSocket(client);
                    RawSender sender = director.netns().call(RawSender::ipv4)) {
                long unreachable = outDestUnreachs(rs);
                exchange(socket, new InetSocketAddress(vip, ECHO_PORT), i -> {
                    byte[] inner = new PacketBuilder().ipv4(client.ip(), vip).udp(socket.getLocalPort(), ECHO_PORT)
                            .payload(message(i)).buildIpPacket();
                    return () -> sender.send(ipip(director, rs, inner), server);
                });
                assertEquals(DATAGRAMS, echo.received());
                awaitCount(decap, DecapCounter.DECAPSULATED, DATAGRAMS);
                assertEquals(DATAGRAMS, decap.counter(DecapCounter.RECEIVED));
                assertEquals(0, decap.drops());
                assertTrue(decap.counter(DecapCounter.DECAPSULATED_BYTES) > DATAGRAMS * 28L);
                assertEquals(decap.counter(DecapCounter.DECAPSULATED_BYTES) + DATAGRAMS * 20L,
                        decap.counter(DecapCounter.RECEIVED_BYTES), "each outer header is 20 bytes");

                // A raw socket of protocol 4 holds: the kernel no longer answers with ICMP.
                assertEquals(unreachable, outDestUnreachs(rs));

                // An IPv6 packet inside protocol 4 is refused and counted.
                byte[] wrong = new PacketBuilder().ipv6("2001:2::11", "2001:2::203").udp(1, ECHO_PORT)
                        .buildIpPacket();
                sender.send(ipip(director, rs, wrong), server);
                await().atMost(5, TimeUnit.SECONDS).until(() -> decap.counter(DecapCounter.DROP_WRONG_INNER_VERSION) == 1);
                awaitCount(decap, DecapCounter.DECAPSULATED, DATAGRAMS);
            }
            assertFalse(rs.exec("ip", "link", "show", tun).ok(), "the TUN device is gone after close");
        }
    }

    @Test
    void shouldDeliverGueOfIpvsWithAndWithoutRemoteChecksumAndGueVariantOneAndCountWhatItRefuses() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs = lab.host("rs");
            String vip = lab.address(203);
            String tun = "tun-" + lab.tag();
            IoEventLoop loop = (IoEventLoop) loops.next();
            InetSocketAddress gueTarget = new InetSocketAddress(rs.ip(), GUE_PORT);
            try (TunnelDecapsulator decap = rs.netns().call(() -> TunnelDecapsulator.builder().gue(GUE_PORT)
                    .tunName(tun).loop(loop).build().start());
                    UdpEchoServer echo = realServer(rs, tun, vip);
                    DatagramSocket socket = clientSocket(client);
                    DatagramSocket gue = director.netns().call(() -> new DatagramSocket(
                            new InetSocketAddress(director.ip(), 0)))) {
                InetSocketAddress target = new InetSocketAddress(vip, ECHO_PORT);
                IntFunction<byte[]> inner = i -> new PacketBuilder().ipv4(client.ip(), vip)
                        .udp(socket.getLocalPort(), ECHO_PORT).payload(message(i)).buildIpPacket();

                // GUE version 0, as IPVS sends it: a 4-byte header with protocol 4.
                exchange(socket, target, i -> () -> {
                    byte[] payload = GuePackets.version0(4, inner.apply(i));
                    gue.send(new DatagramPacket(payload, payload.length, gueTarget));
                });
                // GUE variant 1, as Katran sends it: the inner packet right after the UDP header.
                exchange(socket, target, i -> () -> {
                    byte[] payload = inner.apply(i);
                    gue.send(new DatagramPacket(payload, payload.length, gueTarget));
                });
                // GUE of IPVS with remote checksum offload: the inner UDP checksum is completed here,
                // or the real server's kernel would drop the datagram.
                exchange(socket, target, i -> () -> {
                    byte[] payload = GuePackets.remoteChecksum(inner.apply(i), 20, 26);
                    gue.send(new DatagramPacket(payload, payload.length, gueTarget));
                });
                assertEquals(3 * DATAGRAMS, echo.received());
                awaitCount(decap, DecapCounter.DECAPSULATED, 3 * DATAGRAMS);
                assertEquals(0, decap.drops());

                // Refused and counted: GRE in GUE, a control message, a GUE version 2 header.
                byte[] gre = GuePackets.version0(47, inner.apply(0));
                byte[] control = GuePackets.version0(4, inner.apply(0));
                control[0] = 0x20;
                byte[] version2 = GuePackets.version0(4, inner.apply(0));
                version2[0] = (byte) 0x80;
                for (byte[] bad : new byte[][] {gre, control, version2}) {
                    gue.send(new DatagramPacket(bad, bad.length, gueTarget));
                }
                await().atMost(5, TimeUnit.SECONDS).until(() -> decap.drops() == 3);
                assertEquals(1, decap.counter(DecapCounter.DROP_GUE_PROTOCOL));
                assertEquals(1, decap.counter(DecapCounter.DROP_GUE_UNSUPPORTED));
                assertEquals(1, decap.counter(DecapCounter.DROP_GUE_VERSION));
                assertEquals(3 * DATAGRAMS + 3, decap.counter(DecapCounter.RECEIVED));
                assertEquals(3 * DATAGRAMS, echo.received());
            }
        }
    }

    @Test
    void shouldTakeTunnelPacketsOnlyFromTheAllowedDirector() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs = lab.host("rs");
            String vip = lab.address(203);
            String tun = "tun-" + lab.tag();
            IoEventLoop loop = (IoEventLoop) loops.next();
            InetSocketAddress gueTarget = new InetSocketAddress(rs.ip(), GUE_PORT);
            try (TunnelDecapsulator decap = rs.netns().call(() -> TunnelDecapsulator.builder().gue(GUE_PORT)
                    .tunName(tun).allowedSources(InetAddress.getByName(director.ip())).loop(loop).build().start());
                    UdpEchoServer echo = realServer(rs, tun, vip);
                    DatagramSocket socket = clientSocket(client);
                    DatagramSocket fromDirector = director.netns().call(() -> new DatagramSocket(
                            new InetSocketAddress(director.ip(), 0)));
                    DatagramSocket fromClient = client.netns().call(() -> new DatagramSocket(
                            new InetSocketAddress(client.ip(), 0)))) {
                IntFunction<byte[]> inner = i -> GuePackets.version0(4, new PacketBuilder().ipv4(client.ip(), vip)
                        .udp(socket.getLocalPort(), ECHO_PORT).payload(message(i)).buildIpPacket());
                // The client itself forges a tunnel packet: refused.
                byte[] forged = inner.apply(0);
                fromClient.send(new DatagramPacket(forged, forged.length, gueTarget));
                await().atMost(5, TimeUnit.SECONDS).until(() -> decap.counter(DecapCounter.DROP_UNKNOWN_SOURCE) == 1);
                exchange(socket, new InetSocketAddress(vip, ECHO_PORT), i -> () -> {
                    byte[] payload = inner.apply(i);
                    fromDirector.send(new DatagramPacket(payload, payload.length, gueTarget));
                });
                awaitCount(decap, DecapCounter.DECAPSULATED, DATAGRAMS);
                assertEquals(DATAGRAMS, echo.received(), "the forged datagram never reached the service");
                assertEquals(1, decap.drops());
            }
        }
    }

    @Test
    void shouldDeliverIpv6InIpv6AndGueOverIpv6AndSilenceParameterProblem() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs = lab.host("rs");
            for (Host h : lab.hosts()) {
                h.exec("ip", "-6", "addr", "add", ipv6(h) + "/64", "dev", h.iface(), "nodad").check();
            }
            String vip = "2001:2::203";
            InetAddress server = InetAddress.getByName(ipv6(rs));
            byte[] probe = new PacketBuilder().ipv6(ipv6(client), vip).udp(40000, ECHO_PORT).buildIpPacket();

            // Without a decapsulator the kernel answers next header 41 with ICMPv6 parameter problem.
            boolean noTunnelModule = !rs.exec("ip", "link", "show", "ip6tnl0").ok();
            long problemsBefore = snmp6(rs, "Icmp6OutParmProblems");
            try (RawSender sender = director.netns().call(RawSender::ipv6InIpv6)) {
                sender.send(probe, server);
            }
            if (noTunnelModule) {
                await().atMost(5, TimeUnit.SECONDS).until(() -> snmp6(rs, "Icmp6OutParmProblems") == problemsBefore + 1);
            }

            String ipipTun = "t6i-" + lab.tag();
            String gueTun = "t6g-" + lab.tag();
            IoEventLoop loop = (IoEventLoop) loops.next();
            try (TunnelDecapsulator ipip = rs.netns().call(() -> TunnelDecapsulator.builder().ipip().tunName(ipipTun)
                    .families(StandardProtocolFamily.INET6).loop(loop).build().start());
                    TunnelDecapsulator gue = rs.netns().call(() -> TunnelDecapsulator.builder().gue().tunName(gueTun)
                    .families(StandardProtocolFamily.INET6).loop(loop).build().start())) {
                RealServerSetup.in(rs.netns()).tunDevice(gueTun).apply();
                try (UdpEchoServer echo = realServer(rs, ipipTun, vip);
                        DatagramSocket socket = client.netns().call(() -> {
                            DatagramSocket s = new DatagramSocket(new InetSocketAddress(ipv6(client), 0));
                            s.setSoTimeout(5000);
                            return s;
                        });
                        RawSender sender = director.netns().call(RawSender::ipv6InIpv6);
                        DatagramSocket udp = director.netns().call(() -> new DatagramSocket(
                                new InetSocketAddress(ipv6(director), 0)))) {
                    long problems = snmp6(rs, "Icmp6OutParmProblems");
                    InetSocketAddress target = new InetSocketAddress(vip, ECHO_PORT);
                    InetSocketAddress gueTarget = new InetSocketAddress(server, GUE_PORT);
                    IntFunction<byte[]> inner = i -> new PacketBuilder().ipv6(ipv6(client), vip)
                            .udp(socket.getLocalPort(), ECHO_PORT).payload(message(i)).buildIpPacket();

                    exchange(socket, target, i -> () -> sender.send(inner.apply(i), server));
                    awaitCount(ipip, DecapCounter.DECAPSULATED, DATAGRAMS);
                    assertEquals(0, ipip.drops());
                    assertEquals(problems, snmp6(rs, "Icmp6OutParmProblems"), "the raw socket of 41 holds");

                    exchange(socket, target, i -> () -> {
                        byte[] payload = GuePackets.version0(41, inner.apply(i));
                        udp.send(new DatagramPacket(payload, payload.length, gueTarget));
                    });
                    exchange(socket, target, i -> () -> {
                        byte[] payload = inner.apply(i);
                        udp.send(new DatagramPacket(payload, payload.length, gueTarget));
                    });
                    awaitCount(gue, DecapCounter.DECAPSULATED, 2 * DATAGRAMS);
                    assertEquals(0, gue.drops());
                    assertEquals(3 * DATAGRAMS, echo.received());

                    // An IPv4 packet announced as IPv6 is refused.
                    byte[] mismatch = GuePackets.version0(41, new PacketBuilder().ipv4(client.ip(), lab.address(203))
                            .udp(1, ECHO_PORT).buildIpPacket());
                    udp.send(new DatagramPacket(mismatch, mismatch.length, gueTarget));
                    await().atMost(5, TimeUnit.SECONDS)
                            .until(() -> gue.counter(DecapCounter.DROP_WRONG_INNER_VERSION) == 1);
                }
            }
        }
    }

    private static String ipv6(Host host) {
        return "2001:2::" + host.ip().substring(host.ip().lastIndexOf('.') + 1);
    }

    /** Reads a counter of the host's namespace from {@code /proc/net/snmp6}. */
    private static long snmp6(Host host, String name) {
        for (String line : host.exec("cat", "/proc/net/snmp6").check().stdout().split("\\R")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(name)) {
                return Long.parseLong(f[1]);
            }
        }
        throw new IllegalStateException("no " + name + " in /proc/net/snmp6");
    }

    /**
     * Waits for a counter: the loop counts a packet after writing it into the TUN device, so the
     * client may hold the echo a moment before the count shows.
     */
    private static void awaitCount(TunnelDecapsulator decap, DecapCounter counter, long expected) {
        await().atMost(5, TimeUnit.SECONDS).until(() -> decap.counter(counter) >= expected);
        assertEquals(expected, decap.counter(counter));
    }

    private static byte[] ipip(Host director, Host rs, byte[] inner) {
        return new PacketBuilder().ipv4(director.ip(), rs.ip()).rawTransport(4).payload(inner).buildIpPacket();
    }

    /** Sets the real server up around a started decapsulator and starts the echo server on the VIP. */
    static UdpEchoServer realServer(Host rs, String tun, String vip) throws Exception {
        RealServerSetup.in(rs.netns()).tunDevice(tun).vip(vip).apply();
        return UdpEchoServer.start(rs.netns(), vip, ECHO_PORT);
    }

    static byte[] message(int i) {
        return ("echo " + i).getBytes(StandardCharsets.US_ASCII);
    }

    static DatagramSocket clientSocket(Host client) throws Exception {
        return client.netns().call(() -> {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(client.ip(), 0));
            s.setSoTimeout(5000);
            return s;
        });
    }

    /** A send that may fail with an exception. */
    @FunctionalInterface
    interface Send {
        void run() throws Exception;
    }

    /**
     * Sends {@link #DATAGRAMS} tunnel packets one by one, each carrying "echo i" to the VIP, and
     * checks that the client receives each echo from the VIP.
     */
    static void exchange(DatagramSocket socket, InetSocketAddress vip, IntFunction<Send> send) throws Exception {
        for (int i = 0; i < DATAGRAMS; i++) {
            send.apply(i).run();
            byte[] buffer = new byte[256];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            socket.receive(answer);
            assertEquals(vip, answer.getSocketAddress(), "the answer comes straight from the VIP");
            assertEquals(new String(message(i), StandardCharsets.US_ASCII),
                    new String(buffer, 0, answer.getLength(), StandardCharsets.US_ASCII));
        }
    }

    /** Reads {@code Icmp: OutDestUnreachs} of the host's namespace from {@code /proc/net/snmp}. */
    private static long outDestUnreachs(Host host) {
        String snmp = host.exec("cat", "/proc/net/snmp").check().stdout();
        Matcher m = OUT_DEST_UNREACHS.matcher(snmp);
        if (!m.find()) {
            throw new IllegalStateException("no Icmp lines in /proc/net/snmp");
        }
        String[] names = m.group(1).trim().split("\\s+");
        String[] values = m.group(2).trim().split("\\s+");
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals("OutDestUnreachs")) {
                return Long.parseLong(values[i]);
            }
        }
        throw new IllegalStateException("no OutDestUnreachs in /proc/net/snmp");
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.internal.FanoutProgram;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fanout groups steered by the client's address (the IPv4 source for direct routing; both
 * directions of NAT), on real frames between namespaces.
 */
class PacketSocketFanoutIT {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int PORT = 9999;

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns();
        loops = PacketSocketGroup.newEventLoopGroup(2);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldKeepEveryFlowOfOneClientOnOneLoopAndSpreadClientsOverTheLoops() throws Exception {
        try (Lab lab = Lab.builder().host("tx").host("rx").build()) {
            Host tx = lab.host("tx");
            Host rx = lab.host("rx");
            List<String> clients = new ArrayList<>(List.of(tx.ip()));
            for (int n = 150; n < 154; n++) {
                tx.exec("ip", "addr", "add", lab.address(n) + "/" + Lab.PREFIX_LENGTH, "dev", tx.iface()).check();
                clients.add(lab.address(n));
            }
            // Per socket: the sources of its UDP frames to PORT, their count, and its frames that are not IPv4.
            List<Set<Integer>> sources = List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
            AtomicLong udp = new AtomicLong();
            List<AtomicLong> perSocket = List.of(new AtomicLong(), new AtomicLong());
            AtomicLong otherOnSecond = new AtomicLong();
            List<PacketSocket> opened = new ArrayList<>();
            PacketSocketOptions options = PacketSocketOptions.forInterface(rx.iface())
                    .withFanout(PacketSocketOptions.Fanout.IPV4_SOURCE);
            try (PacketSocketGroup group = rx.netns().call(() -> PacketSocketGroup.open(loops, options, socket -> {
                int index = opened.size();
                opened.add(socket);
                return frame -> {
                    MemorySegment buf = frame.buffer();
                    long at = frame.offset();
                    boolean ipv4 = frame.length() >= 14 && (buf.get(U16, at + 12) & 0xFFFF) == 0x0800;
                    if (!ipv4 && index == 1) {
                        otherOnSecond.incrementAndGet();
                    }
                    if (ipv4 && frame.length() >= 42 && buf.get(ValueLayout.JAVA_BYTE, at + 23) == 17) {
                        int ihl = (buf.get(ValueLayout.JAVA_BYTE, at + 14) & 0x0F) * 4;
                        if ((buf.get(U16, at + 14 + ihl + 2) & 0xFFFF) == PORT) {
                            sources.get(index).add(buf.get(U32, at + 26));
                            perSocket.get(index).incrementAndGet();
                            udp.incrementAndGet();
                        }
                    }
                };
            }))) {
                assertEquals(2, group.sockets().size());
                // One client, 100 flows (one source port each): all on the loop its address picks.
                int flows = 100;
                send(tx, tx.ip(), rx.ip(), flows);
                await().atMost(10, TimeUnit.SECONDS).until(() -> udp.get() == flows);
                int one = ipv4(tx.ip());
                int expected = FanoutProgram.socketOf(one, 2);
                assertEquals(Set.of(one), sources.get(expected), "the client's flows on its loop");
                assertEquals(Set.of(), sources.get(1 - expected), "none of the client's flows on the other loop");
                assertEquals(flows, perSocket.get(expected).get(), "every flow of the client on one loop");

                // Five clients, 20 flows each: each client on one loop, both loops used.
                for (String client : clients) {
                    send(tx, client, rx.ip(), 20);
                }
                int total = flows + 20 * clients.size();
                await().atMost(10, TimeUnit.SECONDS).until(() -> udp.get() == total);
                for (String client : clients) {
                    int address = ipv4(client);
                    int socket = FanoutProgram.socketOf(address, 2);
                    assertTrue(sources.get(socket).contains(address), client + " on loop " + socket);
                    assertTrue(!sources.get(1 - socket).contains(address), client + " not on loop " + (1 - socket));
                }
                assertTrue(!sources.get(0).isEmpty() && !sources.get(1).isEmpty(), "clients on both loops: " + sources);
                assertEquals(0, otherOnSecond.get(), "frames that are not IPv4 (ARP) go to the first socket");
            }
        }
    }

    @Test
    void shouldKeepBothDirectionsOfNatAndIcmpErrorsAboutThemOnTheClientsLoop() throws Exception {
        String vip = "198.18.0.200";
        String vip6 = "2001:db8::200";
        String server = "198.18.0.7";
        String server6 = "2001:db8:1::7";
        String router = "198.18.9.1";
        String router6 = "2001:db8:9::1";
        try (Lab lab = Lab.builder().host("tx").host("rx").build()) {
            Host tx = lab.host("tx");
            Host rx = lab.host("rx");
            long injectorMac = PacketBuilder.DEFAULT_SOURCE_MAC;
            List<AtomicLong> perSocket = List.of(new AtomicLong(), new AtomicLong());
            List<PacketSocket> opened = new ArrayList<>();
            PacketSocketOptions options = PacketSocketOptions.forInterface(rx.iface())
                    .withClientFanout(List.of(InetAddress.getByName(vip), InetAddress.getByName(vip6)));
            try (PacketSocketGroup group = rx.netns().call(() -> PacketSocketGroup.open(loops, options, socket -> {
                int index = opened.size();
                opened.add(socket);
                return frame -> {
                    MemorySegment buf = frame.buffer();
                    long source = (buf.get(U32, frame.offset() + 6) & 0xFFFFFFFFL) << 16
                            | (buf.get(U16, frame.offset() + 10) & 0xFFFF);
                    if (frame.length() >= 14 && source == injectorMac) {
                        perSocket.get(index).incrementAndGet();
                    }
                };
            }));
                    PacketSocket injector = tx.netns().call(() -> PacketSocket.open(loops.next(),
                            PacketSocketOptions.forInterface(tx.iface()), false, socket -> frame -> { }))) {
                assertEquals(2, group.sockets().size());
                long rxMac = rx.macBits();
                Set<Integer> used = new java.util.HashSet<>();
                for (int n = 1; n <= 8; n++) {
                    String client = "198.18.3." + n;
                    byte[] reply = new PacketBuilder().ipv4(vip, client).dontFragment()
                            .tcp(80, 40000, TcpHeader.ACK).payload(new byte[1400]).buildIpPacket();
                    byte[] request = new PacketBuilder().ipv4(client, server).udp(40000, 5353)
                            .payload(new byte[8]).buildIpPacket();
                    List<byte[]> frames = List.of(
                            new PacketBuilder().ethernet(injectorMac, rxMac).ipv4(client, vip)
                                    .tcp(40000, 80, TcpHeader.SYN).build(),
                            new PacketBuilder().ethernet(injectorMac, rxMac).ipv4(server, client)
                                    .tcp(8080, 40000, TcpHeader.SYN | TcpHeader.ACK).build(),
                            new PacketBuilder().ethernet(injectorMac, rxMac).ipv4(router, vip)
                                    .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE,
                                            IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1300)
                                    .payload(Arrays.copyOf(reply, 28)).build(),
                            new PacketBuilder().ethernet(injectorMac, rxMac).ipv4(server, client)
                                    .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0).payload(request).build());
                    int socket = FanoutProgram.socketOf(ipv4(client), 2);
                    used.add(socket);
                    inject(injector, frames, perSocket, socket, client);
                }
                for (int n = 1; n <= 8; n++) {
                    String client = "2001:db8:5::" + n;
                    byte[] reply = new PacketBuilder().ipv6(vip6, client).tcp(80, 40000, TcpHeader.ACK)
                            .payload(new byte[1400]).buildIpPacket();
                    byte[] request = new PacketBuilder().ipv6(client, server6).udp(40000, 5353)
                            .payload(new byte[8]).buildIpPacket();
                    List<byte[]> frames = List.of(
                            new PacketBuilder().ethernet(injectorMac, rxMac).ipv6(client, vip6)
                                    .tcp(40000, 80, TcpHeader.SYN).build(),
                            new PacketBuilder().ethernet(injectorMac, rxMac).ipv6(server6, client)
                                    .tcp(8080, 40000, TcpHeader.SYN | TcpHeader.ACK).build(),
                            new PacketBuilder().ethernet(injectorMac, rxMac).ipv6(router6, vip6)
                                    .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
                                    .payload(Arrays.copyOf(reply, 200)).build(),
                            new PacketBuilder().ethernet(injectorMac, rxMac).ipv6(server6, client)
                                    .icmpv6(Icmpv6Header.TYPE_DESTINATION_UNREACHABLE, 4, 0).payload(request).build());
                    byte[] b = InetAddress.getByName(client).getAddress();
                    int low = (b[12] & 0xFF) << 24 | (b[13] & 0xFF) << 16 | (b[14] & 0xFF) << 8 | (b[15] & 0xFF);
                    inject(injector, frames, perSocket, FanoutProgram.socketOf(low, 2), client);
                }
                assertEquals(Set.of(0, 1), used, "IPv4 clients on both loops");
                assertTrue(FanoutProgram.socketOf(ipv4(router), 2) != FanoutProgram.socketOf(ipv4("198.18.3.1"), 2)
                        || FanoutProgram.socketOf(ipv4(router), 2) != FanoutProgram.socketOf(ipv4("198.18.3.2"), 2),
                        "some client's loop differs from the router's, so keying on the quote is what is shown");
            }
        }
    }

    /** Sends one client's frames and checks that all of them, and only them, reach its socket. */
    private static void inject(PacketSocket injector, List<byte[]> frames, List<AtomicLong> perSocket, int socket,
            String client) throws Exception {
        long[] before = {perSocket.get(0).get(), perSocket.get(1).get()};
        try (Arena arena = Arena.ofShared()) {
            for (byte[] frame : frames) {
                MemorySegment segment = arena.allocate(frame.length);
                MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
                assertTrue(((IoEventLoop) injector.loop()).submit(() -> injector.send(segment, 0, frame.length)).get());
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> perSocket.get(0).get() + perSocket.get(1).get()
                == before[0] + before[1] + frames.size());
        assertEquals(frames.size(), perSocket.get(socket).get() - before[socket], client + " on loop " + socket);
        assertEquals(0, perSocket.get(1 - socket).get() - before[1 - socket], client + " not on loop " + (1 - socket));
    }

    private static void send(Host tx, String from, String to, int flows) throws Exception {
        tx.netns().call(() -> {
            byte[] data = "lvs4j".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < flows; i++) {
                try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(from, 0))) {
                    socket.send(new DatagramPacket(data, data.length, new InetSocketAddress(to, PORT)));
                }
            }
            return null;
        });
    }

    private static int ipv4(String dotted) throws Exception {
        byte[] b = InetAddress.getByName(dotted).getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}

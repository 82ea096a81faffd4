package io.lvs4j.transport.epoll;

import io.lvs4j.testkit.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.internal.FanoutProgram;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fanout group steered by the IPv4 source address, on real frames between two namespaces. */
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

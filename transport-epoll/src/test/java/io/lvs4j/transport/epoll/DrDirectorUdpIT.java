package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.conn.TcpState;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP through the DR director end to end in namespaces: a client, the in-process director, two
 * real servers holding the VIP on {@code lo}, each with a UDP server bound to the VIP that
 * answers its name straight to the client.
 */
class DrDirectorUdpIT {

    private static final int PORT = 5353;
    private static final int FLOWS = 10;
    private static final int DATAGRAMS_PER_FLOW = 21;

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
    void shouldBalanceUdpFlowsRoundRobinKeepEachFlowOnItsServerAndCountThemInactive() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("director").host("rs1").host("rs2").build()) {
            Host client = lab.host("client");
            Host director = lab.host("director");
            Host rs1 = lab.host("rs1");
            Host rs2 = lab.host("rs2");
            String vip = lab.address(203);
            rs1.holdVipOnLoopback(vip);
            rs2.holdVipOnLoopback(vip);
            VirtualService vs = new VirtualService(Protocol.UDP, InetAddress.getByName(vip), PORT,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(rs1.ip()), PORT, 1));
            vs.addRealServer(RealServer.of(InetAddress.getByName(rs2.ip()), PORT, 1));
            try (UdpNameServer one = UdpNameServer.start(rs1.netns(), "udp1", vip, PORT);
                    UdpNameServer two = UdpNameServer.start(rs2.netns(), "udp2", vip, PORT);
                    PacketDirector dr = director.netns().call(() -> PacketDirector.builder().interfaceName(director.iface())
                            .directorAddress(InetAddress.getByName(director.ip())).loops(loops).virtualService(vs)
                            .build().start())) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> dr.resolved(InetAddress.getByName(rs1.ip()))
                        && dr.resolved(InetAddress.getByName(rs2.ip())));
                InetSocketAddress target = new InetSocketAddress(vip, PORT);

                // Each flow (one client port) sends its first datagram in turn, then 20 more each.
                List<List<String>> answers = client.netns().call(() -> {
                    List<DatagramSocket> flows = new ArrayList<>();
                    try {
                        for (int i = 0; i < FLOWS; i++) {
                            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(0));
                            socket.setSoTimeout(5000);
                            flows.add(socket);
                        }
                        List<List<String>> names = new ArrayList<>();
                        for (DatagramSocket socket : flows) {
                            names.add(new ArrayList<>(List.of(ask(socket, target))));
                        }
                        for (int round = 1; round < DATAGRAMS_PER_FLOW; round++) {
                            for (int i = 0; i < FLOWS; i++) {
                                names.get(i).add(ask(flows.get(i), target));
                            }
                        }
                        return names;
                    } finally {
                        flows.forEach(DatagramSocket::close);
                    }
                });

                // rr over flows: the server added last takes the first flow, then they alternate.
                List<String> first = answers.stream().map(a -> a.get(0)).toList();
                assertEquals(List.of("udp2", "udp1", "udp2", "udp1", "udp2", "udp1", "udp2", "udp1", "udp2", "udp1"),
                        first);
                for (List<String> flow : answers) {
                    assertEquals(DATAGRAMS_PER_FLOW, flow.stream().filter(flow.get(0)::equals).count(),
                            "every datagram of a flow reaches the flow's server: " + flow);
                }
                assertEquals(FLOWS / 2 * DATAGRAMS_PER_FLOW, one.received());
                assertEquals(FLOWS / 2 * DATAGRAMS_PER_FLOW, two.received());

                // As IPVS: one entry per flow, never ESTABLISHED, so counted in InActConn.
                assertEquals(FLOWS, dr.counter(DirectorCounter.NEW_CONNECTIONS));
                assertEquals(FLOWS, dr.connectionCount());
                assertEquals((long) FLOWS * DATAGRAMS_PER_FLOW, dr.counter(DirectorCounter.FORWARDED));
                for (int i = 0; i < vs.destinations().size(); i++) {
                    ConnectionCounters c = vs.destinations().get(i).counters();
                    assertEquals(0, c.activeConnections(), "UDP entries are never ActiveConn");
                    assertEquals(FLOWS / 2, c.inactiveConnections(), "UDP entries are InActConn");
                }
                List<ConnectionEntry> entries = dr.connections();
                assertEquals(FLOWS, entries.size());
                Map<InetAddress, Integer> perServer = new HashMap<>();
                for (ConnectionEntry e : entries) {
                    assertEquals(Protocol.UDP.number(), e.protocol());
                    assertEquals(TcpState.NONE, e.state());
                    assertEquals(InetAddress.getByName(vip), e.virtualAddress());
                    assertTrue(e.expiresInNanos() > 0);
                    perServer.merge(e.destination(), 1, Integer::sum);
                }
                assertEquals(Map.of(InetAddress.getByName(rs1.ip()), FLOWS / 2, InetAddress.getByName(rs2.ip()),
                        FLOWS / 2), perServer);
                assertEquals(0, dr.counter(DirectorCounter.DROP_UNRESOLVED_NEIGHBOUR));
                assertEquals(0, dr.socketStatistics().txErrors());
            }
        }
    }

    /** Sends one datagram and returns the answer: the name of the server that got it. */
    private static String ask(DatagramSocket socket, InetSocketAddress target) throws java.io.IOException {
        byte[] question = "who".getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(question, question.length, target));
        byte[] buffer = new byte[64];
        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        socket.receive(answer);
        assertEquals(target, answer.getSocketAddress(), "the answer comes straight from the VIP");
        return new String(buffer, 0, answer.getLength(), StandardCharsets.US_ASCII);
    }
}

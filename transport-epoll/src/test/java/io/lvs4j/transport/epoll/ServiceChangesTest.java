package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.status.TrafficStats;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running data path whose services and servers change under it, fed with frames built byte by
 * byte (one loop, no socket): IPVS's {@code expire_nodest_conn} both ways, a quiesced server,
 * services added, removed and reordered, destination ids reused only once drained, and traffic
 * totals that only grow.
 */
class ServiceChangesTest {

    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    private static final String VIP = "198.18.0.200";
    private static final String VIP2 = "198.18.0.201";

    private final Arena arena = Arena.ofConfined();
    private final List<byte[]> sent = new ArrayList<>();
    private final MultiThreadIoEventLoopGroup unusedLoops = new MultiThreadIoEventLoopGroup(1,
            NioIoHandler.newFactory());
    private PacketDirector director;
    private DataPath path;
    private long nanos = 1_000_000_000_000L;

    @AfterEach
    void tearDown() {
        if (path != null) {
            path.release();
        }
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static VirtualService service(String vip) throws Exception {
        return new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
    }

    private static RealServer server(int host, int weight) throws Exception {
        return RealServer.of(InetAddress.getByName("198.18.0." + host), 80, weight);
    }

    private static long mac(int host) {
        return 0x02_00_00_00_01_00L | host;
    }

    private void start(VirtualService vs, Consumer<PacketDirectorBuilder> settings) throws Exception {
        PacketDirectorBuilder b = PacketDirector.builder().interfaceName("eth0")
                .directorAddress(InetAddress.getByName("198.18.0.12")).loops(unusedLoops).virtualService(vs)
                .connectionCapacity(1024).clock(() -> nanos);
        settings.accept(b);
        director = b.build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((frame, offset, length) -> sent.add(frame.asSlice(offset, length)
                .toArray(ValueLayout.JAVA_BYTE)));
        path.tick();
    }

    private boolean feed(byte[] frame) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        boolean forward = path.onFrame(segment, 0, frame.length);
        if (forward) {
            sent.add(segment.toArray(ValueLayout.JAVA_BYTE));
        }
        return forward;
    }

    private void resolve(int... hosts) {
        for (int host : hosts) {
            feed(new PacketBuilder().ethernet(mac(host), DIRECTOR_MAC)
                    .arp(ArpPacket.OP_REPLY, mac(host), "198.18.0." + host, DIRECTOR_MAC, "198.18.0.12").build());
        }
        sent.clear();
    }

    private static byte[] tcp(String vip, int clientPort, int flags) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4("198.18.0.11", vip)
                .tcp(clientPort, 80, flags).build();
    }

    private static byte[] arpRequest(String vip) {
        return new PacketBuilder().ethernet(CLIENT_MAC, 0xFFFF_FFFF_FFFFL)
                .arp(ArpPacket.OP_REQUEST, CLIENT_MAC, "198.18.0.11", 0, vip).build();
    }

    /** @return the destination MAC of the last frame sent on */
    private long lastMac() {
        byte[] frame = sent.getLast();
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (frame[i] & 0xFF);
        }
        return mac;
    }

    /** Lets the loop tick and the control plane sync a few times, as 300 ms of a running director would. */
    private void settle() {
        for (int i = 0; i < 3; i++) {
            path.tick();
            director.syncDestinations();
        }
    }

    @Test
    void shouldExpireARemovedServersConnectionAtItsNextPacketWithExpireNodestConn() throws Exception {
        VirtualService vs = service(VIP);
        vs.addRealServer(server(13, 1));
        vs.addRealServer(server(14, 1));
        start(vs, b -> b.expireNodestConn(true));
        resolve(13, 14);
        assertTrue(feed(tcp(VIP, 40000, 0x02)));
        assertEquals(mac(14), lastMac(), "rr: the server added last first");
        vs.removeRealServer(InetAddress.getByName("198.18.0.14"), 80);
        director.syncDestinations();

        assertFalse(feed(tcp(VIP, 40000, 0x10)), "an ACK of the removed server's connection opens nothing");
        assertEquals(1, director.counter(DirectorCounter.EXPIRED_NO_DESTINATION));
        assertEquals(1, director.counter(DirectorCounter.DROP_NO_CONNECTION));
        assertEquals(0, director.counter(DirectorCounter.DROP_DESTINATION_UNAVAILABLE));
        assertEquals(0, director.connectionCount(), "the entry expired at once");
        assertTrue(feed(tcp(VIP, 40000, 0x02)), "a new SYN on the tuple is a new connection");
        assertEquals(mac(13), lastMac(), "scheduled to the server left");
    }

    @Test
    void shouldKeepForwardingAQuiescedServersConnections() throws Exception {
        VirtualService vs = service(VIP);
        vs.addRealServer(server(13, 1));
        vs.addRealServer(server(14, 1));
        start(vs, b -> { });
        resolve(13, 14);
        assertTrue(feed(tcp(VIP, 40000, 0x02)));
        assertEquals(mac(14), lastMac());
        vs.editRealServer(server(14, 0));
        director.syncDestinations();

        assertTrue(feed(tcp(VIP, 40000, 0x10)), "weight 0 quiesces: the connection goes on");
        assertEquals(mac(14), lastMac());
        for (int port = 40001; port <= 40004; port++) {
            assertTrue(feed(tcp(VIP, port, 0x02)));
            assertEquals(mac(13), lastMac(), "no new connection to the quiesced server");
        }
        assertEquals(0, director.counter(DirectorCounter.DROP_DESTINATION_UNAVAILABLE));
    }

    @Test
    void shouldServeServicesAddedRemovedAndReorderedWhileKeepingEachOnesConnectionsAndTotals() throws Exception {
        VirtualService first = service(VIP);
        first.addRealServer(server(13, 1));
        start(first, b -> { });
        resolve(13);
        assertTrue(feed(tcp(VIP, 40000, 0x02)));
        assertFalse(feed(tcp(VIP2, 40001, 0x02)), "not a service yet");
        feed(arpRequest(VIP2));
        assertEquals(0, director.counter(DirectorCounter.ARP_REPLIES), "its VIP is not answered yet");

        VirtualService second = service(VIP2);
        second.addRealServer(server(15, 1));
        director.update(List.of(second, first), List.of(Forwarding.directRoute(), Forwarding.directRoute()));
        resolve(15);
        assertTrue(feed(tcp(VIP, 40000, 0x10)), "the first service's connection goes on after the reorder");
        assertEquals(mac(13), lastMac());
        assertTrue(feed(tcp(VIP2, 40001, 0x02)), "the new service is served");
        assertEquals(mac(15), lastMac());
        feed(arpRequest(VIP2));
        assertEquals(1, director.counter(DirectorCounter.ARP_REPLIES), "its VIP is answered");
        TrafficStats firstBefore = director.traffic(first);
        assertEquals(1, firstBefore.connections());
        assertEquals(2, firstBefore.inPackets());
        assertEquals(1, director.traffic(second).connections(), "each service sums its own servers");

        director.update(List.of(first), List.of(Forwarding.directRoute()));
        assertFalse(feed(tcp(VIP2, 40001, 0x10)), "the removed service is no longer forwarded");
        assertTrue(feed(tcp(VIP, 40000, 0x10)));
        feed(arpRequest(VIP2));
        assertEquals(1, director.counter(DirectorCounter.ARP_REPLIES), "its VIP is no longer answered");
        assertEquals(3, director.traffic(first).inPackets(), "the first service's totals went on growing");
        assertEquals(List.of(first), director.services());
    }

    @Test
    void shouldUpdateServicesWhileTheLoopSyncsTheDestinationsWithoutWaitingForEachOther() throws Exception {
        VirtualService first = service(VIP);
        first.addRealServer(server(13, 1));
        start(first, b -> { });
        io.netty.channel.IoEventLoop loop = (io.netty.channel.IoEventLoop) unusedLoops.next();
        path.loop(loop);
        // as a running director does, but every millisecond: the loop syncs the destinations
        io.netty.util.concurrent.ScheduledFuture<?> syncs = loop.scheduleAtFixedRate(director::syncDestinations, 0, 1,
                TimeUnit.MILLISECONDS);
        try {
            VirtualService second = service(VIP2);
            second.addRealServer(server(15, 1));
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
                for (int i = 0; i < 200; i++) {
                    director.update(i % 2 == 0 ? List.of(first, second) : List.of(first),
                            i % 2 == 0 ? List.of(Forwarding.directRoute(), Forwarding.directRoute())
                                    : List.of(Forwarding.directRoute()));
                }
            }, "an update waits for the loop while the loop syncs");
        } finally {
            syncs.cancel(false);
        }
        loop.submit(() -> { }).sync();
        path.loop(null);
        assertEquals(List.of(first), director.services());
    }

    @Test
    void shouldKeepEachVipServedOrNotAcrossUpdatesAndServeNewOnesOnlyWhenServingAll() throws Exception {
        VirtualService first = service(VIP);
        start(first, b -> b.active(false)); // as under VRRP: mastership serves VIPs one by one
        InetAddress vip = InetAddress.getByName(VIP);
        InetAddress vip2 = InetAddress.getByName(VIP2);
        director.active(vip, true);
        VirtualService second = service(VIP2);
        director.update(List.of(second, first), List.of(Forwarding.directRoute(), Forwarding.directRoute()));
        assertTrue(director.active(vip), "a VIP kept keeps being served");
        assertFalse(director.active(vip2), "a new VIP waits for its instance's mastership");
        director.active(vip2, true);
        director.update(List.of(second), List.of(Forwarding.directRoute()));
        assertFalse(director.active(vip), "a removed VIP is no longer served");
        assertTrue(director.active(vip2), "the VIP left keeps its state");
        director.update(List.of(second, service(VIP)), List.of(Forwarding.directRoute(), Forwarding.directRoute()));
        assertTrue(director.active(vip2));
        assertFalse(director.active(vip), "back, but new: not served until told");

        director.active(true); // serving all, as without VRRP
        VirtualService third = service("198.18.0.202");
        director.update(List.of(second, third), List.of(Forwarding.directRoute(), Forwarding.directRoute()));
        assertTrue(director.active(InetAddress.getByName("198.18.0.202")), "a director serving all serves new VIPs");
    }

    @Test
    void shouldRefuseServicesTwiceOrWithoutWhatTheyNeedAndChangeNothing() throws Exception {
        VirtualService vs = service(VIP);
        vs.addRealServer(server(13, 1));
        start(vs, b -> { });
        VirtualService same = service(VIP);
        assertEquals("virtual service given twice: TCP 198.18.0.200:80 rr", org.junit.jupiter.api.Assertions
                .assertThrows(IllegalArgumentException.class, () -> director.update(List.of(vs, same),
                        List.of(Forwarding.directRoute(), Forwarding.directRoute()))).getMessage());
        VirtualService v6 = new VirtualService(Protocol.TCP, InetAddress.getByName("2001:db8::10"), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> director.update(List.of(vs, v6), List.of(Forwarding.directRoute(), Forwarding.directRoute())))
                .getMessage().contains("directorAddress6"));
        assertEquals(List.of(vs), director.services(), "nothing changed");
    }

    @Test
    void shouldForwardToFiftyServersOneAfterAnotherWithFourIds() throws Exception {
        VirtualService vs = service(VIP);
        vs.addRealServer(server(100, 1));
        start(vs, b -> b.maxRealServers(4));
        for (int host = 100; host < 150; host++) {
            if (host > 100) {
                vs.addRealServer(server(host, 1));
                vs.removeRealServer(InetAddress.getByName("198.18.0." + (host - 1)), 80);
                nanos += 1_000_000_000_000L; // the previous server's connection expires
                settle();
            }
            resolve(host);
            assertTrue(feed(tcp(VIP, 40000 + host, 0x02)), "server " + host + " has an id");
            assertEquals(mac(host), lastMac());
        }
        assertEquals(50, director.traffic(vs).connections(), "every connection counted, ids reused or not");
    }

    @Test
    void shouldGiveADrainedServersIdToANewServerOnceEveryIdIsTaken() throws Exception {
        VirtualService vs = service(VIP);
        vs.addRealServer(server(13, 1));
        vs.addRealServer(server(14, 1));
        start(vs, b -> b.maxRealServers(2));
        resolve(13, 14);
        assertTrue(feed(tcp(VIP, 40000, 0x02)));
        assertEquals(mac(14), lastMac());
        assertTrue(feed(tcp(VIP, 40000, 0x10)));
        TrafficStats before = director.traffic(vs);

        vs.removeRealServer(InetAddress.getByName("198.18.0.14"), 80);
        vs.addRealServer(server(15, 1));
        settle();
        resolve(15);
        for (int port = 40001; port <= 40004; port++) {
            feed(tcp(VIP, port, 0x02));
        }
        assertEquals(4, director.counter(DirectorCounter.NEW_CONNECTIONS) - 1
                + director.counter(DirectorCounter.DROP_NO_DESTINATION), "every SYN is counted");
        assertTrue(director.counter(DirectorCounter.DROP_NO_DESTINATION) > 0,
                "no id while the removed server's connection holds the last one");
        assertEquals(TrafficStats.ZERO, director.traffic(vs, vs.countersOf(server(15, 1))));

        nanos += 1_000_000_000_000L; // the removed server's connection expires
        settle();
        resolve(15);
        sent.clear();
        long dropped = director.counter(DirectorCounter.DROP_NO_DESTINATION);
        for (int port = 40010; port <= 40013; port++) {
            assertTrue(feed(tcp(VIP, port, 0x02)), "every new connection has a server now");
        }
        assertEquals(dropped, director.counter(DirectorCounter.DROP_NO_DESTINATION));
        assertTrue(sent.stream().anyMatch(f -> f[5] == (byte) 15), "the new server got the drained id");
        assertTrue(director.traffic(vs, vs.countersOf(server(15, 1))).connections() > 0,
                "the new server's traffic counts from zero: " + director.traffic(vs, vs.countersOf(server(15, 1))));
        TrafficStats after = director.traffic(vs);
        assertTrue(after.connections() >= before.connections() + 4 && after.inPackets() >= before.inPackets() + 4,
                "the service's totals only grow across the id's reuse: " + before + " then " + after);
    }
}

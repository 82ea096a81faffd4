package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.sync.SyncMessageWriter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One director of a sync test, without sockets: a data path of one loop with a TCP service on
 * VIP:80 and two real servers (rr), fed frames by hand; a sender whose datagrams are kept;
 * a virtual clock for its connection table.
 */
final class SyncSide implements AutoCloseable {

    static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    static final long CLIENT_MAC = 0x02_00_00_00_00_0BL;
    static final long RS1_MAC = 0x02_00_00_00_00_01L;
    static final long RS2_MAC = 0x02_00_00_00_00_02L;
    static final String DIRECTOR = "198.18.0.12";
    static final String VIP = "198.18.0.200";
    static final String CLIENT = "198.18.1.11";
    static final String RS1 = "198.18.0.13";
    static final String RS2 = "198.18.0.14";
    static final int SYNC_ID = 7;
    static final int MAXLEN = 1472;

    final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    final List<byte[]> datagrams = new ArrayList<>();
    final VirtualService service;
    final PacketDirector director;
    final DataPath path;
    final SyncSender sender;
    private final Arena arena = Arena.ofShared();
    private final MultiThreadIoEventLoopGroup unusedLoops = new MultiThreadIoEventLoopGroup(1,
            NioIoHandler.newFactory());
    private boolean master;

    SyncSide(Forwarding forwarding, int serverPort, int capacity, SyncTuning tuning) throws Exception {
        this(forwarding, serverPort, capacity, tuning, 0);
    }

    /** A side whose service is the fwmark service of {@code fwmark} (persistent, 60 s) when it is above 0. */
    SyncSide(Forwarding forwarding, int serverPort, int capacity, SyncTuning tuning, int fwmark) throws Exception {
        service = fwmark > 0
                ? VirtualService.firewallMark(Protocol.TCP, false, fwmark, Schedulers.create("rr", SchedulerOptions.DEFAULTS))
                : new VirtualService(Protocol.TCP, InetAddress.getByName(VIP), 80,
                        Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        if (fwmark > 0) {
            service.persistence(java.time.Duration.ofSeconds(60), 32);
        }
        service.addRealServer(RealServer.of(InetAddress.getByName(RS1), serverPort, 1));
        service.addRealServer(RealServer.of(InetAddress.getByName(RS2), serverPort, 1));
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName(DIRECTOR))
                .loops(unusedLoops).virtualService(service, forwarding).connectionCapacity(capacity)
                .clock(clock::get).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName(DIRECTOR));
        path = director.newPath((frame, offset, length) -> true);
        sender = new SyncSender(SYNC_ID, MAXLEN, arena.allocate(SyncMessageWriter.bufferSize(MAXLEN), 8),
                (datagram, length) -> datagrams.add(datagram.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)),
                path.counters(), path.destinations(), capacity, tuning, () -> master);
        path.sync(sender, null);
        path.tick();
        feed(new PacketBuilder().ethernet(RS1_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS1_MAC, RS1, DIRECTOR_MAC, DIRECTOR).build());
        feed(new PacketBuilder().ethernet(RS2_MAC, DIRECTOR_MAC)
                .arp(ArpPacket.OP_REPLY, RS2_MAC, RS2, DIRECTOR_MAC, DIRECTOR).build());
    }

    /** Sets the sync role, read at the next tick. */
    SyncSide master(boolean on) {
        master = on;
        return this;
    }

    /** Advances the clock and ticks the loop (expiry, flush, sweep). */
    void tick(long nanos) {
        clock.addAndGet(nanos);
        path.tick();
    }

    /** @return the frame as forwarded, or null if the director did not forward it */
    byte[] feed(byte[] frame) {
        return feed(frame, 0);
    }

    /** @return the frame, received with a firewall mark, as forwarded, or null if the director did not forward it */
    byte[] feed(byte[] frame, int mark) {
        MemorySegment segment = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, frame.length);
        return path.onFrame(new PlainFrame().wrap(segment, 0, frame.length, mark))
                ? segment.toArray(ValueLayout.JAVA_BYTE) : null;
    }

    static byte[] fromClient(int clientPort, int port, int flags, int payload) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP).tcp(clientPort, port, flags)
                .payload(new byte[payload]).build();
    }

    static byte[] fromClient(int clientPort, int flags, int payload) {
        return new PacketBuilder().ethernet(CLIENT_MAC, DIRECTOR_MAC).ipv4(CLIENT, VIP).tcp(clientPort, 80, flags)
                .payload(new byte[payload]).build();
    }

    long counter(DirectorCounter counter) {
        return director.counter(counter);
    }

    @Override
    public void close() {
        path.release();
        arena.close();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}

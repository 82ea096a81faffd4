package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The director loop the data-path benchmarks drive without sockets: one DR service,
 * 198.18.0.200:80 (rr), over one real server, 198.18.0.13:80, a director at 198.18.0.12 on a
 * made-up {@code eth0}, and the {@link DataPath} of its one loop, ticked once. The loops group
 * is never run (the benchmark's thread is the loop). Its benchmark's thread only.
 */
final class DrPathFixture implements AutoCloseable {

    /** The director's MAC. */
    static final long DIRECTOR_MAC = 0x02_00_00_00_00_0AL;
    /** The real server's MAC. */
    static final long RS_MAC = 0x02_00_00_00_00_01L;

    /** Memory the benchmark allocates its frames in; closed with the fixture. */
    final Arena arena = Arena.ofShared();
    private final MultiThreadIoEventLoopGroup unusedLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final PacketDirector director;
    /** The loop's data path. */
    final DataPath path;

    /**
     * Builds the director and its path.
     *
     * @param connectionCapacity the loop's connection table capacity
     * @throws Exception if the director cannot be built
     */
    DrPathFixture(int connectionCapacity) throws Exception {
        VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0.200"), 80,
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        vs.addRealServer(RealServer.of(InetAddress.getByName("198.18.0.13"), 80, 1));
        director = PacketDirector.builder().interfaceName("eth0").directorAddress(InetAddress.getByName("198.18.0.12"))
                .loops(unusedLoops).virtualService(vs, Forwarding.directRoute())
                .connectionCapacity(connectionCapacity).build();
        director.bind(new LinkInfo("eth0", 2, DIRECTOR_MAC, 1500), InetAddress.getByName("198.18.0.12"));
        path = director.newPath((memory, offset, bytes) -> true);
        path.tick();
    }

    /** Frees the tables, the loops and the memory. */
    @Override
    public void close() {
        director.close();
        path.release();
        unusedLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        arena.close();
    }
}

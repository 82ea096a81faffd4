package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.SyncDaemonConfig;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.sync.SyncDefaults;
import io.lvs4j.core.sync.SyncMessageWriter;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * IPVS's connection synchronisation for a running {@link PacketDirector}, both daemons at once as
 * keepalived's {@code lvs_sync_daemon} starts them: on every loop a {@link SyncSender} with its
 * own {@link SyncSocket} (sending only while {@link #master(boolean) master}), and one
 * {@link SyncReceiver} whose {@link SyncIntake} hands each loop the records of the flows it owns,
 * installed by that loop's {@link SyncInstaller} (only while not master). IPv4 transport only.
 *
 * <p>Thread-safe: {@link #master(boolean)} from any thread; the loops read the role at each tick
 * (senders) or datagram (receiver).
 */
final class SyncDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncDaemon.class);
    /** Bytes of records a loop may have waiting to be installed: about 58,000 IPv4 records. */
    private static final long MAX_PENDING_BYTES = 2L << 20;

    private final PacketDirector director;
    private final Arena memory = Arena.ofShared();
    private final List<AtomicLong> pending = new ArrayList<>();
    private volatile boolean master;
    private SyncIntake intake;
    private SyncReceiver receiver;

    private SyncDaemon(PacketDirector director) {
        this.director = director;
    }

    /**
     * Starts sync on a started director, from a thread of its namespace; the role starts as
     * backup.
     *
     * @param director the director, started
     * @param config {@code lvs_sync_daemon}
     * @param own the director's address on the sync interface, the datagrams' source
     * @param tuning when to sync
     * @return the daemon
     * @throws IOException if a socket cannot be opened (what was opened is closed again)
     * @throws IllegalArgumentException for an IPv6 group or peer
     */
    static SyncDaemon start(PacketDirector director, SyncDaemonConfig config, InetAddress own, SyncTuning tuning)
            throws IOException {
        if (config.ipv6() || config.peers().stream().anyMatch(p -> !(p instanceof java.net.Inet4Address))) {
            throw new IllegalArgumentException("lvs_sync_daemon over IPv6 is not supported by lvs4j");
        }
        SyncDaemon daemon = new SyncDaemon(director);
        try {
            daemon.open(config, own, tuning);
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    private void open(SyncDaemonConfig config, InetAddress own, SyncTuning tuning) throws IOException {
        List<DataPath> paths = director.paths();
        LinkInfo link = LinkInfo.of(config.interfaceName());
        int maxlen = SyncDefaults.masterMaxlen(false, config.maxLength());
        List<InetAddress> to = config.peers().isEmpty() ? List.of(config.groupOrDefault()) : config.peers();
        for (DataPath path : paths) {
            SyncSocket socket = SyncSocket.open(link, own, to, config.port(), config.ttl());
            LoopCounters<DirectorCounter> counters = path.counters();
            MemorySegment buffer = memory.allocate(SyncMessageWriter.bufferSize(maxlen), 8);
            SyncSender sender = new SyncSender(config.syncId(), maxlen, buffer, (datagram, length) -> {
                int failed = socket.send(datagram, length);
                if (failed > 0) {
                    counters.add(DirectorCounter.SYNC_SEND_ERRORS, failed);
                }
            }, counters, path.destinations(), director.loopCapacity(), tuning, this::master);
            pending.add(new AtomicLong());
            onLoop(path, () -> path.sync(sender, socket));
        }
        DataPath first = paths.getFirst();
        intake = new SyncIntake(config.syncId(), SyncSources.of(config.interfaceName(), config.peers()),
                first.counters(), this::master, paths.size(), this::dispatch);
        receiver = SyncReceiver.open(first.loop(), config.interfaceName(),
                config.peers().isEmpty() ? config.groupOrDefault() : null, config.port(), intake);
        LOG.info("connection sync on {}: sync id {}, maxlen {}, to {} port {}, following VRRP instance {}",
                config.interfaceName(), config.syncId(), maxlen, to, config.port(), config.vrrpInstance());
    }

    private boolean dispatch(int loop, byte[] records, int length) {
        AtomicLong waiting = pending.get(loop);
        if (waiting.addAndGet(length) > MAX_PENDING_BYTES) {
            waiting.addAndGet(-length);
            return false;
        }
        DataPath path = director.paths().get(loop);
        path.loop().execute(() -> {
            try {
                path.installSynced(MemorySegment.ofArray(records), length);
            } finally {
                waiting.addAndGet(-length);
            }
        });
        return true;
    }

    private static void onLoop(DataPath path, Runnable task) {
        if (path.loop() == null || path.loop().inEventLoop()) {
            task.run();
            return;
        }
        Future<?> f = path.loop().submit(task).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException("a loop could not start connection sync", f.cause());
        }
    }

    /**
     * Sets the role: a master sends (and starts a sweep of its table), a backup installs.
     *
     * @param on true for master
     */
    void master(boolean on) {
        if (master != on) {
            LOG.info("connection sync: {}", on ? "master (sending)" : "backup (receiving)");
        }
        master = on;
    }

    /** @return whether this director sends now */
    boolean master() {
        return master;
    }

    /** Stops receiving and sending; the loops close their sockets. */
    @Override
    public void close() {
        if (receiver != null) {
            receiver.close();
        }
        for (DataPath path : director.paths()) {
            if (path.loop() != null && !path.loop().isShuttingDown()) {
                path.loop().submit(() -> path.sync(null, null)).awaitUninterruptibly(5, TimeUnit.SECONDS);
            } else {
                path.sync(null, null);
            }
        }
        memory.close();
    }
}

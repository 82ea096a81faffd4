package io.lvs4j.transport.epoll.bgp;

import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.status.AnnouncementStatus;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces a director's VIPs over BGP while it can serve them, through a real BGP daemon that
 * runs as the director's child: every {@code check_interval} it asks the director, VIP by VIP,
 * whether it can serve (its loops run, a real server or a sorry server takes new connections),
 * and announces or withdraws the VIP's /32 or /128 accordingly; {@link #drain(boolean) drained}
 * by the operator, it withdraws every VIP while the director goes on serving the flows that still
 * reach it.
 *
 * <p>When the director dies, {@code kill -9} included, the kernel kills the daemon (parent-death
 * signal) and its BGP sessions close, so the routers drop the director's routes at once; if the
 * whole host goes silent, the routers drop them after the hold time. A daemon that dies alone
 * is started again, and every VIP withdrawn until it runs.
 *
 * <p>Threading: one thread of its own starts the daemon (the parent-death signal follows that
 * thread), checks, and talks to the daemon; the public methods are thread-safe.
 */
public final class RouteAnnouncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteAnnouncer.class);
    private static final long RESTART_DELAY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long PEERS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long START_TIMEOUT_SECONDS = 60;

    /** Whether the director can serve a VIP now. */
    @FunctionalInterface
    public interface Readiness {
        /**
         * Tells why the director cannot serve a VIP now. Called on the announcer's thread.
         *
         * @param vip the VIP
         * @return null if it can serve it; else a short reason for the status, such as
         *     {@code no real server}
         */
        String whyNot(InetAddress vip);
    }

    private final RouteSpeaker speaker;
    private final List<InetAddress> vips;
    private final Readiness readiness;
    private final ScheduledExecutorService thread;
    private final boolean[] announced;
    private final String[] reasons;
    private final long[] changes;
    private volatile boolean drained;
    private volatile AnnouncementStatus status;
    private boolean daemonUp;
    private long nextStart;
    private long nextPeers;
    private List<AnnouncementStatus.Peer> peers = List.of();

    RouteAnnouncer(RouteSpeaker speaker, List<InetAddress> vips, Readiness readiness) {
        this.speaker = speaker;
        this.vips = List.copyOf(new LinkedHashSet<>(vips));
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.announced = new boolean[this.vips.size()];
        this.reasons = new String[this.vips.size()];
        this.changes = new long[this.vips.size()];
        Arrays.fill(reasons, "starting");
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "lvs4j-bgp");
            t.setDaemon(true);
            return t;
        });
        publish();
    }

    /**
     * Starts the daemon and the checks.
     *
     * @param config the {@code bgp_announce} block
     * @param vips the VIPs to announce (duplicates count once)
     * @param routerId the router id when the block sets none: the director's IPv4 address
     * @param readiness whether the director can serve each VIP
     * @return the running announcer
     * @throws IOException if the daemon cannot be started
     */
    public static RouteAnnouncer start(BgpConfig config, List<InetAddress> vips, Inet4Address routerId,
            Readiness readiness) throws IOException {
        RouteSpeaker speaker = config.frr() ? new FrrSpeaker(config, routerId) : new CommandSpeaker(config);
        return new RouteAnnouncer(speaker, vips, readiness).start(config.checkInterval().toNanos());
    }

    RouteAnnouncer start(long intervalNanos) throws IOException {
        try {
            thread.submit(() -> {
                speaker.start();
                daemonUp = true;
                check();
                return null;
            }).get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof IOException io ? io : new IOException("cannot start the BGP daemon", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the BGP daemon did not start in " + START_TIMEOUT_SECONDS + " s", e);
        }
        thread.scheduleWithFixedDelay(this::checkQuietly, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        LOG.info("announcing {} through {} (checked every {} ms)", vips, speaker.name(),
                TimeUnit.NANOSECONDS.toMillis(intervalNanos));
        return this;
    }

    /**
     * Drains the director (withdraws every VIP, the director serving on) or ends a drain.
     *
     * @param on true to drain, false to announce again what can be served
     * @return the announcement once the daemon has been told
     */
    public CompletableFuture<AnnouncementStatus> drain(boolean on) {
        drained = on;
        LOG.info(on ? "drained by the operator: withdrawing every VIP" : "drain ended: announcing what can be served");
        return CompletableFuture.supplyAsync(() -> {
            checkQuietly();
            return status;
        }, thread);
    }

    /** @return whether the operator drained the director */
    public boolean drained() {
        return drained;
    }

    /** @return the announcement as last checked */
    public AnnouncementStatus status() {
        return status;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.error("announcement check failed", e);
        }
    }

    /** One check, on the announcer's thread. */
    void check() {
        long now = System.nanoTime();
        boolean changed = false;
        boolean running = speaker.running();
        if (!running) {
            if (daemonUp) {
                LOG.error("the BGP daemon ({}) ended: every VIP is withdrawn until it runs again", speaker.name());
                Arrays.fill(announced, false);
                changed = true;
            }
            if (now - nextStart >= 0) {
                try {
                    speaker.start();
                    running = true;
                    LOG.info("the BGP daemon ({}) runs again", speaker.name());
                } catch (IOException e) {
                    nextStart = now + RESTART_DELAY_NANOS;
                    LOG.warn("cannot start the BGP daemon ({}): {}; trying again in 5 s", speaker.name(), e.getMessage());
                }
            }
        }
        daemonUp = running;
        for (int i = 0; i < vips.size(); i++) {
            InetAddress vip = vips.get(i);
            String why = !daemonUp ? "daemon down" : drained ? "drained" : readiness.whyNot(vip);
            boolean want = why == null;
            reasons[i] = want ? "serving" : why;
            if (want == announced[i] || !daemonUp) {
                continue;
            }
            try {
                if (want) {
                    speaker.announce(vip);
                } else {
                    speaker.withdraw(vip);
                }
                announced[i] = want;
                changes[i]++;
                changed = true;
                LOG.info("{} {} ({})", want ? "announced" : "withdrew", Prefixes.of(vip), reasons[i]);
            } catch (IOException e) {
                LOG.warn("cannot {} {}: {}", want ? "announce" : "withdraw", Prefixes.of(vip), e.getMessage());
            }
        }
        if (daemonUp && (changed || now - nextPeers >= 0)) {
            peers = speaker.peers();
            nextPeers = now + PEERS_INTERVAL_NANOS;
        } else if (!daemonUp) {
            peers = List.of();
        }
        publish();
    }

    private void publish() {
        List<AnnouncementStatus.Route> routes = new ArrayList<>();
        for (int i = 0; i < vips.size(); i++) {
            routes.add(new AnnouncementStatus.Route(Prefixes.of(vips.get(i)), announced[i], reasons[i], changes[i]));
        }
        status = new AnnouncementStatus(speaker.name(), daemonUp, drained, routes, peers);
    }

    /**
     * Withdraws every VIP and stops the daemon (its sessions close with a notification), then
     * the announcer's thread.
     */
    @Override
    public void close() {
        try {
            thread.submit(() -> {
                for (int i = 0; i < vips.size(); i++) {
                    if (announced[i] && speaker.running()) {
                        try {
                            speaker.withdraw(vips.get(i));
                        } catch (IOException e) {
                            LOG.debug("withdrawing {} at close: {}", vips.get(i), e.getMessage());
                        }
                    }
                    announced[i] = false;
                    reasons[i] = "stopped";
                }
                speaker.stop();
                daemonUp = false;
                peers = List.of();
                publish();
            }).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("stopping the BGP daemon failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException e) {
            // already closed
        }
        thread.shutdownNow();
    }
}

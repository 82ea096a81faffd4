package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A seeded, simulated LAN of VRRP routers on a virtual clock: every advert is encoded to bytes
 * with {@link VrrpEncoder}, travels with loss (on the whole LAN and per directed link), delay,
 * duplication, reordering, partitions (symmetric groups, and directed links cut one way only),
 * and is received through {@link VrrpNode#receiveIpv4} or {@link VrrpNode#receiveIpv6}. Each
 * router may run on a clock of its own, fast or slow by some parts per million. Every advert
 * must be accepted, but those an address owner discards ({@link AdvertCheck#LOCAL_OWNER}).
 * With the extra impairments off (their defaults) it draws the same random numbers as without
 * them. Single-threaded.
 */
final class SimNetwork {

    static final String IFACE = "eth0";
    static final long MS = 1_000_000L;

    /** A state change seen by a listener. */
    record Change(long time, String router, String instance, VrrpState from, VrrpState to, int priority) {
    }

    private record Event(long time, long seq, Runnable task) {
    }

    final VirtualClock clock = new VirtualClock();
    final Random random;
    final List<Router> routers = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();
    final List<String> notified = new ArrayList<>();
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long seq;
    double loss;
    long minDelay = MS;
    long maxDelay = MS;
    /** Directed links cut, "from>to": adverts go one way but not the other. */
    final Set<String> cuts = new HashSet<>();
    /** Loss on a directed link "from>to", on top of {@link #loss}. */
    final Map<String, Double> linkLoss = new HashMap<>();
    /** The probability that an advert arrives twice, each copy with its own delay. */
    double duplicate;
    /** The probability that an advert is held back by up to {@link #reorderDelay} more, so later ones overtake it. */
    double reorder;
    long reorderDelay;
    long sent;
    long delivered;
    long ownerDiscards;
    long duplicated;

    SimNetwork(long seed) {
        random = new Random(seed);
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    long now() {
        return clock.nanoTime();
    }

    void schedule(long at, Runnable task) {
        queue.add(new Event(at, seq++, task));
    }

    Router router(String name, VrrpInstanceConfig... instances) {
        Router r = new Router(name, List.of(instances));
        routers.add(r);
        return r;
    }

    Router router(String name) {
        return routers.stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow();
    }

    /** Runs until {@code until}, calling {@code check} after every step. */
    void runUntil(long until, Runnable check) {
        for (int guard = 0; guard < 10_000_000; guard++) {
            long next = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().time;
            for (Router r : routers) {
                if (r.node != null) {
                    next = Math.min(next, r.globalTime(r.node.nextDeadline()));
                }
            }
            if (next > until) {
                clock.set(until);
                return;
            }
            clock.set(Math.max(next, now()));
            while (!queue.isEmpty() && queue.peek().time <= now()) {
                queue.poll().task.run();
            }
            for (Router r : routers) {
                if (r.node != null && r.node.nextDeadline() <= r.localTime()) {
                    r.node.tick();
                }
            }
            if (check != null) {
                check.run();
            }
        }
        throw new IllegalStateException("simulation did not advance");
    }

    void runFor(long nanos) {
        runUntil(now() + nanos, null);
    }

    void runFor(long nanos, Runnable check) {
        runUntil(now() + nanos, check);
    }

    List<Router> masters(String instance) {
        List<Router> m = new ArrayList<>();
        for (Router r : routers) {
            if (r.node != null && r.node.state(instance) == VrrpState.MASTER) {
                m.add(r);
            }
        }
        return m;
    }

    /** The first change to {@code to} of an instance on a router at or after {@code since}, or -1. */
    long firstChange(String router, String instance, VrrpState to, long since) {
        for (Change c : changes) {
            if (c.time >= since && c.router.equals(router) && c.instance.equals(instance) && c.to == to) {
                return c.time;
            }
        }
        return -1;
    }

    /** Scripted outcomes of tracked scripts, by router and script name (absent: success). */
    final Map<String, Boolean> scriptOutcome = new HashMap<>();

    /** One simulated router: a {@link VrrpNode} that can crash, stop and restart. */
    final class Router implements VrrpPort {
        final String name;
        final List<VrrpInstanceConfig> configs;
        final List<VrrpSyncGroupConfig> groups = new ArrayList<>();
        final Set<String> owned = new HashSet<>();
        final Map<String, Boolean> links = new HashMap<>();
        VrrpNode node;
        int partition;
        /** How fast this router's clock runs against the LAN's, in parts per million (0: exact). */
        int driftPpm;
        private int ipId;

        Router(String name, List<VrrpInstanceConfig> configs) {
            this.name = name;
            this.configs = configs;
        }

        Router group(VrrpSyncGroupConfig g) {
            groups.add(g);
            return this;
        }

        /** @return this router's clock reading */
        long localTime() {
            return localAt(now());
        }

        /** @return the earliest LAN time at which this router's clock reads {@code local} or later */
        long globalTime(long local) {
            if (local == Long.MAX_VALUE || driftPpm == 0) {
                return local;
            }
            long t = local - Math.floorDiv(Math.multiplyExact(local, (long) driftPpm), 1_000_000L + driftPpm);
            while (localAt(t) < local) {
                t++;
            }
            while (localAt(t - 1) >= local) {
                t--;
            }
            return t;
        }

        private long localAt(long t) {
            return t + Math.floorDiv(Math.multiplyExact(t, (long) driftPpm), 1_000_000L);
        }

        Router up() {
            VrrpNode.Builder b = VrrpNode.builder(this).clock(this::localTime)
                    .scriptRunner((command, timeout) -> runScript(command))
                    .listener(new VrrpListener() {
                        @Override
                        public void instanceStateChanged(String instance, VrrpState from, VrrpState to, int priority) {
                            changes.add(new Change(now(), name, instance, from, to, priority));
                        }

                        @Override
                        public void groupStateChanged(String group, VrrpState state) {
                            notified.add(name + " GROUP " + group + " " + state);
                        }
                    });
            configs.forEach(b::instance);
            groups.forEach(b::syncGroup);
            node = b.build();
            links.forEach(node::linkChanged);
            node.start();
            return this;
        }

        private CompletableFuture<ScriptResult> runScript(List<String> command) {
            CompletableFuture<ScriptResult> f = new CompletableFuture<>();
            String key = name + ":" + String.join(" ", command);
            if (command.getFirst().equals("notify")) {
                notified.add(name + " " + String.join(" ", command.subList(1, command.size())));
            }
            boolean ok = scriptOutcome.getOrDefault(key, Boolean.TRUE);
            schedule(now() + 10 * MS, () -> f.complete(new ScriptResult(ok ? 0 : 1, false)));
            return f;
        }

        /** Dies silently: no priority-0 advert. */
        void crash() {
            node = null;
            owned.clear();
        }

        /** Stops cleanly: masters send priority 0. */
        void stop() {
            if (node != null) {
                node.stop();
                node = null;
            }
        }

        boolean isUp() {
            return node != null;
        }

        VrrpState state(String instance) {
            return node == null ? null : node.state(instance);
        }

        void link(String iface, boolean up) {
            links.put(iface, up);
            if (node != null) {
                node.linkChanged(iface, up);
            }
        }

        @Override
        public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
            if (instance.unicastPeers().isEmpty()) {
                send(instance, advert, VrrpEncoder.multicastGroup(instance.sourceAddress().orElseThrow()), null);
            } else {
                for (InetAddress peer : instance.unicastPeers()) {
                    send(instance, advert, peer.getAddress(), peer);
                }
            }
        }

        private void send(VrrpInstanceConfig instance, Advertisement advert, byte[] dst, InetAddress peer) {
            InetAddress src = instance.sourceAddress().orElseThrow();
            boolean v4 = src instanceof Inet4Address;
            int len = advert.length() + (v4 ? VrrpEncoder.IPV4_HEADER_LENGTH : 0);
            MemorySegment seg = MemorySegment.ofArray(new byte[len]);
            if (v4) {
                VrrpEncoder.encodeIpv4Packet(advert, seg, 0, (Inet4Address) src,
                        (Inet4Address) ip(peer == null ? "224.0.0.18" : peer.getHostAddress()), ++ipId);
            } else {
                VrrpEncoder.encode(advert, seg, 0, src.getAddress(), dst);
            }
            sent++;
            for (Router to : routers) {
                if (to == this || to.partition != partition || random.nextDouble() < loss
                        || peer != null && !to.configs.getFirst().sourceAddress().orElseThrow().equals(peer)) {
                    continue;
                }
                String link = name + ">" + to.name;
                Double extraLoss = linkLoss.get(link);
                if (cuts.contains(link) || extraLoss != null && random.nextDouble() < extraLoss) {
                    continue;
                }
                int copies = duplicate > 0 && random.nextDouble() < duplicate ? 2 : 1;
                duplicated += copies - 1;
                for (int c = 0; c < copies; c++) {
                    long delay = minDelay + (maxDelay > minDelay ? (long) (random.nextDouble() * (maxDelay - minDelay)) : 0);
                    if (reorder > 0 && random.nextDouble() < reorder) {
                        delay += (long) (random.nextDouble() * reorderDelay);
                    }
                    int sender = partition;
                    schedule(now() + delay, () -> {
                        if (to.node == null || to.partition != sender || cuts.contains(link)) {
                            return;
                        }
                        delivered++;
                        AdvertCheck verdict = v4
                                ? to.node.receiveIpv4(IFACE, seg, 0, len)
                                : to.node.receiveIpv6(IFACE, seg, 0, len, 255, src.getAddress(), dst);
                        if (verdict == AdvertCheck.LOCAL_OWNER) {
                            ownerDiscards++;
                        } else if (verdict != AdvertCheck.ACCEPTED) {
                            throw new AssertionError(to.name + " rejected an advert of " + name + ": " + verdict);
                        }
                    });
                }
            }
        }

        @Override
        public void takeOver(VrrpInstanceConfig instance) {
            owned.add(instance.name());
        }

        @Override
        public void release(VrrpInstanceConfig instance) {
            owned.remove(instance.name());
        }
    }

    /** A v2 instance "VI_1", vrid 51, VIP 198.18.0.10 (the fixtures' set-up), customised. */
    static VrrpInstanceConfig instance(String primary, int priority,
                                       Function<VrrpInstanceConfig.Builder, VrrpInstanceConfig.Builder> more) {
        return more.apply(VrrpInstanceConfig.builder("VI_1").interfaceName(IFACE).virtualRouterId(51)
                .priority(priority).sourceAddress(ip(primary)).virtualIpAddress(ip("198.18.0.10"))
                .authPass("1111")).build();
    }
}

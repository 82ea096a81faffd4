package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.testkit.Command;
import io.lvs4j.testkit.NamedHttpServer;
import io.lvs4j.transport.epoll.DrDirector;
import io.lvs4j.testkit.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.lvs4j.vrrp.VrrpInstanceConfig;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;
import io.lvs4j.vrrp.VrrpVersion;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lvs4j's VRRP against real keepalived (2.2) in namespaces: a client, an lvs4j router and one or
 * two keepalived routers on one bridge. The client's view of the VIP is its ARP owner (the MAC
 * its neighbour table resolves the VIP to); a router "dies" by losing its link. Failover times
 * are printed next to keepalived-to-keepalived ones measured in the same run.
 */
class KeepalivedInteropIT {

    private static final int VRID = 51;
    private static final Duration LONG = Duration.ofSeconds(15);
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
    /** What keepalived logs when it rejects an advert (a lower-priority one it discards is normal). */
    private static final Pattern KEEPALIVED_COMPLAINT =
            Pattern.compile("(?i)invalid|checksum|mismatch|ttl|incorrect|malformed|bad |unknown|wrong");

    private static MultiThreadIoEventLoopGroup loops;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("keepalived", "ping", "curl");
        loops = PacketSocketGroup.newEventLoopGroup(2);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static Stream<Keepalived.Setup> setups() {
        return Stream.of(new Keepalived.Setup(2, true, 100, false), new Keepalived.Setup(3, false, 100, false),
                new Keepalived.Setup(3, false, 100, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldHoldVipAgainstKeepalivedBackupLoseItOnLinkDownAndPreemptBack(Keepalived.Setup setup) throws Exception {
        try (Lab lab = Lab.builder().host("client").host("lvs").host("ka").build()) {
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            Host ka = lab.host("ka");
            String vip = lab.address(200);
            prepareClient(client);
            try (Keepalived keepalived = Keepalived.start(ka, dir, setup, VRID, 90, vip, List.of(lvs.ip()))) {
                AtomicLong becameMaster = new AtomicLong();
                EpollVrrpRouter router = startRouter(lvs, setup, 100, vip, List.of(ka.ip()), becameMaster);
                try {
                    await().atMost(LONG).until(() -> router.state("VI") == VrrpState.MASTER);
                    await().atMost(LONG).until(() -> lvs.mac().equals(arpOwner(client, vip)));
                    assertFalse(keepalived.holds(vip), "keepalived must stay backup under a priority-100 lvs4j master");
                    assertTrue(keepalived.alive(), keepalived.log());

                    long down = System.nanoTime();
                    lvs.exec("ip", "link", "set", lvs.iface(), "down").check();
                    await().atMost(LONG).pollInterval(Duration.ofMillis(10)).until(() -> keepalived.holds(vip));
                    long failover = System.nanoTime() - down;
                    await().atMost(LONG).until(() -> ka.mac().equals(arpOwner(client, vip)));
                    assertTrue(client.exec("ping", "-c", "1", "-W", "2", vip).ok(), "the VIP answers from keepalived");
                    System.out.printf("[vrrp %s] lvs4j master -> keepalived backup, link down: %d ms%n",
                            setup.label(), TimeUnit.NANOSECONDS.toMillis(failover));
                } finally {
                    router.close();
                }

                lvs.exec("ip", "link", "set", lvs.iface(), "up").check();
                EpollVrrpRouter again = startRouter(lvs, setup, 100, vip, List.of(ka.ip()), becameMaster);
                try {
                    await().atMost(LONG).until(() -> again.state("VI") == VrrpState.MASTER);
                    await().atMost(LONG).until(() -> !keepalived.holds(vip));
                    await().atMost(LONG).until(() -> lvs.mac().equals(arpOwner(client, vip)));
                    assertTrue(again.gratuitousArpsSent(lvs.iface()) > 0);
                    assertAcceptedByKeepalived(keepalived);
                } finally {
                    again.close();
                }
                // The priority-0 advert of a clean stop: keepalived takes over after its skew time,
                // not after three intervals.
                long stopped = System.nanoTime();
                await().atMost(LONG).pollInterval(Duration.ofMillis(10)).until(() -> keepalived.holds(vip));
                long takeover = System.nanoTime() - stopped;
                System.out.printf("[vrrp %s] lvs4j master stopped cleanly -> keepalived master: %d ms%n",
                        setup.label(), TimeUnit.NANOSECONDS.toMillis(takeover));
                assertTrue(takeover < TimeUnit.MILLISECONDS.toNanos(setup.advertCentis() * 10L * 2),
                        "keepalived honoured the priority-0 advert: " + takeover / 1_000_000 + " ms");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldBackUpKeepalivedMasterTakeOverOnItsLinkDownAndYieldWhenItReturns(Keepalived.Setup setup)
            throws Exception {
        try (Lab lab = Lab.builder().host("client").host("lvs").host("ka").build()) {
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            Host ka = lab.host("ka");
            String vip = lab.address(200);
            prepareClient(client);
            try (Keepalived keepalived = Keepalived.start(ka, dir, setup, VRID, 100, vip, List.of(lvs.ip()))) {
                await().atMost(LONG).until(() -> keepalived.holds(vip));
                AtomicLong becameMaster = new AtomicLong();
                try (EpollVrrpRouter router = startRouter(lvs, setup, 90, vip, List.of(ka.ip()), becameMaster)) {
                    await().atMost(LONG).until(() -> router.packetsReceived(lvs.iface()) >= 3);
                    assertEquals(VrrpState.BACKUP, router.state("VI"), "a priority-90 lvs4j stays backup");
                    assertTrue(client.exec("ping", "-c", "1", "-W", "2", vip).ok(), "the VIP answers from keepalived");

                    long down = System.nanoTime();
                    ka.exec("ip", "link", "set", ka.iface(), "down").check();
                    await().atMost(LONG).until(() -> becameMaster.get() != 0);
                    long failover = becameMaster.get() - down;
                    await().atMost(LONG).until(() -> lvs.mac().equals(arpOwner(client, vip)));
                    System.out.printf("[vrrp %s] keepalived master -> lvs4j backup, link down: %d ms%n",
                            setup.label(), TimeUnit.NANOSECONDS.toMillis(failover));

                    ka.exec("ip", "link", "set", ka.iface(), "up").check();
                    await().atMost(LONG).until(() -> keepalived.holds(vip));
                    await().atMost(LONG).until(() -> router.state("VI") == VrrpState.BACKUP);
                    assertFalse(router.owns(lvs.iface(), InetAddress.getByName(vip)));
                    await().atMost(LONG).until(() -> ka.mac().equals(arpOwner(client, vip)));
                    assertAcceptedByKeepalived(keepalived);

                    becameMaster.set(0);
                    long stopped = System.nanoTime();
                    keepalived.close();
                    await().atMost(LONG).until(() -> becameMaster.get() != 0);
                    long takeover = becameMaster.get() - stopped;
                    System.out.printf("[vrrp %s] keepalived master stopped cleanly -> lvs4j master: %d ms%n",
                            setup.label(), TimeUnit.NANOSECONDS.toMillis(takeover));
                    assertTrue(takeover < TimeUnit.MILLISECONDS.toNanos(setup.advertCentis() * 10L * 2),
                            "lvs4j honoured keepalived's priority-0 advert: " + takeover / 1_000_000 + " ms");
                }
            }
        }
    }

    /** Keepalived logs every advert it rejects; lvs4j's must pass its checks. */
    private static void assertAcceptedByKeepalived(Keepalived keepalived) {
        String log = keepalived.log();
        assertFalse(KEEPALIVED_COMPLAINT.matcher(log).find(), log);
        assertTrue(keepalived.alive(), log);
    }

    @Test
    void shouldKeepClientServedWhileDirectorFailsOverToKeepalivedAndPreemptsBack() throws Exception {
        Keepalived.Setup setup = new Keepalived.Setup(2, true, 100, false);
        try (Lab lab = Lab.builder().host("client").host("lvs").host("ka").host("rs1").build()) {
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            Host ka = lab.host("ka");
            String vip = lab.address(200);
            lab.host("rs1").holdVipOnLoopback(vip);
            prepareClient(client);
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName(vip), 80,
                    Schedulers.create("rr", SchedulerOptions.DEFAULTS));
            vs.addRealServer(RealServer.of(InetAddress.getByName(lab.host("rs1").ip()), 80, 1));
            try (NamedHttpServer rs1 = NamedHttpServer.start(lab.host("rs1"), "rs1", 80);
                    NamedHttpServer backup = NamedHttpServer.start(ka, "keepalived", 80);
                    Keepalived keepalived = Keepalived.start(ka, dir, setup, VRID, 90, vip, List.of());
                    DrDirector director = lvs.netns().call(() -> DrDirector.builder().interfaceName(lvs.iface())
                            .directorAddress(InetAddress.getByName(lvs.ip())).loops(loops).virtualService(vs)
                            .active(false).gratuitousArp(3, Duration.ofMillis(100))
                            .neighbourRefresh(Duration.ofSeconds(1)).build().start())) {
                assertFalse(director.active());
                try (EpollVrrpRouter router = startRouter(lvs, setup, 100, vip, List.of(), new AtomicLong(),
                        b -> b.ownAddresses(false).masterAction(EpollVrrpRouter.MasterAction.forwarding(director)))) {
                    await().atMost(LONG).until(() -> router.state("VI") == VrrpState.MASTER && director.active());
                    await().atMost(LONG).until(() -> "rs1".equals(get(client, vip)));

                    long down = System.nanoTime();
                    lvs.exec("ip", "link", "set", lvs.iface(), "down").check();
                    await().atMost(LONG).pollInterval(Duration.ofMillis(20)).until(() -> "keepalived".equals(get(client, vip)));
                    System.out.printf("[vrrp %s] client served again %d ms after the lvs4j director's link went down%n",
                            setup.label(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
                }
                assertFalse(director.active(), "closing the router stops the director serving the VIP");

                lvs.exec("ip", "link", "set", lvs.iface(), "up").check();
                try (EpollVrrpRouter router = startRouter(lvs, setup, 100, vip, List.of(), new AtomicLong(),
                        b -> b.ownAddresses(false).masterAction(EpollVrrpRouter.MasterAction.forwarding(director)))) {
                    await().atMost(LONG).until(() -> router.state("VI") == VrrpState.MASTER);
                    await().atMost(LONG).until(() -> !keepalived.holds(vip));
                    await().atMost(LONG).until(() -> "rs1".equals(get(client, vip)));
                    assertAcceptedByKeepalived(keepalived);
                }
            }
        }
    }

    /** One HTTP GET from the client; the server's name, or "" on failure. */
    private static String get(Host client, String vip) {
        Command.Result r = client.exec("curl", "-sS", "-m", "1", "http://" + vip + "/");
        return r.ok() ? r.stdout().strip() : "";
    }

    static Stream<Keepalived.Setup> timedSetups() {
        return Stream.of(new Keepalived.Setup(2, true, 100, false), new Keepalived.Setup(3, false, 10, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timedSetups")
    void shouldFailOverFromKeepalivedNoSlowerThanKeepalivedItself(Keepalived.Setup setup) throws Exception {
        try (Lab lab = Lab.builder().host("ka1").host("ka2").host("lvs").build()) {
            Host ka1 = lab.host("ka1");
            Host ka2 = lab.host("ka2");
            Host lvs = lab.host("lvs");
            String vip = lab.address(200);
            try (Keepalived first = Keepalived.start(ka1, dir, setup, VRID, 100, vip, List.of());
                    Keepalived second = Keepalived.start(ka2, dir, setup, VRID, 90, vip, List.of())) {
                await().atMost(LONG).until(() -> first.holds(vip));
                await().atMost(LONG).until(() -> !second.holds(vip));
                long down = System.nanoTime();
                ka1.exec("ip", "link", "set", ka1.iface(), "down").check();
                await().atMost(LONG).pollInterval(Duration.ofMillis(5)).until(() -> second.holds(vip));
                long keepalivedFailover = System.nanoTime() - down;

                AtomicLong becameMaster = new AtomicLong();
                try (EpollVrrpRouter router = startRouter(lvs, setup, 80, vip, List.of(), becameMaster)) {
                    await().atMost(LONG).until(() -> router.packetsReceived(lvs.iface()) >= 3);
                    assertEquals(VrrpState.BACKUP, router.state("VI"));
                    down = System.nanoTime();
                    ka2.exec("ip", "link", "set", ka2.iface(), "down").check();
                    await().atMost(LONG).until(() -> becameMaster.get() != 0);
                    long lvsFailover = becameMaster.get() - down;
                    System.out.printf("[vrrp %s] failover on master link down: keepalived -> keepalived (prio 90)"
                            + " %d ms, keepalived -> lvs4j (prio 80) %d ms%n", setup.label(),
                            TimeUnit.NANOSECONDS.toMillis(keepalivedFailover), TimeUnit.NANOSECONDS.toMillis(lvsFailover));
                    // Generous bounds only: three intervals plus skew, plus scheduling slack.
                    long bound = TimeUnit.MILLISECONDS.toNanos(setup.advertCentis() * 10L * 4 + 1000);
                    assertTrue(lvsFailover < bound, "lvs4j failover took " + lvsFailover / 1_000_000 + " ms");
                }
            }
        }
    }

    private EpollVrrpRouter startRouter(Host host, Keepalived.Setup setup, int priority, String vip,
                                        List<String> peers, AtomicLong becameMaster) throws Exception {
        return startRouter(host, setup, priority, vip, peers, becameMaster, b -> b);
    }

    private EpollVrrpRouter startRouter(Host host, Keepalived.Setup setup, int priority, String vip,
                                        List<String> peers, AtomicLong becameMaster,
                                        UnaryOperator<EpollVrrpRouter.Builder> extra) throws Exception {
        VrrpInstanceConfig.Builder b = VrrpInstanceConfig.builder("VI").interfaceName(host.iface())
                .version(setup.version() == 2 ? VrrpVersion.V2 : VrrpVersion.V3).vrid(VRID).priority(priority)
                .advertIntervalCentis(setup.advertCentis()).primaryAddress(InetAddress.getByName(host.ip()))
                .virtualAddress(InetAddress.getByName(vip));
        if (setup.passAuth()) {
            b.authPass("1111");
        }
        if (setup.unicast()) {
            for (String p : peers) {
                b.unicastPeer(InetAddress.getByName(p));
            }
        }
        IoEventLoop loop = (IoEventLoop) loops.next();
        VrrpListener listener = (instance, from, to, prio) -> {
            if (to == VrrpState.MASTER) {
                becameMaster.compareAndSet(0, System.nanoTime());
            }
        };
        GarpConfig garp = GarpConfig.builder().masterRepeat(3).masterDelay(Duration.ofSeconds(1)).build();
        return host.netns().call(() -> extra.apply(EpollVrrpRouter.builder(loop).instance(b.build())
                .listener(listener).garp(garp)).build().start());
    }

    /** Lets gratuitous ARPs create neighbour entries on the client, as they update them anyway. */
    private static void prepareClient(Host client) {
        client.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.arp_accept=1").check();
        client.exec("sysctl", "-q", "-w", "net.ipv4.conf." + client.iface() + ".arp_accept=1").check();
    }

    /** Resolves the VIP afresh from the client and returns the MAC that answered, or "" if none. */
    private static String arpOwner(Host client, String vip) {
        client.exec("ip", "neigh", "flush", "to", vip, "dev", client.iface());
        client.exec("ping", "-c", "1", "-W", "0.3", vip);
        String out = client.exec("ip", "neigh", "show", "to", vip, "dev", client.iface()).stdout();
        Matcher m = LLADDR.matcher(out);
        return m.find() ? m.group(1) : "";
    }
}

package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.testkit.FrrVrrpd;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.lvs4j.vrrp.AdvertCheck;
import io.lvs4j.vrrp.AdvertWarning;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FRR's vrrpd as a second real VRRPv3 peer, IPv4 and IPv6 at once (one VRID, two virtual
 * routers), in namespaces: each wins the election when its priority is higher, and each takes
 * over when the other goes (a clean stop, a link down) and gives back when it returns. The
 * client's view of a VIP is the MAC its neighbour table resolves it to: lvs4j answers with its
 * own, vrrpd with the virtual MAC of its macvlan. FRR's IPv6 adverts list the virtual address
 * alone, without the link-local address RFC 5798 puts first: lvs4j accepts them and counts
 * {@link AdvertWarning#IPV6_FIRST_ADDRESS_NOT_LINK_LOCAL}, as keepalived does.
 */
class FrrVrrpInteropIT {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final int VRID = 61;
    private static final String VIP4 = "198.18.0.200";
    private static final String VIP6 = "2001:db8::200";
    private static final String VMAC4 = "00:00:5e:00:01:3d";
    private static final String VMAC6 = "00:00:5e:00:02:3d";
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("vtysh", "ping");
        assertTrue(FrrVrrpd.isInstalled(), "FRR's vrrpd comes with vtysh (Debian's frr)");
        loops = PacketSocketGroup.newEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldWinAgainstALowerFrrHandBothVipsToItOnACleanStopAndTakeThemBack() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("lvs").host("frr").build()) {
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            client.exec("ip", "-6", "addr", "add", "2001:db8::11/64", "dev", client.iface(), "nodad").check();
            String lvsLinkLocal = KeepalivedIpv6IT.linkLocal(lvs);
            try (FrrVrrpd frr = FrrVrrpd.start(lab.host("frr"), VRID, 100, 1000, VIP4, VIP6)) {
                awaitFrr(frr, "Master");
                awaitOwners(client, VMAC4, VMAC6);
                try (EpollVrrpRouter router = router(lvs, lvsLinkLocal, 150)) {
                    awaitStates(router, VrrpState.MASTER);
                    awaitFrr(frr, "Backup");
                    assertOwnsBoth(router, lvs, true);
                    awaitOwners(client, lvs.mac(), lvs.mac());
                    assertFrrAdvertsAccepted(router, lvs);
                }
                // The router's close sent priority-0 adverts: vrrpd takes over at once, both families.
                awaitFrr(frr, "Master");
                awaitOwners(client, VMAC4, VMAC6);

                try (EpollVrrpRouter again = router(lvs, lvsLinkLocal, 150)) {
                    awaitStates(again, VrrpState.MASTER);
                    awaitFrr(frr, "Backup");
                    awaitOwners(client, lvs.mac(), lvs.mac());
                }
                assertTrue(frr.alive(), frr.log());
            }
        }
    }

    @Test
    void shouldBackUpAHigherFrrTakeOverOnItsLinkDownAndYieldWhenItReturns() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("lvs").host("frr").build()) {
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            Host frrHost = lab.host("frr");
            client.exec("ip", "-6", "addr", "add", "2001:db8::11/64", "dev", client.iface(), "nodad").check();
            String lvsLinkLocal = KeepalivedIpv6IT.linkLocal(lvs);
            try (FrrVrrpd frr = FrrVrrpd.start(frrHost, VRID, 200, 1000, VIP4, VIP6)) {
                awaitFrr(frr, "Master");
                try (EpollVrrpRouter router = router(lvs, lvsLinkLocal, 90)) {
                    await().atMost(LONG).until(() -> router.query(n -> n.validator(lvs.iface())
                            .counter(AdvertCheck.ACCEPTED)) >= 6);
                    assertEquals(VrrpState.BACKUP, router.state("VI4"), "vrrpd's priority-200 adverts are accepted");
                    assertEquals(VrrpState.BACKUP, router.state("VI6"));
                    assertOwnsBoth(router, lvs, false);
                    assertFrrAdvertsAccepted(router, lvs);

                    frrHost.exec("ip", "link", "set", frrHost.iface(), "down").check();
                    awaitStates(router, VrrpState.MASTER);
                    assertOwnsBoth(router, lvs, true);
                    awaitOwners(client, lvs.mac(), lvs.mac());

                    frrHost.exec("ip", "link", "set", frrHost.iface(), "up").check();
                    awaitStates(router, VrrpState.BACKUP);
                    awaitFrr(frr, "Master");
                    awaitOwners(client, VMAC4, VMAC6);
                    assertOwnsBoth(router, lvs, false);
                }
                assertTrue(frr.alive(), frr.log());
            }
        }
    }

    /** lvs4j's virtual routers: VRID 61 for IPv4 and for IPv6, VRRPv3, adverts every second. */
    private static EpollVrrpRouter router(Host lvs, String linkLocal, int priority) throws Exception {
        VrrpInstanceConfig v4 = VrrpInstanceConfig.builder("VI4").interfaceName(lvs.iface()).virtualRouterId(VRID)
                .version(3).advertInterval(Duration.ofSeconds(1)).priority(priority)
                .sourceAddress(InetAddress.getByName(lvs.ip())).virtualIpAddress(InetAddress.getByName(VIP4)).build();
        VrrpInstanceConfig v6 = VrrpInstanceConfig.builder("VI6").interfaceName(lvs.iface()).virtualRouterId(VRID)
                .version(3).advertInterval(Duration.ofSeconds(1)).priority(priority)
                .sourceAddress(InetAddress.getByName(linkLocal)).virtualIpAddress(InetAddress.getByName(VIP6)).build();
        IoEventLoop loop = (IoEventLoop) loops.next();
        return lvs.netns().call(() -> EpollVrrpRouter.builder(loop).instance(v4).instance(v6).build().start());
    }

    /** Waits until vrrpd's two virtual routers are in a state; says what vrrpd shows if they never are. */
    private static void awaitFrr(FrrVrrpd frr, String state) {
        try {
            await().atMost(LONG).until(() -> frr.state(false).equals(state) && frr.state(true).equals(state));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("vrrpd not " + state + ":\n" + frr.vtysh("show vrrp").stdout() + frr.log(), e);
        }
    }

    private static void awaitStates(EpollVrrpRouter router, VrrpState state) {
        await().atMost(LONG).until(() -> router.state("VI4") == state && router.state("VI6") == state);
    }

    private static void assertOwnsBoth(EpollVrrpRouter router, Host lvs, boolean owns) throws Exception {
        assertEquals(owns, router.owns(lvs.iface(), InetAddress.getByName(VIP4)), VIP4);
        assertEquals(owns, router.owns(lvs.iface(), InetAddress.getByName(VIP6)), VIP6);
    }

    /** vrrpd's IPv6 adverts, without the link-local first address, were accepted with the counted warning. */
    private static void assertFrrAdvertsAccepted(EpollVrrpRouter router, Host lvs) {
        long warned = router.query(n -> n.validator(lvs.iface())
                .warnings(AdvertWarning.IPV6_FIRST_ADDRESS_NOT_LINK_LOCAL));
        assertTrue(warned > 0, "FRR's IPv6 adverts are counted under the warning: " + warned);
        long refused = router.query(n -> n.validator(lvs.iface()).total() - n.validator(lvs.iface())
                .counter(AdvertCheck.ACCEPTED));
        assertEquals(0, refused, "no advert of vrrpd refused");
    }

    /** Waits until the client resolves the IPv4 and the IPv6 VIP to these MACs; says what it resolves if never. */
    private static void awaitOwners(Host client, String mac4, String mac6) {
        try {
            await().atMost(LONG).until(() -> mac4.equals(owner(client, VIP4)) && mac6.equals(owner(client, VIP6)));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the client resolves " + VIP4 + " to " + owner(client, VIP4) + ", not " + mac4
                    + ", and " + VIP6 + " to " + owner(client, VIP6) + ", not " + mac6, e);
        }
    }

    /** The MAC the client's neighbour table resolves a VIP to, after a fresh resolution. */
    private static String owner(Host client, String vip) {
        boolean v6 = vip.contains(":");
        String family = v6 ? "-6" : "-4";
        client.exec("ip", family, "neigh", "flush", "to", vip, "dev", client.iface());
        client.exec("ping", family, "-c", "1", "-W", "0.3", vip);
        Matcher m = LLADDR.matcher(client.exec("ip", family, "neigh", "show", "to", vip, "dev", client.iface()).stdout());
        return m.find() ? m.group(1) : "";
    }
}

package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VRRPv3 over IPv6 (ff02::12, hop limit 255, link-local sources) between lvs4j and real
 * keepalived in namespaces; the client's view of the VIP (2001:db8::200, documentation prefix)
 * is the MAC its neighbour table resolves it to.
 */
class KeepalivedIpv6IT {

    private static final Duration LONG = Duration.ofSeconds(15);
    private static final String VIP = "2001:db8::200";
    private static final Pattern LINK_LOCAL = Pattern.compile("inet6 (fe80::[0-9a-f:]+)/64 scope link(?! tentative)");
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
    private static MultiThreadIoEventLoopGroup loops;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("keepalived", "ping");
        loops = PacketSocketGroup.newEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldBackUpKeepalivedOverIpv6TakeTheVipOnItsLinkDownAndYieldWhenItReturns() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("lvs").host("ka").build()) {
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            Host ka = lab.host("ka");
            client.exec("ip", "-6", "addr", "add", "2001:db8::11/64", "dev", client.iface(), "nodad").check();
            String lvsLinkLocal = linkLocal(lvs);
            linkLocal(ka);
            Keepalived.Setup setup = new Keepalived.Setup(3, false, 100, false);
            try (Keepalived keepalived = Keepalived.start(ka, dir, setup, 61, 100, VIP, List.of())) {
                await().atMost(LONG).until(() -> keepalived.holds(VIP));
                AtomicLong becameMaster = new AtomicLong();
                VrrpListener listener = (instance, from, to, priority) -> {
                    if (to == VrrpState.MASTER) {
                        becameMaster.compareAndSet(0, System.nanoTime());
                    }
                };
                VrrpInstanceConfig config = VrrpInstanceConfig.builder("VI6").interfaceName(lvs.iface())
                        .virtualRouterId(61)
                        .version(3).advertInterval(Duration.ofSeconds(1)).priority(90)
                        .sourceAddress(InetAddress.getByName(lvsLinkLocal)).virtualIpAddress(InetAddress.getByName(VIP))
                        .build();
                IoEventLoop loop = (IoEventLoop) loops.next();
                try (EpollVrrpRouter router = lvs.netns().call(() -> EpollVrrpRouter.builder(loop).instance(config)
                        .listener(listener).build().start())) {
                    await().atMost(LONG).until(() -> router.packetsReceived(lvs.iface()) >= 3);
                    assertEquals(VrrpState.BACKUP, router.state("VI6"), "keepalived's priority-100 adverts are accepted");
                    assertFalse(router.owns(lvs.iface(), InetAddress.getByName(VIP)));

                    long down = System.nanoTime();
                    ka.exec("ip", "link", "set", ka.iface(), "down").check();
                    await().atMost(LONG).until(() -> becameMaster.get() != 0);
                    System.out.printf("[vrrp v3 IPv6 advert 1.0 s] keepalived master -> lvs4j backup, link down: %d ms%n",
                            TimeUnit.NANOSECONDS.toMillis(becameMaster.get() - down));
                    assertTrue(router.owns(lvs.iface(), InetAddress.getByName(VIP)));
                    await().atMost(LONG).until(() -> lvs.mac().equals(neighbourOwner(client)));

                    ka.exec("ip", "link", "set", ka.iface(), "up").check();
                    await().atMost(LONG).until(() -> router.state("VI6") == VrrpState.BACKUP);
                    await().atMost(LONG).until(() -> keepalived.holds(VIP));
                    await().atMost(LONG).until(() -> ka.mac().equals(neighbourOwner(client)));
                    // keepalived parsed lvs4j's IPv6 adverts (checksum, hop limit) before preempting them.
                    assertTrue(keepalived.log().contains("received lower priority (90) advert from " + lvsLinkLocal),
                            keepalived.log());
                    assertTrue(keepalived.alive(), keepalived.log());
                }
            }
        }
    }

    /** Waits until the host's link-local address has passed duplicate address detection. */
    static String linkLocal(Host host) {
        String[] found = new String[1];
        await().atMost(LONG).until(() -> {
            Matcher m = LINK_LOCAL.matcher(host.exec("ip", "-6", "-o", "addr", "show", "dev", host.iface()).stdout());
            if (m.find()) {
                found[0] = m.group(1);
                return true;
            }
            return false;
        });
        return found[0];
    }

    private static String neighbourOwner(Host client) {
        client.exec("ip", "-6", "neigh", "flush", "to", VIP, "dev", client.iface());
        client.exec("ping", "-6", "-c", "1", "-W", "0.3", VIP);
        Matcher m = LLADDR.matcher(client.exec("ip", "-6", "neigh", "show", "to", VIP, "dev", client.iface()).stdout());
        return m.find() ? m.group(1) : "";
    }
}

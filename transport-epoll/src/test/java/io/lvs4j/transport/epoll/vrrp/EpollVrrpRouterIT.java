package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.TrackedInterface;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.lvs4j.vrrp.VrrpState;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The router alone in namespaces: ARP ownership of the VIP follows mastership, link state comes from netlink. */
class EpollVrrpRouterIT {

    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("ping");
        loops = PacketSocketGroup.newEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldAnswerArpForTheVipOnlyWhileMasterAndFaultWhileItsTrackedLinkIsDown() throws Exception {
        try (Lab lab = Lab.builder().host("client").host("lvs").host("peer").build()) {
            Host client = lab.host("client");
            Host lvs = lab.host("lvs");
            Host peer = lab.host("peer");
            String vip = lab.address(200);
            // A higher-priority master on the link holds the router in BACKUP for as long as the
            // test needs, instead of the router's own master-down timer racing the ARP probe.
            EpollVrrpRouter master = start(peer, vip, 200);
            EpollVrrpRouter router = null;
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> master.state("VI") == VrrpState.MASTER);
                router = start(lvs, vip, 150);
                EpollVrrpRouter backup = router;
                assertEquals(VrrpState.BACKUP, backup.state("VI"));
                await().atMost(Duration.ofSeconds(10)).until(() -> backup.packetsReceived(lvs.iface()) >= 2);
                // The client's ARP probe waits 0.3 s for an answer: retried until it has one.
                await().atMost(Duration.ofSeconds(10)).until(() -> peer.mac().equals(arpOwner(client, vip)));
                assertFalse(backup.owns(lvs.iface(), InetAddress.getByName(vip)),
                        "a backup does not answer for the VIP");
                assertEquals(VrrpState.BACKUP, backup.state("VI"));
                master.close(); // its priority-0 advert: the router takes over after its skew time
                await().atMost(Duration.ofSeconds(5)).until(() -> backup.state("VI") == VrrpState.MASTER);
                await().atMost(Duration.ofSeconds(10)).until(() -> lvs.mac().equals(arpOwner(client, vip)));
                assertTrue(router.gratuitousArpsSent(lvs.iface()) >= 1);
                assertTrue(router.advertsSent(lvs.iface()) >= 1);

                lvs.exec("ip", "link", "set", lvs.iface(), "down").check();
                await().atMost(Duration.ofSeconds(5)).until(() -> backup.state("VI") == VrrpState.FAULT);
                assertFalse(router.owns(lvs.iface(), InetAddress.getByName(vip)));

                lvs.exec("ip", "link", "set", lvs.iface(), "up").check();
                await().atMost(Duration.ofSeconds(10)).until(() -> backup.state("VI") == VrrpState.MASTER);
                assertTrue(router.owns(lvs.iface(), InetAddress.getByName(vip)));
                await().atMost(Duration.ofSeconds(10)).until(() -> lvs.mac().equals(arpOwner(client, vip)));
            } finally {
                master.close();
                if (router != null) {
                    router.close();
                }
            }
            assertEquals("", arpOwner(client, vip), "a closed router no longer answers for the VIP");
        }
    }

    /** Starts a VRRPv3 router (1 s adverts, VRID 7) tracking its own link, in a host's namespace. */
    private static EpollVrrpRouter start(Host host, String vip, int priority) throws Exception {
        VrrpInstanceConfig config = VrrpInstanceConfig.builder("VI").interfaceName(host.iface()).virtualRouterId(7)
                .version(3).advertInterval(Duration.ofSeconds(1)).priority(priority)
                .sourceAddress(InetAddress.getByName(host.ip())).virtualIpAddress(InetAddress.getByName(vip))
                .trackInterface(new TrackedInterface(host.iface(), 0, false)).build();
        IoEventLoop loop = (IoEventLoop) loops.next();
        return host.netns().call(() -> EpollVrrpRouter.builder(loop).instance(config).build().start());
    }

    private static String arpOwner(Host client, String vip) {
        client.exec("ip", "neigh", "flush", "to", vip, "dev", client.iface());
        client.exec("ping", "-c", "1", "-W", "0.3", vip);
        Matcher m = LLADDR.matcher(client.exec("ip", "neigh", "show", "to", vip, "dev", client.iface()).stdout());
        return m.find() ? m.group(1) : "";
    }
}

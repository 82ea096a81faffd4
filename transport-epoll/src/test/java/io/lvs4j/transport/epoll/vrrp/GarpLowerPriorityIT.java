package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.GarpConfig;
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

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keepalived's {@code garp_lower_prio_repeat}: a master that hears a lower-priority advert (here a
 * second router that cannot hear the master, an nftables rule dropping VRRP on its host) announces
 * its VIP again, that many gratuitous ARPs per advert heard; with the repeat at 0 it does not.
 */
class GarpLowerPriorityIT {

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        NetnsGuard.assumeNetns("nft");
        loops = PacketSocketGroup.newEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void shouldAnnounceAgainOnEveryLowerPriorityAdvertAsOftenAsConfigured() throws Exception {
        assertEquals(3, announcementsAfterLowerAdverts(3), "three gratuitous ARPs per lower-priority advert");
        assertEquals(0, announcementsAfterLowerAdverts(0), "none with garp_lower_prio_repeat 0");
    }

    /** @return gratuitous ARPs the master sent per lower-priority advert it heard (rounded down) */
    private static long announcementsAfterLowerAdverts(int repeat) throws Exception {
        try (Lab lab = Lab.builder().host("lvs").host("deaf").build()) {
            Host lvs = lab.host("lvs");
            Host deaf = lab.host("deaf");
            String vip = lab.address(200);
            deaf.exec("nft", "add table ip vrrp16").check();
            deaf.exec("nft", "add chain ip vrrp16 in { type filter hook input priority 0 ; }").check();
            deaf.exec("nft", "add rule ip vrrp16 in ip protocol vrrp drop").check();
            GarpConfig garp = GarpConfig.builder().masterRepeat(1).masterDelay(Duration.ZERO)
                    .lowerPrioRepeat(repeat).lowerPrioDelay(Duration.ZERO).build();
            try (EpollVrrpRouter master = start(lvs, vip, 200, garp);
                    EpollVrrpRouter lower = start(deaf, vip, 100, GarpConfig.DEFAULTS)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> master.state("VI") == VrrpState.MASTER
                        && lower.state("VI") == VrrpState.MASTER);
                long heardBefore = master.packetsReceived(lvs.iface());
                long sentBefore = master.gratuitousArpsSent(lvs.iface());
                await().atMost(Duration.ofSeconds(15)).until(() -> master.packetsReceived(lvs.iface()) >= heardBefore + 3);
                long heard = master.packetsReceived(lvs.iface()) - heardBefore;
                long sent = master.gratuitousArpsSent(lvs.iface()) - sentBefore;
                System.out.printf("garp_lower_prio_repeat %d: %d lower-priority adverts heard, %d gratuitous ARPs%n",
                        repeat, heard, sent);
                assertEquals(VrrpState.MASTER, master.state("VI"), "the master stays master");
                assertTrue(sent >= repeat * (heard - 1) && sent <= repeat * (heard + 1),
                        "repeat per advert heard: " + sent + " for " + heard);
                return heard == 0 ? -1 : Math.round((double) sent / heard);
            }
        }
    }

    private static EpollVrrpRouter start(Host host, String vip, int priority, GarpConfig garp) throws Exception {
        VrrpInstanceConfig config = VrrpInstanceConfig.builder("VI").interfaceName(host.iface()).virtualRouterId(7)
                .version(3).advertInterval(Duration.ofMillis(300)).priority(priority).garp(garp)
                .sourceAddress(InetAddress.getByName(host.ip())).virtualIpAddress(InetAddress.getByName(vip)).build();
        IoEventLoop loop = (IoEventLoop) loops.next();
        return host.netns().call(() -> EpollVrrpRouter.builder(loop).instance(config).build().start());
    }
}

package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollVrrpRouterTest {

    private static MultiThreadIoEventLoopGroup loops;

    @BeforeAll
    static void start() {
        loops = PacketSocketGroup.newEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void shouldRefuseAnIpv6PrimaryAddressThatIsNotLinkLocal() throws Exception {
        VrrpInstanceConfig v6 = VrrpInstanceConfig.builder("V6").interfaceName("eth0").virtualRouterId(1)
                .version(3).sourceAddress(InetAddress.getByName("2001:db8::10"))
                .virtualIpAddress(InetAddress.getByName("2001:db8::1")).build();
        EpollVrrpRouter.Builder builder = EpollVrrpRouter.builder((IoEventLoop) loops.next()).instance(v6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains("link-local"), e.getMessage());
    }

    @Test
    void shouldRefuseARouterWithoutInstances() {
        assertThrows(IllegalArgumentException.class, () -> EpollVrrpRouter.builder((IoEventLoop) loops.next()).build());
    }

    @Test
    void shouldRefuseDuplicateVridsOnOneInterfaceAsTheNodeDoes() throws Exception {
        VrrpInstanceConfig.Builder b = VrrpInstanceConfig.builder("A").interfaceName("eth0").virtualRouterId(9)
                .sourceAddress(InetAddress.getByName("198.18.0.1"))
                .virtualIpAddress(InetAddress.getByName("198.18.0.9"));
        VrrpInstanceConfig other = VrrpInstanceConfig.builder("B").interfaceName("eth0").virtualRouterId(9)
                .sourceAddress(InetAddress.getByName("198.18.0.1"))
                .virtualIpAddress(InetAddress.getByName("198.18.0.8"))
                .build();
        EpollVrrpRouter.Builder builder = EpollVrrpRouter.builder((IoEventLoop) loops.next()).instance(b.build())
                .instance(other);
        assertThrows(IllegalArgumentException.class, builder::build);
    }

    /**
     * The kernel's worst case for a wait Netty's epoll loop makes: delays of 10 ms and more are an
     * {@code epoll_wait} timeout in milliseconds (rounded up here), late by up to 0.1% of it
     * (poll timer slack, at most 100 ms); shorter ones go to the timerfd, late by the thread's
     * timer slack (50 us).
     */
    private static long worstCaseWait(long delay) {
        if (delay >= 10_000_000L) {
            long millis = (delay + 999_999) / 1_000_000 * 1_000_000;
            return millis + Math.min(millis / 1000, 100_000_000L);
        }
        return delay + 50_000;
    }

    @Test
    void shouldReachMasterDownDeadlinesWithinTimerfdSlackDespiteEpollWaitSlack() {
        // keepalived's master-down intervals at priority 90: v3 at 0.1 s, v2 at 1 s, and up to 10 s adverts.
        long[] deadlines = {1_000_000L, 9_999_999L, 10_000_000L, 364_843_750L, 1_000_000_000L, 3_648_437_500L,
                36_484_375_000L, 120_000_000_000L};
        for (long deadline : deadlines) {
            long now = 0;
            int waits = 0;
            while (deadline - now > 0) {
                long delay = EpollVrrpRouter.wakeupDelay(deadline - now);
                assertTrue(delay >= 0 && delay <= deadline - now, "never past the deadline: " + delay);
                now += worstCaseWait(delay);
                waits++;
                assertTrue(waits <= 5, "a few waits only, for " + deadline);
            }
            assertTrue(now - deadline <= 50_000, deadline + " ns reached " + (now - deadline) + " ns late");
        }
    }

    @Test
    void shouldWaitExactlyWhenTheKernelIsOnTime() {
        long deadline = 3_648_437_500L;
        long now = 0;
        while (deadline - now > 0) {
            now += EpollVrrpRouter.wakeupDelay(deadline - now);
        }
        assertEquals(deadline, now);
        assertEquals(0, EpollVrrpRouter.wakeupDelay(-5));
        assertEquals(EpollVrrpRouter.PRECISE_WAIT_NANOS, EpollVrrpRouter.wakeupDelay(EpollVrrpRouter.PRECISE_WAIT_NANOS));
    }
}

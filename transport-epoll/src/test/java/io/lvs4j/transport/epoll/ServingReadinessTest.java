package io.lvs4j.transport.epoll;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.netty.channel.DefaultEventLoopGroup;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a director can serve a VIP, as its BGP announcement asks. */
class ServingReadinessTest {

    private static final InetAddress VIP = InetAddress.ofLiteral("198.18.2.10");
    private static final long TIMEOUT = TimeUnit.MILLISECONDS.toNanos(200);

    private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(2);
    private final AtomicBoolean forwarding = new AtomicBoolean(true);
    private final VirtualService web = new VirtualService(Protocol.TCP, VIP, 80, Schedulers.create("mh",
            SchedulerOptions.DEFAULTS));
    private final VirtualService other = new VirtualService(Protocol.TCP, InetAddress.ofLiteral("198.18.2.11"), 80,
            Schedulers.create("mh", SchedulerOptions.DEFAULTS));
    private final ServingReadiness readiness = new ServingReadiness(vip -> forwarding.get(), loops,
            () -> List.of(other, web), TIMEOUT);

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void shouldServeAVipWithAServerOfPositiveWeight() {
        web.addRealServer(RealServer.of(InetAddress.ofLiteral("198.18.0.15"), 80, 0));
        assertEquals("no real server", readiness.whyNot(VIP), "a server of weight 0 takes no new connection");
        web.editRealServer(RealServer.of(InetAddress.ofLiteral("198.18.0.15"), 80, 1));
        assertNull(readiness.whyNot(VIP));
        assertEquals("no real server", readiness.whyNot(other.address()), "each VIP by its own services");
        forwarding.set(false);
        assertEquals("not forwarding", readiness.whyNot(VIP));
    }

    @Test
    void shouldCountALoopThatRunsNoTaskAsStopped() throws InterruptedException {
        // a loop is stopped once the heartbeat it was posted waits longer than the timeout
        web.addRealServer(RealServer.of(InetAddress.ofLiteral("198.18.0.15"), 80, 1));
        assertNull(readiness.whyNot(VIP));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(loops.executorCount());
        loops.forEach(loop -> loop.execute(() -> {
            blocked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        blocked.await(5, TimeUnit.SECONDS);
        readiness.whyNot(VIP); // posts a heartbeat the blocked loops cannot run
        await().atMost(5, TimeUnit.SECONDS).until(() -> "loops stopped".equals(readiness.whyNot(VIP)));
        release.countDown();
        await().atMost(5, TimeUnit.SECONDS).until(() -> readiness.whyNot(VIP) == null);
    }
}

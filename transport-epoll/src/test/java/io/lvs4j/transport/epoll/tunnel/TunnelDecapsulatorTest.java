package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.StandardProtocolFamily;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder of {@link TunnelDecapsulator} and what a decapsulator reports before it starts. */
class TunnelDecapsulatorTest {

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
    void shouldDefaultToIpipOverBothFamiliesIntoTheDefaultDevice() {
        TunnelDecapsulator decap = TunnelDecapsulator.builder().loop((IoEventLoop) loops.next()).build();
        assertFalse(decap.isGue());
        assertEquals(TunnelDecapsulator.DEFAULT_GUE_PORT, decap.guePort());
        assertEquals(6080, decap.guePort());
        assertEquals(Set.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6), decap.families());
        assertEquals(TunnelDecapsulator.DEFAULT_TUN_NAME, decap.tunName());
        assertEquals(0, decap.drops());
        assertTrue(decap.counters().values().stream().allMatch(v -> v == 0));
        assertEquals(DecapCounter.values().length, decap.counters().size());
        decap.close();
        decap.close();
        assertThrows(IllegalStateException.class, decap::start, "no start after close");
    }

    @Test
    void shouldTakeGueWithItsPortAndOneFamily() {
        TunnelDecapsulator decap = TunnelDecapsulator.builder().gue(9886).families(StandardProtocolFamily.INET6)
                .tunName("gue0").loop((IoEventLoop) loops.next()).build();
        assertTrue(decap.isGue());
        assertEquals(9886, decap.guePort());
        assertEquals(Set.of(StandardProtocolFamily.INET6), decap.families());
        assertEquals("gue0", decap.tunName());
        decap.close();
    }

    @Test
    void shouldRefuseBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> TunnelDecapsulator.builder().gue(0));
        assertThrows(IllegalArgumentException.class, () -> TunnelDecapsulator.builder().guePort(65536));
        assertThrows(IllegalArgumentException.class, () -> TunnelDecapsulator.builder().tunName(""));
        assertThrows(IllegalArgumentException.class, () -> TunnelDecapsulator.builder().tunName("sixteen-chars-xx"));
        assertThrows(IllegalArgumentException.class, () -> TunnelDecapsulator.builder().tunName("a b"));
        assertThrows(IllegalArgumentException.class, () -> TunnelDecapsulator.builder().families());
        assertThrows(IllegalArgumentException.class,
                () -> TunnelDecapsulator.builder().families(StandardProtocolFamily.UNIX));
        assertThrows(IllegalArgumentException.class, () -> TunnelDecapsulator.builder().receiveBufferBytes(1024));
        assertThrows(IllegalStateException.class, () -> TunnelDecapsulator.builder().build(), "a loop is required");
    }

    @Test
    void shouldRefuseToStartOnItsOwnLoop() throws Exception {
        IoEventLoop loop = (IoEventLoop) loops.next();
        TunnelDecapsulator decap = TunnelDecapsulator.builder().loop(loop).build();
        Throwable failure = loop.submit(() -> {
            try {
                decap.start();
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        }).get(10, TimeUnit.SECONDS);
        assertTrue(failure instanceof IllegalStateException, String.valueOf(failure));
        decap.close();
    }
}

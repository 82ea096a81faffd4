package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.transport.epoll.PacketSocketGroup;
import io.lvs4j.vrrp.VrrpInstanceConfig;
import io.lvs4j.vrrp.VrrpVersion;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

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
        VrrpInstanceConfig v6 = VrrpInstanceConfig.builder("V6").interfaceName("eth0").vrid(1)
                .version(VrrpVersion.V3).primaryAddress(InetAddress.getByName("2001:db8::10"))
                .virtualAddress(InetAddress.getByName("2001:db8::1")).build();
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
        VrrpInstanceConfig.Builder b = VrrpInstanceConfig.builder("A").interfaceName("eth0").vrid(9)
                .primaryAddress(InetAddress.getByName("198.18.0.1")).virtualAddress(InetAddress.getByName("198.18.0.9"));
        VrrpInstanceConfig other = VrrpInstanceConfig.builder("B").interfaceName("eth0").vrid(9)
                .primaryAddress(InetAddress.getByName("198.18.0.1")).virtualAddress(InetAddress.getByName("198.18.0.8"))
                .build();
        EpollVrrpRouter.Builder builder = EpollVrrpRouter.builder((IoEventLoop) loops.next()).instance(b.build())
                .instance(other);
        assertThrows(IllegalArgumentException.class, builder::build);
    }
}

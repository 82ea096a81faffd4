package io.lvs4j.transport.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs4j.core.config.VrrpInstanceConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InterfaceAddressesTest {

    @Test
    void shouldCollectTheVirtualAddressesOfEveryInstance() throws IOException {
        InetAddress outside = InetAddress.getByName("198.18.0.10");
        InetAddress inside = InetAddress.getByName("198.19.1.1");
        InetAddress second = InetAddress.getByName("198.19.1.2");
        VrrpInstanceConfig out = VrrpInstanceConfig.builder("VI_OUT").interfaceName("eth0").virtualRouterId(51)
                .virtualIpAddress(outside).build();
        VrrpInstanceConfig in = VrrpInstanceConfig.builder("VI_IN").interfaceName("eth1").virtualRouterId(52)
                .virtualIpAddress(inside).virtualIpAddress(second).build();

        assertEquals(Set.of(outside, inside, second), InterfaceAddresses.virtualAddresses(List.of(out, in)));
    }

    /** A VIP a crashed master left on an interface is never taken for the director's own address there. */
    @Test
    void shouldNeverTakeAnExcludedAddressForTheInterfacesOwn() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertEquals(loopback, InterfaceAddresses.ipv4("lo", Set.of()));

        IOException e = assertThrows(IOException.class, () -> InterfaceAddresses.ipv4("lo", Set.of(loopback)));
        assertEquals("interface lo has no IPv4 address", e.getMessage());
    }
}

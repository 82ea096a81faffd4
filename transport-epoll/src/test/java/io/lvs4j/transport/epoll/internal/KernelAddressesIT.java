package io.lvs4j.transport.epoll.internal;

import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.lab.Host;
import io.lvs4j.testkit.Lab;
import io.lvs4j.testkit.NetnsGuard;
import io.lvs4j.transport.epoll.LinkInfo;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Addresses put on and taken off a namespace's interface through rtnetlink, read back with {@code ip}. */
class KernelAddressesIT {

    @Test
    void shouldAddAndRemoveAddressesAsIpAddrDoes() throws Exception {
        NetnsGuard.assumeNetns();
        try (Lab lab = Lab.builder().host("director").build()) {
            Host host = lab.host("director");
            VirtualIpAddress v4 = new VirtualIpAddress(InetAddress.getByName("198.18.0.100"), 24,
                    Optional.empty(), Optional.of(host.iface() + ":vip"),
                    Optional.of(InetAddress.getByName("198.18.0.255")), VirtualIpAddress.SCOPE_GLOBAL, true, false);
            VirtualIpAddress v6 = new VirtualIpAddress(InetAddress.getByName("2001:db8:9::100"), 64,
                    Optional.empty(), Optional.empty(), Optional.empty(), VirtualIpAddress.SCOPE_GLOBAL, true, true);
            host.netns().call(() -> {
                int ifindex = LinkInfo.of(host.iface()).index();
                try (KernelAddresses kernel = KernelAddresses.open()) {
                    kernel.add(ifindex, v4);
                    kernel.add(ifindex, v4); // again: replaced, not refused
                    kernel.add(ifindex, v6);
                }
                return null;
            });
            String four = host.exec("ip", "-o", "-4", "addr", "show", "dev", host.iface()).check().stdout();
            assertTrue(four.contains("inet 198.18.0.100/24 brd 198.18.0.255 scope global secondary "
                    + host.iface() + ":vip"), four);
            String six = host.exec("ip", "-o", "-6", "addr", "show", "dev", host.iface()).check().stdout();
            assertTrue(six.contains("inet6 2001:db8:9::100/64 scope global nodad noprefixroute"), six);
            assertFalse(six.contains("2001:db8:9::100/64 scope global tentative"), "no duplicate address detection: " + six);

            host.netns().call(() -> {
                int ifindex = LinkInfo.of(host.iface()).index();
                try (KernelAddresses kernel = KernelAddresses.open()) {
                    assertTrue(kernel.remove(ifindex, v4));
                    assertTrue(kernel.remove(ifindex, v6));
                    assertFalse(kernel.remove(ifindex, v4), "gone already");
                }
                return null;
            });
            String after = host.exec("ip", "-o", "addr", "show", "dev", host.iface()).check().stdout();
            assertFalse(after.contains("198.18.0.100") || after.contains("2001:db8:9::100"), after);
        }
    }
}

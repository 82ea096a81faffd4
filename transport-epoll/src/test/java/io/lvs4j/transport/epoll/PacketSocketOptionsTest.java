package io.lvs4j.transport.epoll;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketSocketOptionsTest {

    @Test
    void shouldKeepOffloadsAndIgnoreOutgoingByDefault() {
        PacketSocketOptions options = PacketSocketOptions.forInterface("eth0");
        assertTrue(options.vnetHeader());
        assertTrue(options.ignoreOutgoing());
        assertEquals(64, options.batchSize());
        assertTrue(options.fanoutGroupId() >= 0 && options.fanoutGroupId() <= 0xFFFF);
    }

    @Test
    void shouldChangeOneSettingPerCopy() {
        PacketSocketOptions options = PacketSocketOptions.forInterface("eth0").withBatchSize(8).withFanoutGroupId(7);
        assertEquals(8, options.batchSize());
        assertEquals(7, options.fanoutGroupId());
        assertEquals("eth0", options.interfaceName());
    }

    @Test
    void shouldFanOutByFlowHashUnlessToldToSteerByTheSourceAddress() {
        PacketSocketOptions options = PacketSocketOptions.forInterface("eth0").withBatchSize(8);
        assertEquals(PacketSocketOptions.Fanout.FLOW_HASH, options.fanout());
        PacketSocketOptions bySource = options.withFanout(PacketSocketOptions.Fanout.IPV4_SOURCE);
        assertEquals(PacketSocketOptions.Fanout.IPV4_SOURCE, bySource.fanout());
        assertEquals(8, bySource.batchSize());
        assertEquals(PacketSocketOptions.Fanout.IPV4_SOURCE, bySource.withBatchSize(16).fanout());
        assertThrows(IllegalArgumentException.class, () -> options.withFanout(null));
    }

    @Test
    void shouldCarryTheVirtualAddressesOfAClientFanoutThroughEveryCopy() throws Exception {
        java.net.InetAddress vip = java.net.InetAddress.getByName("198.18.0.200");
        java.net.InetAddress vip6 = java.net.InetAddress.getByName("2001:db8::200");
        PacketSocketOptions options = PacketSocketOptions.forInterface("eth0").withClientFanout(java.util.List.of(vip, vip6));
        assertEquals(PacketSocketOptions.Fanout.CLIENT_ADDRESS, options.fanout());
        assertEquals(java.util.List.of(vip, vip6), options.withBatchSize(4).withFanoutGroupId(9).fanoutVirtualAddresses());
        assertEquals(java.util.List.of(), PacketSocketOptions.forInterface("eth0").fanoutVirtualAddresses());
    }

    @Test
    void shouldRejectImpossibleSettings() {
        assertThrows(IllegalArgumentException.class, () -> PacketSocketOptions.forInterface("a-name-of-16-chr"));
        assertThrows(IllegalArgumentException.class, () -> PacketSocketOptions.forInterface("eth0").withBatchSize(0));
        assertThrows(IllegalArgumentException.class,
                () -> PacketSocketOptions.forInterface("eth0").withFanoutGroupId(0x10000));
    }
}

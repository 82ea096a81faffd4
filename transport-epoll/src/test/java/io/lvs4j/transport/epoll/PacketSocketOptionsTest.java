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

    @Test
    void shouldReceiveWithRecvmmsgUnlessARingIsAsked() {
        PacketSocketOptions options = PacketSocketOptions.forInterface("eth0");
        String before = System.getProperty(PacketSocketOptions.RECEIVE_PROPERTY);
        try {
            System.clearProperty(PacketSocketOptions.RECEIVE_PROPERTY);
            assertEquals(null, PacketSocketOptions.forInterface("eth0").receiveRing());
            System.setProperty(PacketSocketOptions.RECEIVE_PROPERTY, "ring");
            assertEquals(PacketSocketOptions.ReceiveRing.DEFAULTS, PacketSocketOptions.forInterface("eth0").receiveRing());
        } finally {
            if (before == null) {
                System.clearProperty(PacketSocketOptions.RECEIVE_PROPERTY);
            } else {
                System.setProperty(PacketSocketOptions.RECEIVE_PROPERTY, before);
            }
        }
        PacketSocketOptions.ReceiveRing ring = new PacketSocketOptions.ReceiveRing(128 << 10, 8, 2);
        PacketSocketOptions withRing = options.withReceiveRing(ring).withQdiscBypass(true);
        PacketSocketOptions changed = withRing.withBatchSize(16).withReceiveBufferBytes(1 << 20).withFanoutGroupId(9)
                .withVnetHeader(false).withIgnoreOutgoing(false).withFanout(PacketSocketOptions.Fanout.IPV4_SOURCE)
                .withClientFanout(java.util.List.of());
        assertEquals(ring, changed.receiveRing(), "every other setting keeps the ring");
        assertTrue(changed.qdiscBypass(), "and the bypass");
        assertEquals(null, withRing.withReceiveRing(null).receiveRing());
        assertEquals(false, options.qdiscBypass());
    }

    @Test
    void shouldRefuseRingsTheKernelWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> new PacketSocketOptions.ReceiveRing(4097, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> new PacketSocketOptions.ReceiveRing(0, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> new PacketSocketOptions.ReceiveRing(4096, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PacketSocketOptions.ReceiveRing(1 << 20, 2048, 1));
        assertThrows(IllegalArgumentException.class, () -> new PacketSocketOptions.ReceiveRing(4096, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> new PacketSocketOptions.ReceiveRing(4096, 8, 1001));
    }
}

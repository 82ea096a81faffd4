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
    void shouldRejectImpossibleSettings() {
        assertThrows(IllegalArgumentException.class, () -> PacketSocketOptions.forInterface("a-name-of-16-chr"));
        assertThrows(IllegalArgumentException.class, () -> PacketSocketOptions.forInterface("eth0").withBatchSize(0));
        assertThrows(IllegalArgumentException.class,
                () -> PacketSocketOptions.forInterface("eth0").withFanoutGroupId(0x10000));
    }
}

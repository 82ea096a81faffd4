package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.NativeIoException;
import org.junit.jupiter.api.Test;

import java.net.NetworkInterface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkInfoTest {

    @Test
    void shouldReadIndexMtuAndMacOfLoopback() throws Exception {
        LinkInfo lo = LinkInfo.of("lo");
        NetworkInterface expected = NetworkInterface.getByName("lo");
        assertEquals(expected.getIndex(), lo.index());
        assertEquals(expected.getMTU(), lo.mtu());
        assertEquals(0L, lo.mac());
        assertEquals("00:00:00:00:00:00", lo.macString());
    }

    @Test
    void shouldReportAMissingInterfaceWithItsErrno() {
        NativeIoException e = assertThrows(NativeIoException.class, () -> LinkInfo.of("nosuchif0"));
        assertEquals(19, e.errno()); // ENODEV
        assertTrue(e.getMessage().contains("No such device"), e.getMessage());
    }

    @Test
    void shouldFormatMacMostSignificantByteFirst() {
        assertEquals("02:00:5e:10:00:01", LinkInfo.formatMac(0x02005e100001L));
    }

    @Test
    void shouldRejectNamesTheKernelCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> LinkInfo.of("a-name-of-16-chr"));
    }
}

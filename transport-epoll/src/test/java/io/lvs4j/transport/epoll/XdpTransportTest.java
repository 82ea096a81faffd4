package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.XdpProgram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The layouts the XDP program's maps are filled with. */
class XdpTransportTest {

    @Test
    void shouldKeyAddressesInNetworkOrderAsThePacketHoldsThem() {
        // 198.18.0.100 as a big-endian int is the key's four bytes in wire order.
        assertArrayEquals(new byte[] {(byte) 198, 18, 0, 100}, XdpTransport.key(0xC6120064));
        assertArrayEquals(new byte[] {10, 0, 0, 1}, XdpTransport.key(0x0A000001));
    }

    @Test
    void shouldWriteSocketMapKeysAndFlagsInNativeOrder() {
        // XSKMAP keys and values, and the address map's flags, are u32 the program reads natively (x86: little-endian).
        assertArrayEquals(new byte[] {1, 0, 0, 0}, XdpSocket.intKey(1));
        assertArrayEquals(new byte[] {0x34, 0x12, 0, 0}, XdpSocket.intKey(0x1234));
        assertArrayEquals(new byte[] {(byte) (XdpProgram.TO_DIRECTOR | XdpProgram.HOST), 0, 0, 0},
                XdpSocket.intKey(XdpProgram.TO_DIRECTOR | XdpProgram.HOST));
    }
}

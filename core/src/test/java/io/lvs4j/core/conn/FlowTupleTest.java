package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FlowTupleTest {

    final FrameParser parser = new FrameParser();
    final FlowTuple tuple = new FlowTuple();

    void parse(byte[] frame) {
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(frame), 0, frame.length));
    }

    /** Copies an address out of the tuple with one of its copy methods. */
    static byte[] address(java.util.function.BiConsumer<MemorySegment, Long> copy) {
        MemorySegment to = MemorySegment.ofArray(new byte[16]);
        copy.accept(to, 0L);
        return to.toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] bytes(String address) throws Exception {
        return InetAddress.getByName(address).getAddress();
    }

    @Test
    void shouldTakeAClientsFrameAsClientAndVirtualAndAServersAsServerAndClient() {
        parse(new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").tcp(40000, 80, TcpHeader.SYN).build());
        tuple.server(0x0A000001, 1).local(0x0A000002, 2).fromClient(parser);
        assertEquals(4, tuple.ipVersion());
        assertEquals(6, tuple.protocol());
        assertEquals(0xC6120001, tuple.clientAddressIpv4());
        assertEquals(40000, tuple.clientPort());
        assertEquals(0xC6120064, tuple.virtualAddressIpv4());
        assertEquals(80, tuple.virtualPort());
        assertEquals(0x0A000001, tuple.serverAddressIpv4(), "the server is left as it was");
        assertEquals(0x0A000002, tuple.localAddressIpv4());
        MemorySegment four = MemorySegment.ofArray(new byte[4]);
        tuple.copyClientAddress(four, 0);
        assertArrayEquals(new byte[] {(byte) 198, 18, 0, 1}, four.toArray(ValueLayout.JAVA_BYTE));

        parse(new PacketBuilder().ipv4("198.18.1.7", "198.18.0.1").udp(8080, 40001).build());
        tuple.fromServer(parser);
        assertEquals(17, tuple.protocol());
        assertEquals(0xC6120107, tuple.serverAddressIpv4());
        assertEquals(8080, tuple.serverPort());
        assertEquals(0xC6120001, tuple.clientAddressIpv4());
        assertEquals(40001, tuple.clientPort());
    }

    @Test
    void shouldCopySixteenBytesOfEachAddressForIpv6() throws Exception {
        parse(new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100").tcp(40000, 443, TcpHeader.SYN).build());
        tuple.fromClient(parser);
        assertEquals(6, tuple.ipVersion());
        assertArrayEquals(bytes("2001:db8::1"), address(tuple::copyClientAddress));
        assertArrayEquals(bytes("2001:db8::100"), address(tuple::copyVirtualAddress));
        assertEquals(443, tuple.virtualPort());
        MemorySegment server = MemorySegment.ofArray(bytes("2001:db8:1::7"));
        tuple.server(server, 0, 8443);
        assertArrayEquals(bytes("2001:db8:1::7"), address(tuple::copyServerAddress));
        assertEquals("FlowTuple[protocol 6, IPv6, client 2001:db8:0:0:0:0:0:1:40000, virtual 2001:db8:0:0:0:0:0:100:443,"
                + " server 2001:db8:1:0:0:0:0:7:8443, local 0:0:0:0:0:0:0:0:0]", tuple.toString());
    }

    @Test
    void shouldReadTheQuoteOfAnIcmpErrorBackwardsForEitherLookup() throws Exception {
        byte[] reply = new PacketBuilder().ipv4("198.18.0.100", "198.18.0.1").tcp(80, 40000, TcpHeader.ACK)
                .buildIpPacket();
        parse(new PacketBuilder().ipv4("198.18.5.5", "198.18.0.100")
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0).payload(Arrays.copyOf(reply, 28)).build());
        tuple.quotedToClient(parser);
        assertEquals(6, tuple.protocol());
        assertEquals(0xC6120001, tuple.clientAddressIpv4());
        assertEquals(40000, tuple.clientPort());
        assertEquals(0xC6120064, tuple.virtualAddressIpv4());
        assertEquals(80, tuple.virtualPort());

        byte[] request = new PacketBuilder().ipv6("2001:db8:1::fe", "2001:db8:1::7").udp(5000, 8080)
                .buildIpPacket();
        parse(new PacketBuilder().ipv6("2001:db8:1::1", "2001:db8:1::fe")
                .icmpv6(Icmpv6Header.TYPE_DESTINATION_UNREACHABLE, 3, 0).payload(Arrays.copyOf(request, 48))
                .build());
        tuple.quotedToServer(parser);
        assertEquals(6, tuple.ipVersion());
        assertEquals(17, tuple.protocol());
        assertEquals(8080, tuple.serverPort());
        assertEquals(5000, tuple.clientPort());
        assertArrayEquals(bytes("2001:db8:1::7"), address(tuple::copyServerAddress));
        assertArrayEquals(bytes("2001:db8:1::fe"), address(tuple::copyClientAddress));
    }

    @Test
    void shouldKeepPortsThatFitNoPortAndRefuseOtherIpVersions() {
        tuple.ipv4(6, 0x0A000001, 70000, 0xC6120064, -1);
        assertEquals(70000, tuple.clientPort());
        assertEquals(-1, tuple.virtualPort());
        assertThrows(IllegalArgumentException.class, () -> tuple.ipVersion(5));
        assertEquals(4, tuple.ipVersion());
    }
}

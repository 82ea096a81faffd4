package io.lvs4j.transport.epoll.internal;

import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FanoutProgramTest {

    private static final int IPV4 = 0x0800;
    private static final int IPV6 = 0x86DD;
    private static final String VIP = "198.18.0.200";
    private static final String VIP6 = "2001:db8::200";
    private static final List<InetAddress> VIPS = List.of(address("198.18.0.201"), address(VIP), address(VIP6));

    @Test
    void shouldSendFramesThatAreNotIpv4ToTheLastInstructionReturningZero() {
        int[][] program = FanoutProgram.ipv4Source(2);
        int[] check = program[1];
        int[] target = program[2 + check[2]];
        assertEquals(0x06, target[0], "ret #k");
        assertEquals(0, target[3]);
        assertEquals(2, program[program.length - 3][3], "modulo the number of sockets");
        assertEquals(0, ClassicBpf.run(program, 0x0806, new byte[28]), "ARP to the first socket");
    }

    @Test
    void shouldSpreadAddressesDifferingInTheirLowByteOverTheSockets() {
        int a = (198 << 24) | (18 << 16) | 150;
        assertNotEquals(FanoutProgram.socketOf(a, 2), FanoutProgram.socketOf(a + 1, 2));
        for (int i = 0; i < 256; i++) {
            int socket = FanoutProgram.socketOf(a + i, 3);
            assertTrue(socket >= 0 && socket < 3, "socket " + socket);
        }
        assertThrows(IllegalArgumentException.class, () -> FanoutProgram.ipv4Source(0));
        assertThrows(IllegalArgumentException.class, () -> FanoutProgram.clientAddress(0, VIPS));
    }

    @Test
    void shouldPickTheSocketThatSocketOfPredictsForTheIpv4Source() {
        for (int sockets = 1; sockets <= 5; sockets++) {
            int[][] program = FanoutProgram.ipv4Source(sockets);
            for (int host = 1; host < 255; host += 7) {
                String client = "198.18." + host + "." + (255 - host);
                byte[] syn = ip(new PacketBuilder().ipv4(client, VIP).tcp(40000 + host, 80, TcpHeader.SYN));
                assertEquals(FanoutProgram.socketOf(ipv4(client), sockets), ClassicBpf.run(program, IPV4, syn), client);
            }
        }
    }

    @Test
    void shouldKeyBothDirectionsOfAnIpv4NatConnectionOnTheClient() {
        for (int sockets = 2; sockets <= 4; sockets++) {
            int[][] nat = FanoutProgram.clientAddress(sockets, VIPS);
            int[][] dr = FanoutProgram.ipv4Source(sockets);
            for (int n = 1; n <= 64; n++) {
                String client = "198.18.3." + n;
                byte[] request = ip(new PacketBuilder().ipv4(client, VIP).tcp(40000, 80, TcpHeader.ACK));
                byte[] reply = ip(new PacketBuilder().ipv4("198.18.1.7", client).tcp(8080, 40000, TcpHeader.ACK));
                long expected = FanoutProgram.socketOf(ipv4(client), sockets);
                assertEquals(expected, ClassicBpf.run(nat, IPV4, request), client + " request");
                assertEquals(expected, ClassicBpf.run(nat, IPV4, reply), client + " reply");
                assertEquals(expected, ClassicBpf.run(dr, IPV4, request), client + " as the source program keys it");
            }
        }
    }

    @Test
    void shouldKeyIpv4IcmpAboutANatConnectionOnTheClient() {
        String client = "198.18.3.1";
        String router = "198.18.9.2";
        String server = "198.18.1.8";
        assertNotEquals(FanoutProgram.socketOf(ipv4(client), 2), FanoutProgram.socketOf(ipv4(router), 2));
        assertNotEquals(FanoutProgram.socketOf(ipv4(client), 2), FanoutProgram.socketOf(ipv4(server), 2));
        int[][] nat = FanoutProgram.clientAddress(2, VIPS);
        long expected = FanoutProgram.socketOf(ipv4(client), 2);
        byte[] reply = ip(new PacketBuilder().ipv4(VIP, client).dontFragment().tcp(80, 40000, TcpHeader.ACK)
                .payload(new byte[1400]));
        byte[] fragmentationNeeded = ip(new PacketBuilder().ipv4(router, VIP)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1300)
                .payload(Arrays.copyOf(reply, 28)));
        assertEquals(expected, ClassicBpf.run(nat, IPV4, fragmentationNeeded), "a router's error about a reply");
        byte[] withOptions = ip(new PacketBuilder().ipv4(router, VIP).ipv4Options(new byte[] {1, 1, 1, 1, 1, 1, 1, 1})
                .icmp(IcmpHeader.TYPE_TIME_EXCEEDED, 0, 0).payload(Arrays.copyOf(reply, 28)));
        assertEquals(expected, ClassicBpf.run(nat, IPV4, withOptions), "the quote found after IP options");
        byte[] request = ip(new PacketBuilder().ipv4(client, server).udp(40000, 5353).payload(new byte[8]));
        byte[] portUnreachable = ip(new PacketBuilder().ipv4(server, client)
                .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0).payload(request));
        assertEquals(expected, ClassicBpf.run(nat, IPV4, portUnreachable), "a real server's error to the client");
        byte[] echo = ip(new PacketBuilder().ipv4(client, VIP).icmp(IcmpHeader.TYPE_ECHO_REQUEST, 0, 7));
        assertEquals(expected, ClassicBpf.run(nat, IPV4, echo), "an echo request to the virtual address");
        byte[] truncated = Arrays.copyOf(fragmentationNeeded, 20 + 8 + 12);
        assertEquals(0, ClassicBpf.run(nat, IPV4, truncated), "a quote cut short goes to the first socket");
    }

    @Test
    void shouldKeyBothDirectionsOfAnIpv6NatConnectionOnTheLowWordOfTheClient() {
        int[][] nat = FanoutProgram.clientAddress(3, VIPS);
        for (int n = 1; n <= 64; n++) {
            String client = "2001:db8:5::" + Integer.toHexString(n) + ":" + Integer.toHexString(n * 977);
            byte[] request = ip(new PacketBuilder().ipv6(client, VIP6).tcp(40000, 80, TcpHeader.SYN));
            byte[] reply = ip(new PacketBuilder().ipv6("2001:db8:1::7", client).tcp(8080, 40000, TcpHeader.ACK));
            long expected = FanoutProgram.socketOf(lowWord(client), 3);
            assertEquals(expected, ClassicBpf.run(nat, IPV6, request), client + " request");
            assertEquals(expected, ClassicBpf.run(nat, IPV6, reply), client + " reply");
        }
    }

    @Test
    void shouldKeyIcmpv6AboutANatConnectionOnTheClient() {
        String client = "2001:db8:5::1";
        String router = "2001:db8:9::2";
        String server = "2001:db8:1::8";
        assertNotEquals(FanoutProgram.socketOf(lowWord(client), 2), FanoutProgram.socketOf(lowWord(router), 2));
        assertNotEquals(FanoutProgram.socketOf(lowWord(client), 2), FanoutProgram.socketOf(lowWord(server), 2));
        int[][] nat = FanoutProgram.clientAddress(2, VIPS);
        long expected = FanoutProgram.socketOf(lowWord(client), 2);
        byte[] reply = ip(new PacketBuilder().ipv6(VIP6, client).tcp(80, 40000, TcpHeader.ACK).payload(new byte[1400]));
        byte[] tooBig = ip(new PacketBuilder().ipv6(router, VIP6).icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280)
                .payload(Arrays.copyOf(reply, 1232)));
        assertEquals(expected, ClassicBpf.run(nat, IPV6, tooBig), "a router's error about a reply");
        byte[] request = ip(new PacketBuilder().ipv6(client, server).udp(40000, 5353).payload(new byte[8]));
        byte[] portUnreachable = ip(new PacketBuilder().ipv6(server, client)
                .icmpv6(Icmpv6Header.TYPE_DESTINATION_UNREACHABLE, 4, 0).payload(request));
        assertEquals(expected, ClassicBpf.run(nat, IPV6, portUnreachable), "a real server's error to the client");
        byte[] echo = ip(new PacketBuilder().ipv6(client, VIP6).icmpv6(Icmpv6Header.TYPE_ECHO_REQUEST, 0, 1));
        assertEquals(expected, ClassicBpf.run(nat, IPV6, echo), "an echo request to the virtual address");
    }

    @Test
    void shouldCompareTheWholeIpv6VirtualAddressNotOnlyItsLowWord() {
        String server = "2001:db8:1::9";
        String client = "2001:db8:77::200";   // the low word of VIP6, another prefix
        assertEquals(lowWord(VIP6), lowWord(client));
        assertNotEquals(FanoutProgram.socketOf(lowWord(client), 2), FanoutProgram.socketOf(lowWord(server), 2));
        int[][] nat = FanoutProgram.clientAddress(2, VIPS);
        byte[] reply = ip(new PacketBuilder().ipv6(server, client).tcp(8080, 40000, TcpHeader.ACK));
        assertEquals(FanoutProgram.socketOf(lowWord(client), 2), ClassicBpf.run(nat, IPV6, reply));
    }

    @Test
    void shouldSendOtherFramesToTheFirstSocket() {
        int[][] nat = FanoutProgram.clientAddress(4, VIPS);
        byte[] arp = Arrays.copyOfRange(new PacketBuilder()
                .arp(1, 0x020000000001L, "198.18.3.9", 0, VIP).build(), 14, 42);
        assertEquals(0, ClassicBpf.run(nat, 0x0806, arp));
    }

    @Test
    void shouldKeepJumpsInRangeWithManyVirtualAddressesAndRefuseTooMany() {
        List<InetAddress> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(address("198.18." + (i / 250) + "." + (i % 250 + 1)));
        }
        for (int i = 0; i < 200; i++) {
            many.add(address("2001:db8::" + Integer.toHexString(i + 1)));
        }
        int[][] program = FanoutProgram.clientAddress(2, many);
        ClassicBpf.check(program);
        String client = "198.18.9.9";
        byte[] toLast = ip(new PacketBuilder().ipv4(client, "198.18.3.250").udp(1, 2));
        assertEquals(FanoutProgram.socketOf(ipv4(client), 2), ClassicBpf.run(program, IPV4, toLast));
        String client6 = "2001:db8:5::3";
        byte[] toLast6 = ip(new PacketBuilder().ipv6(client6, "2001:db8::c8").udp(1, 2));
        assertEquals(FanoutProgram.socketOf(lowWord(client6), 2), ClassicBpf.run(program, IPV6, toLast6));
        for (int i = 0; i < 3000; i++) {
            many.add(address("198.19." + (i / 250) + "." + (i % 250 + 1)));
        }
        assertThrows(IllegalArgumentException.class, () -> FanoutProgram.clientAddress(2, many));
    }

    private static byte[] ip(PacketBuilder builder) {
        return builder.buildIpPacket();
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int ipv4(String text) {
        byte[] b = address(text).getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    private static int lowWord(String text) {
        byte[] b = address(text).getAddress();
        return (b[12] & 0xFF) << 24 | (b[13] & 0xFF) << 16 | (b[14] & 0xFF) << 8 | (b[15] & 0xFF);
    }
}

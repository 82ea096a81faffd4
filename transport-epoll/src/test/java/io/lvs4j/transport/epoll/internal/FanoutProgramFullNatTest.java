package io.lvs4j.transport.epoll.internal;

import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The full-NAT fanout clause run by the test's classic BPF interpreter over real packets. */
class FanoutProgramFullNatTest {

    private static final int LADDR1 = 0xC61201FE;   // 198.18.1.254
    private static final int LADDR2 = 0xC61201FD;   // 198.18.1.253

    static int run(int[][] program, int etherType, byte[] ip) {
        return (int) ClassicBpf.run(program, etherType, ip);
    }

    private static int load(byte[] ip, int k, int size) {
        int offset = k + 0x100000;
        int v = 0;
        for (int i = 0; i < size; i++) {
            v = v << 8 | (ip[offset + i] & 0xFF);
        }
        return v;
    }

    @Test
    void shouldSteerRepliesToLocalAddressesByDestinationPort() {
        int[][] program = FanoutProgram.ipv4SourceOrLocalPort(3, new int[] {LADDR1, LADDR2});
        for (int port : new int[] {1024, 1025, 1026, 40000, 65535}) {
            byte[] reply = new PacketBuilder().ipv4("198.18.1.7", "198.18.1.254").tcp(80, port, TcpHeader.ACK)
                    .buildIpPacket();
            assertEquals(port % 3, run(program, 0x0800, reply));
            byte[] withOptions = new PacketBuilder().ipv4("198.18.1.8", "198.18.1.253")
                    .ipv4Options(new byte[] {1, 1, 1, 0}).udp(53, port).buildIpPacket();
            assertEquals(port % 3, run(program, 0x0800, withOptions), "past IPv4 options");
        }
    }

    @Test
    void shouldSteerIcmpErrorsToLocalAddressesByTheQuotedLocalPort() {
        int[][] program = FanoutProgram.ipv4SourceOrLocalPort(4, new int[] {LADDR1});
        for (int port : new int[] {1024, 1025, 1026, 1027, 50001}) {
            byte[] quoted = new PacketBuilder().ipv4("198.18.1.254", "198.18.1.7").ipv4Options(new byte[] {1, 1, 1, 0})
                    .udp(port, 53).buildIpPacket();
            byte[] error = new PacketBuilder().ipv4("198.18.1.7", "198.18.1.254").icmp(3, 3, 0)
                    .payload(java.util.Arrays.copyOf(quoted, 24 + 8)).buildIpPacket();
            assertEquals(port % 4, run(program, 0x0800, error));
        }
    }

    @Test
    void shouldSteerOtherFramesByClientAddressAsBefore() {
        int[][] program = FanoutProgram.ipv4SourceOrLocalPort(2, new int[] {LADDR1});
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            String client = "198.18.0." + (1 + random.nextInt(254));
            byte[] syn = new PacketBuilder().ipv4(client, "198.18.0.200").tcp(1024 + random.nextInt(60000), 80,
                    TcpHeader.SYN).buildIpPacket();
            int source = load(syn, -0x100000 + 12, 4);
            assertEquals(FanoutProgram.socketOf(source, 2), run(program, 0x0800, syn));
            assertEquals(run(FanoutProgram.ipv4Source(2), 0x0800, syn), run(program, 0x0800, syn));
        }
        byte[] ipv6 = new PacketBuilder().ipv6("2001:db8::1", "2001:db8::2").tcp(1, 2, TcpHeader.SYN)
                .buildIpPacket();
        assertEquals(0, run(program, 0x86DD, ipv6));
    }

    @Test
    void shouldKeepNatClientSteeringBehindTheLocalPortClause() throws Exception {
        java.util.List<java.net.InetAddress> vips = java.util.List.of(java.net.InetAddress.getByName("198.18.0.200"));
        int[][] base = FanoutProgram.clientAddress(2, vips);
        int[][] program = FanoutProgram.withLocalPorts(base, 2, new int[] {LADDR1});
        byte[] toVip = new PacketBuilder().ipv4("198.18.0.77", "198.18.0.200").tcp(40000, 80, TcpHeader.SYN)
                .buildIpPacket();
        byte[] natReply = new PacketBuilder().ipv4("198.18.1.7", "198.18.0.77").tcp(80, 40000, TcpHeader.ACK)
                .buildIpPacket();
        assertEquals(run(base, 0x0800, toVip), run(program, 0x0800, toVip));
        assertEquals(run(base, 0x0800, natReply), run(program, 0x0800, natReply));
        assertEquals(run(program, 0x0800, toVip), run(program, 0x0800, natReply), "NAT: both ways on one loop");
        for (int port : new int[] {5000, 5001}) {
            byte[] fullNatReply = new PacketBuilder().ipv4("198.18.1.7", "198.18.1.254").tcp(80, port, TcpHeader.ACK)
                    .buildIpPacket();
            assertEquals(port % 2, run(program, 0x0800, fullNatReply));
        }
    }

    @Test
    void shouldRefuseImpossiblePrograms() {
        assertThrows(IllegalArgumentException.class, () -> FanoutProgram.ipv4SourceOrLocalPort(0, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> FanoutProgram.ipv4SourceOrLocalPort(2, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> FanoutProgram.ipv4SourceOrLocalPort(2, new int[201]));
        int[][] largest = FanoutProgram.ipv4SourceOrLocalPort(2, new int[200]);
        byte[] packet = new PacketBuilder().ipv4("198.18.0.1", "0.0.0.0").tcp(1, 4097, 0).buildIpPacket();
        assertEquals(1, run(largest, 0x0800, packet), "the farthest jump still lands on the port section");
    }

    @Test
    void shouldSteerIpv6RepliesAndIcmpv6ErrorsToLocalAddressesByPortAndTheRestAsBefore() throws Exception {
        java.util.List<byte[]> locals6 = java.util.List.of(
                java.net.InetAddress.getByName("2001:db8:6::fe").getAddress(),
                java.net.InetAddress.getByName("2001:db8:6::fd").getAddress());
        java.util.List<java.net.InetAddress> vips = java.util.List.of(java.net.InetAddress.getByName("2001:db8:6::200"),
                java.net.InetAddress.getByName("198.18.0.200"));
        int[][] base = FanoutProgram.clientAddress(3, vips);
        int[][] program = FanoutProgram.withLocalPorts(base, 3, new int[] {LADDR1}, locals6);
        ClassicBpf.check(program);
        for (int port : new int[] {1024, 1025, 1026, 40000, 65535}) {
            byte[] reply = new PacketBuilder().ipv6("2001:db8:6::13", "2001:db8:6::fe").tcp(80, port, TcpHeader.ACK)
                    .buildIpPacket();
            assertEquals(port % 3, run(program, 0x86DD, reply));
            byte[] udp = new PacketBuilder().ipv6("2001:db8:6::14", "2001:db8:6::fd").udp(53, port).buildIpPacket();
            assertEquals(port % 3, run(program, 0x86DD, udp));
            byte[] quoted = new PacketBuilder().ipv6("2001:db8:6::fe", "2001:db8:6::13").udp(port, 53)
                    .buildIpPacket();
            byte[] error = new PacketBuilder().ipv6("2001:db8:6::13", "2001:db8:6::fe").icmpv6(1, 4, 0)
                    .payload(quoted).buildIpPacket();
            assertEquals(port % 3, run(program, 0x86DD, error));
            byte[] v4reply = new PacketBuilder().ipv4("198.18.1.7", "198.18.1.254").tcp(80, port, TcpHeader.ACK)
                    .buildIpPacket();
            assertEquals(port % 3, run(program, 0x0800, v4reply), "IPv4 local addresses as before");
        }
        Random random = new Random(6);
        for (int i = 0; i < 100; i++) {
            String client = "2001:db8:7::" + Integer.toHexString(1 + random.nextInt(65000));
            byte[] syn = new PacketBuilder().ipv6(client, "2001:db8:6::200").tcp(1024 + random.nextInt(60000), 80,
                    TcpHeader.SYN).buildIpPacket();
            assertEquals(run(base, 0x86DD, syn), run(program, 0x86DD, syn), "frames to a VIP as the base program");
            byte[] almost = new PacketBuilder().ipv6("2001:db8:6::13", "2001:db8:6::" + Integer.toHexString(
                    0x100 + random.nextInt(0xf0))).tcp(80, 40000 + i, TcpHeader.ACK).buildIpPacket();
            assertEquals(run(base, 0x86DD, almost), run(program, 0x86DD, almost), "other destinations as before");
        }
        assertThrows(IllegalArgumentException.class, () -> FanoutProgram.withLocalPorts(base, 3, new int[0],
                java.util.List.of()));
        java.util.List<byte[]> many = new java.util.ArrayList<>();
        for (int i = 0; i < 199; i++) {
            many.add(java.net.InetAddress.getByName("2001:db8:9::" + Integer.toHexString(i + 1)).getAddress());
        }
        int[][] longest = FanoutProgram.withLocalPorts(base, 3, new int[] {LADDR1}, many);
        ClassicBpf.check(longest);
        byte[] toLast = new PacketBuilder().ipv6("2001:db8:6::13", "2001:db8:9::c7").tcp(80, 40001, TcpHeader.ACK)
                .buildIpPacket();
        assertEquals(40001 % 3, run(longest, 0x86DD, toLast), "the last of 200 local addresses");
    }
}

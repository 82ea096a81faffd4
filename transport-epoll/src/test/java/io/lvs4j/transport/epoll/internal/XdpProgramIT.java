package io.lvs4j.transport.epoll.internal;

import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The XDP program through the kernel's verifier and {@code BPF_PROG_TEST_RUN}: no interface,
 * but root. The program is built with {@code XDP_DROP} for a queue without a socket, so a
 * frame it means to redirect comes back as a drop, one it passes as a pass.
 */
class XdpProgramIT {

    private static final int XDP_DROP = 1;
    private static final int VIP = 0xC6120064;        // 198.18.0.100
    private static final int SERVER = 0xC612000A;     // 198.18.0.10
    private static final int HOST = 0xC6120002;       // 198.18.0.2
    private static final int CLIENT = 0xC6120005;     // 198.18.0.5
    private static int addresses = -1;
    private static int sockets = -1;
    private static int program = -1;

    @BeforeAll
    static void load() throws Exception {
        NetnsGuard.assumeNetns();
        addresses = Bpf.createMap(Bpf.MAP_TYPE_HASH, XdpProgram.KEY_SIZE, XdpProgram.VALUE_SIZE, 16, "test_addrs");
        sockets = Bpf.createMap(Bpf.MAP_TYPE_XSKMAP, 4, 4, 1, "test_xsks");
        program = Bpf.loadXdp(XdpProgram.build(addresses, sockets, XDP_DROP), "test_xdp");
        Bpf.update(addresses, key(VIP), flags(XdpProgram.TO_DIRECTOR));
        Bpf.update(addresses, key(SERVER), flags(XdpProgram.NAT_SERVER));
        Bpf.update(addresses, key(HOST), flags(XdpProgram.HOST));
    }

    @AfterAll
    static void unload() {
        for (int fd : new int[] {program, sockets, addresses}) {
            if (fd >= 0) {
                PacketSocketFd.close(fd);
            }
        }
    }

    @Test
    void shouldRedirectFramesToVirtualAddressesAndRepliesOfNatServers() throws Exception {
        assertEquals(XDP_DROP, Bpf.testRun(program, ipv4(CLIENT, VIP, 60)));
        assertEquals(XDP_DROP, Bpf.testRun(program, ipv4(SERVER, CLIENT, 60)));
    }

    @Test
    void shouldPassTheHostsOwnTrafficArpIpv6AndShortFrames() throws Exception {
        assertEquals(XdpProgram.XDP_PASS, Bpf.testRun(program, ipv4(SERVER, HOST, 60)), "a health check's reply");
        assertEquals(XdpProgram.XDP_PASS, Bpf.testRun(program, ipv4(CLIENT, HOST, 60)));
        assertEquals(XdpProgram.XDP_PASS, Bpf.testRun(program, ipv4(CLIENT, 0xE0000012, 60)), "VRRP multicast");
        byte[] arp = ipv4(CLIENT, VIP, 60);
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(XdpProgram.XDP_PASS, Bpf.testRun(program, arp));
        byte[] ipv6 = ipv4(CLIENT, VIP, 80);
        ipv6[12] = (byte) 0x86;
        ipv6[13] = (byte) 0xDD;
        assertEquals(XdpProgram.XDP_PASS, Bpf.testRun(program, ipv6));
        assertEquals(XdpProgram.XDP_PASS, Bpf.testRun(program, ipv4(CLIENT, VIP, 33)), "shorter than its IPv4 header");
    }

    @Test
    void shouldFollowTheMapWithoutReloading() throws Exception {
        int other = 0xC6120065;
        assertEquals(XdpProgram.XDP_PASS, Bpf.testRun(program, ipv4(CLIENT, other, 60)));
        Bpf.update(addresses, key(other), flags(XdpProgram.TO_DIRECTOR));
        assertEquals(XDP_DROP, Bpf.testRun(program, ipv4(CLIENT, other, 60)));
        Bpf.delete(addresses, key(other));
        assertEquals(XdpProgram.XDP_PASS, Bpf.testRun(program, ipv4(CLIENT, other, 60)));
    }

    /** An Ethernet frame with an IPv4 header (no options), cut or padded to {@code length}. */
    private static byte[] ipv4(int source, int destination, int length) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(length, 34));
        b.position(12);
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 20).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0);
        b.putInt(source).putInt(destination);
        byte[] all = b.array();
        return java.util.Arrays.copyOf(all, length);
    }

    private static byte[] key(int address) {
        return ByteBuffer.allocate(4).putInt(address).array();
    }

    private static byte[] flags(int value) {
        return new byte[] {(byte) value, 0, 0, 0};
    }
}

package io.lvs4j.transport.epoll.internal;

/**
 * The classic BPF program of a {@code PACKET_FANOUT_CBPF} group that steers by the IPv4 source
 * address: every frame of one client reaches one socket. Loads go through the kernel's
 * ancillary protocol field and the network-header offset, so the program reads the IPv4 header
 * wherever the frame starts (the virtio-net header is not in the program's view, and a received
 * 802.1Q tag has been moved into the packet's metadata by then). Immutable.
 */
public final class FanoutProgram {

    private static final int LD_W_ABS = 0x20;
    private static final int LD_H_ABS = 0x28;
    private static final int JEQ_K = 0x15;
    private static final int TAX = 0x07;
    private static final int RSH_K = 0x74;
    private static final int XOR_X = 0xac;
    private static final int AND_K = 0x54;
    private static final int MOD_K = 0x94;
    private static final int RET_A = 0x16;
    private static final int RET_K = 0x06;
    private static final int LD_B_ABS = 0x30;
    private static final int LD_H_IND = 0x48;
    private static final int LSH_K = 0x64;
    private static final int JA = 0x05;
    private static final int LD_B_IND = 0x50;
    private static final int ADD_X = 0x0c;
    private static final int PROTOCOL_ICMP = 1;
    private static final int IPV4_PROTOCOL_OFFSET = 9;
    /** Where an ICMP error's quoted packet starts, after type, code, checksum and 4 bytes. */
    private static final int ICMP_QUOTE_OFFSET = 8;
    /** {@code SKF_AD_OFF + SKF_AD_PROTOCOL}: the frame's EtherType in host order. */
    private static final int AD_PROTOCOL = -0x1000;
    /** {@code SKF_NET_OFF}: offsets from the network header. */
    private static final int NET_OFF = -0x100000;
    private static final int ETH_P_IP = 0x0800;
    private static final int IPV4_SOURCE_OFFSET = 12;
    private static final int IPV4_DESTINATION_OFFSET = 16;
    /** Of TCP and UDP alike. */
    private static final int DESTINATION_PORT_OFFSET = 2;

    private FanoutProgram() {
    }

    /**
     * Builds the program as {@code struct sock_filter} fields, one row per instruction:
     * {@code {code, jt, jf, k}}.
     *
     * @param sockets the number of sockets of the group, at least 1
     * @return the instructions
     */
    public static int[][] ipv4Source(int sockets) {
        if (sockets < 1) {
            throw new IllegalArgumentException("sockets must be at least 1: " + sockets);
        }
        return new int[][] {
            {LD_H_ABS, 0, 0, AD_PROTOCOL},
            {JEQ_K, 0, 10, ETH_P_IP},                       // not IPv4: to the last instruction
            {LD_W_ABS, 0, 0, NET_OFF + IPV4_SOURCE_OFFSET},  // A = source address
            {TAX, 0, 0, 0},
            {RSH_K, 0, 0, 16},
            {XOR_X, 0, 0, 0},                              // A ^= A >> 16
            {TAX, 0, 0, 0},
            {RSH_K, 0, 0, 8},
            {XOR_X, 0, 0, 0},                              // A ^= A >> 8
            {AND_K, 0, 0, 0xFF},                           // the four bytes folded into one
            {MOD_K, 0, 0, sockets},
            {RET_A, 0, 0, 0},
            {RET_K, 0, 0, 0},
        };
    }

    /**
     * Builds the program of a full-NAT director over {@link #ipv4Source(int)}, as
     * {@link #withLocalPorts} does.
     *
     * @param sockets the number of sockets of the group, at least 1
     * @param localAddresses the local addresses (big-endian ints), 1 to 200
     * @return the instructions
     */
    public static int[][] ipv4SourceOrLocalPort(int sockets, int[] localAddresses) {
        return withLocalPorts(ipv4Source(sockets), sockets, localAddresses);
    }

    /**
     * Puts the clause of a full-NAT director in front of a fanout program: IPv4 frames to one
     * of its local addresses (real servers' replies) are steered by their destination port,
     * which is the connection's local port, modulo the number of sockets, and ICMP errors to a
     * local address by the source port of the packet they quote; every other frame goes on to
     * the given program. Socket {@code i} thus receives the replies to the local
     * ports {@code p} with {@code p % sockets == i}, the ports its loop hands out.
     *
     * @param base the program for every other frame (its jumps are relative, so it runs as is)
     * @param sockets the number of sockets of the group, at least 1
     * @param localAddresses the local addresses (big-endian ints), 1 to 200
     * @return the instructions
     */
    public static int[][] withLocalPorts(int[][] base, int sockets, int[] localAddresses) {
        if (sockets < 1) {
            throw new IllegalArgumentException("sockets must be at least 1: " + sockets);
        }
        int n = localAddresses.length;
        if (n < 1 || n > 200) {
            throw new IllegalArgumentException("1 to 200 local addresses: " + n);
        }
        int portAt = 4 + n;
        int baseAt = portAt + 9 + 12;
        int[][] program = new int[baseAt + base.length][];
        int pc = 0;
        program[pc++] = new int[] {LD_H_ABS, 0, 0, AD_PROTOCOL};
        program[pc++] = new int[] {JEQ_K, 0, baseAt - pc, ETH_P_IP};     // not IPv4: the base program
        program[pc++] = new int[] {LD_W_ABS, 0, 0, NET_OFF + IPV4_DESTINATION_OFFSET};
        for (int address : localAddresses) {
            program[pc++] = new int[] {JEQ_K, portAt - pc, 0, address};   // to a local address: by port
        }
        program[pc++] = new int[] {JA, 0, 0, baseAt - pc};
        program[pc++] = new int[] {LD_B_ABS, 0, 0, NET_OFF + IPV4_PROTOCOL_OFFSET};
        program[pc++] = new int[] {JEQ_K, 7, 0, PROTOCOL_ICMP};
        program[pc++] = new int[] {LD_B_ABS, 0, 0, NET_OFF};            // version and header length
        program[pc++] = new int[] {AND_K, 0, 0, 0x0F};
        program[pc++] = new int[] {LSH_K, 0, 0, 2};
        program[pc++] = new int[] {TAX, 0, 0, 0};                       // X = IPv4 header length
        program[pc++] = new int[] {LD_H_IND, 0, 0, NET_OFF + DESTINATION_PORT_OFFSET};
        program[pc++] = new int[] {MOD_K, 0, 0, sockets};
        program[pc++] = new int[] {RET_A, 0, 0, 0};
        // An ICMP error about a packet sent from the local port: by the quoted source port.
        program[pc++] = new int[] {LD_B_ABS, 0, 0, NET_OFF};
        program[pc++] = new int[] {AND_K, 0, 0, 0x0F};
        program[pc++] = new int[] {LSH_K, 0, 0, 2};
        program[pc++] = new int[] {TAX, 0, 0, 0};                       // X = IPv4 header length
        program[pc++] = new int[] {LD_B_IND, 0, 0, NET_OFF + ICMP_QUOTE_OFFSET};
        program[pc++] = new int[] {AND_K, 0, 0, 0x0F};
        program[pc++] = new int[] {LSH_K, 0, 0, 2};                     // A = quoted header length
        program[pc++] = new int[] {ADD_X, 0, 0, 0};
        program[pc++] = new int[] {TAX, 0, 0, 0};
        program[pc++] = new int[] {LD_H_IND, 0, 0, NET_OFF + ICMP_QUOTE_OFFSET};  // quoted source port
        program[pc++] = new int[] {MOD_K, 0, 0, sockets};
        program[pc++] = new int[] {RET_A, 0, 0, 0};
        for (int[] insn : base) {
            program[pc++] = insn.clone();
        }
        return program;
    }

    /**
     * The socket the program picks for an IPv4 source address, for callers that need to predict it.
     *
     * @param source the source address as a big-endian int
     * @param sockets the number of sockets of the group
     * @return the socket index
     */
    public static int socketOf(int source, int sockets) {
        int a = source ^ (source >>> 16);
        a ^= a >>> 8;
        return (a & 0xFF) % sockets;
    }
}

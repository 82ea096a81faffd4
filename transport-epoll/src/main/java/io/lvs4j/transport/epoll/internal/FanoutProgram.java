package io.lvs4j.transport.epoll.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Classic BPF programs of a {@code PACKET_FANOUT_CBPF} group that steer every frame of one
 * client to one socket.
 *
 * <ul>
 * <li>{@link #ipv4Source}: by the IPv4 source address, for a director that sees only the
 *     client's direction (direct routing, tunnelling).
 * <li>{@link #clientAddress}: by the client's address in both directions, for NAT, whose
 *     replies come from the real servers: a frame to one of the director's virtual addresses
 *     is keyed on its source (the client), any other frame on its destination (a reply, or
 *     an ICMP error a real server sends, goes to the client). An ICMP or ICMPv6 error to a
 *     virtual address (a router on the client's side complaining about a reply) is keyed on
 *     the destination of the packet it quotes: the client again. IPv4 and IPv6; an IPv6
 *     address is keyed on its low 32 bits.
 * <li>{@link #withLocalPorts}: a full-NAT director's clause in front of either: a frame to one
 *     of its IPv4 local addresses (a real server's reply) by its destination port, the local
 *     port whose residue names the loop that owns the connection.
 * </ul>
 *
 * Both fold the 32-bit key the same way ({@link #socketOf}), so an IPv4 client lands on the
 * same socket under either program. Frames of other EtherTypes (ARP) go to the first socket.
 * Loads go through the kernel's ancillary protocol field and the network-header offset, so the
 * programs read the IP header wherever the frame starts (the virtio-net header is not in the
 * program's view, and a received 802.1Q tag has been moved into the packet's metadata by
 * then); a load past the end of a truncated packet ends the program with 0 (the first socket).
 * IPv6 extension headers are not walked: such a frame is keyed as if its transport were not
 * ICMPv6. Immutable.
 */
public final class FanoutProgram {

    private static final int LD_W_ABS = 0x20;
    private static final int LD_H_ABS = 0x28;
    private static final int LD_B_ABS = 0x30;
    private static final int LD_W_IND = 0x40;
    private static final int LD_B_IND = 0x50;
    private static final int JA = 0x05;
    private static final int JEQ_K = 0x15;
    private static final int JGT_K = 0x25;
    private static final int LSH_K = 0x64;
    private static final int TAX = 0x07;
    private static final int RSH_K = 0x74;
    private static final int XOR_X = 0xac;
    private static final int AND_K = 0x54;
    private static final int MOD_K = 0x94;
    private static final int RET_A = 0x16;
    private static final int RET_K = 0x06;
    private static final int LD_H_IND = 0x48;
    private static final int ADD_X = 0x0c;
    /** {@code SKF_AD_OFF + SKF_AD_PROTOCOL}: the frame's EtherType in host order. */
    private static final int AD_PROTOCOL = -0x1000;
    /** {@code SKF_NET_OFF}: offsets from the network header. */
    private static final int NET_OFF = -0x100000;
    private static final int ETH_P_IP = 0x0800;
    private static final int ETH_P_IPV6 = 0x86DD;
    private static final int IPV4_PROTOCOL_OFFSET = 9;
    private static final int IPV4_SOURCE_OFFSET = 12;
    private static final int IPV4_DESTINATION_OFFSET = 16;
    /** Of TCP and UDP alike. */
    private static final int DESTINATION_PORT_OFFSET = 2;
    private static final int IPV6_NEXT_HEADER_OFFSET = 6;
    private static final int IPV6_SOURCE_OFFSET = 8;
    private static final int IPV6_DESTINATION_OFFSET = 24;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int ICMP_HEADER_LENGTH = 8;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_ICMPV6 = 58;
    /** {@code BPF_MAXINSNS}: the longest classic program the kernel accepts. */
    public static final int MAX_INSTRUCTIONS = 4096;

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
        return withLocalPorts(base, sockets, localAddresses, List.of());
    }

    /**
     * Puts the clause of a full-NAT director with IPv4 and IPv6 local addresses in front of a
     * fanout program, as {@link #withLocalPorts(int[][], int, int[])} does for IPv4: an IPv6
     * frame to a local address is steered by its TCP or UDP destination port, an ICMPv6 error
     * to one by the source port of the packet it quotes (IPv6 extension headers are not
     * walked, here either).
     *
     * @param base the program for every other frame (its jumps are relative, so it runs as is)
     * @param sockets the number of sockets of the group, at least 1
     * @param localAddresses the IPv4 local addresses (big-endian ints)
     * @param localAddresses6 the IPv6 local addresses (16 bytes each); 1 to 200 addresses in all
     * @return the instructions
     */
    public static int[][] withLocalPorts(int[][] base, int sockets, int[] localAddresses,
            List<byte[]> localAddresses6) {
        if (sockets < 1) {
            throw new IllegalArgumentException("sockets must be at least 1: " + sockets);
        }
        int n = localAddresses.length;
        int n6 = localAddresses6.size();
        if (n + n6 < 1 || n + n6 > 200) {
            throw new IllegalArgumentException("1 to 200 local addresses: " + (n + n6));
        }
        int portAt = 4 + n;
        int v6At = portAt + 9 + 12;
        int port6At = v6At + 2 + 9 * n6 + 1;
        int baseAt = port6At + 8;
        if (baseAt + base.length > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("program too long: " + (baseAt + base.length) + " instructions");
        }
        int[][] program = new int[baseAt + base.length][];
        int pc = 0;
        program[pc++] = new int[] {LD_H_ABS, 0, 0, AD_PROTOCOL};
        program[pc++] = new int[] {JEQ_K, 0, v6At - pc, ETH_P_IP};       // not IPv4: the IPv6 clause
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
        program[pc++] = new int[] {LD_B_IND, 0, 0, NET_OFF + ICMP_HEADER_LENGTH};
        program[pc++] = new int[] {AND_K, 0, 0, 0x0F};
        program[pc++] = new int[] {LSH_K, 0, 0, 2};                     // A = quoted header length
        program[pc++] = new int[] {ADD_X, 0, 0, 0};
        program[pc++] = new int[] {TAX, 0, 0, 0};
        program[pc++] = new int[] {LD_H_IND, 0, 0, NET_OFF + ICMP_HEADER_LENGTH};  // quoted source port
        program[pc++] = new int[] {MOD_K, 0, 0, sockets};
        program[pc++] = new int[] {RET_A, 0, 0, 0};
        // IPv6: the destination compared word by word with each local address.
        program[pc++] = new int[] {JEQ_K, 1, 0, ETH_P_IPV6};
        program[pc++] = new int[] {JA, 0, 0, baseAt - pc};
        for (byte[] address : localAddresses6) {
            for (int word = 0; word < 4; word++) {
                program[pc++] = new int[] {LD_W_ABS, 0, 0, NET_OFF + IPV6_DESTINATION_OFFSET + 4 * word};
                program[pc++] = new int[] {JEQ_K, 0, 7 - 2 * word, word(address, 4 * word)};
            }
            program[pc++] = new int[] {JA, 0, 0, port6At - pc};
        }
        program[pc++] = new int[] {JA, 0, 0, baseAt - pc};
        program[pc++] = new int[] {LD_B_ABS, 0, 0, NET_OFF + IPV6_NEXT_HEADER_OFFSET};
        program[pc++] = new int[] {JEQ_K, 3, 0, PROTOCOL_ICMPV6};
        program[pc++] = new int[] {LD_H_ABS, 0, 0, NET_OFF + IPV6_HEADER_LENGTH + DESTINATION_PORT_OFFSET};
        program[pc++] = new int[] {MOD_K, 0, 0, sockets};
        program[pc++] = new int[] {RET_A, 0, 0, 0};
        // An ICMPv6 error about a packet sent from the local port: by the quoted source port.
        program[pc++] = new int[] {LD_H_ABS, 0, 0, NET_OFF + 2 * IPV6_HEADER_LENGTH + ICMP_HEADER_LENGTH};
        program[pc++] = new int[] {MOD_K, 0, 0, sockets};
        program[pc++] = new int[] {RET_A, 0, 0, 0};
        for (int[] insn : base) {
            program[pc++] = insn.clone();
        }
        return program;
    }

    /**
     * Builds the program that keys every frame on the client's address, whichever direction
     * it travels (see the class comment), as {@code struct sock_filter} fields.
     *
     * @param sockets the number of sockets of the group, at least 1
     * @param virtualAddresses the director's virtual addresses, IPv4 and IPv6 (duplicates ignored)
     * @return the instructions
     * @throws IllegalArgumentException if sockets is below 1 or the addresses make the program
     *     longer than {@link #MAX_INSTRUCTIONS}
     */
    public static int[][] clientAddress(int sockets, Collection<? extends InetAddress> virtualAddresses) {
        if (sockets < 1) {
            throw new IllegalArgumentException("sockets must be at least 1: " + sockets);
        }
        List<byte[]> v4 = new ArrayList<>();
        List<byte[]> v6 = new ArrayList<>();
        for (InetAddress address : virtualAddresses.stream().distinct().toList()) {
            (address.getAddress().length == 4 ? v4 : v6).add(address.getAddress());
        }
        Assembler a = new Assembler();
        a.op(LD_H_ABS, AD_PROTOCOL);
        a.jump(JEQ_K, ETH_P_IP, "v4", null);               // conditional jumps reach 255 ahead at most
        a.always("v6");
        a.label("v4");
        // IPv4: A = destination; to a virtual address: key on the client's side of the packet.
        a.op(LD_W_ABS, NET_OFF + IPV4_DESTINATION_OFFSET);
        for (byte[] vip : v4) {
            a.jump(JEQ_K, word(vip, 0), null, "next");
            a.always("toVip4");
            a.label("next");
        }
        a.always("fold");                                  // a reply: key on its destination
        a.label("toVip4");
        a.op(LD_B_ABS, NET_OFF + IPV4_PROTOCOL_OFFSET);
        a.jump(JEQ_K, PROTOCOL_ICMP, null, "source4");
        a.op(LD_B_ABS, NET_OFF);                           // X = IPv4 header length
        a.op(AND_K, 0x0F);
        a.op(LSH_K, 2);
        a.op(TAX, 0);
        a.op(LD_B_IND, NET_OFF);                           // A = ICMP type
        a.jump(JEQ_K, 3, "quote4", null);                  // destination unreachable
        a.jump(JEQ_K, 11, "quote4", null);                 // time exceeded
        a.jump(JEQ_K, 12, "quote4", null);                 // parameter problem
        a.jump(JEQ_K, 4, "quote4", "source4");             // source quench
        a.label("quote4");
        a.op(LD_W_IND, NET_OFF + ICMP_HEADER_LENGTH + IPV4_DESTINATION_OFFSET);
        a.always("fold");
        a.label("source4");
        a.op(LD_W_ABS, NET_OFF + IPV4_SOURCE_OFFSET);
        a.always("fold");
        a.label("v6");
        a.jump(JEQ_K, ETH_P_IPV6, "v6vips", null);
        a.always("other");
        a.label("v6vips");
        int low = IPV6_DESTINATION_OFFSET + 12;
        for (byte[] vip : v6) {
            a.op(LD_W_ABS, NET_OFF + low);                 // the low word first: it differs most
            a.jump(JEQ_K, word(vip, 12), null, "next");
            for (int w = 0; w < 12; w += 4) {
                a.op(LD_W_ABS, NET_OFF + IPV6_DESTINATION_OFFSET + w);
                a.jump(JEQ_K, word(vip, w), null, "next");
            }
            a.always("toVip6");
            a.label("next");
        }
        a.op(LD_W_ABS, NET_OFF + low);
        a.always("fold");
        a.label("toVip6");
        a.op(LD_B_ABS, NET_OFF + IPV6_NEXT_HEADER_OFFSET);
        a.jump(JEQ_K, PROTOCOL_ICMPV6, null, "source6");
        a.op(LD_B_ABS, NET_OFF + IPV6_HEADER_LENGTH);      // A = ICMPv6 type; errors are 1 to 4
        a.jump(JEQ_K, 0, "source6", null);
        a.jump(JGT_K, 4, "source6", null);
        a.op(LD_W_ABS, NET_OFF + IPV6_HEADER_LENGTH + ICMP_HEADER_LENGTH + low);
        a.always("fold");
        a.label("source6");
        a.op(LD_W_ABS, NET_OFF + IPV6_SOURCE_OFFSET + 12);
        a.label("fold");
        a.op(TAX, 0);
        a.op(RSH_K, 16);
        a.op(XOR_X, 0);                                    // A ^= A >> 16
        a.op(TAX, 0);
        a.op(RSH_K, 8);
        a.op(XOR_X, 0);                                    // A ^= A >> 8
        a.op(AND_K, 0xFF);
        a.op(MOD_K, sockets);
        a.op(RET_A, 0);
        a.label("other");
        a.op(RET_K, 0);
        return a.assemble();
    }

    private static int word(byte[] address, int at) {
        return (address[at] & 0xFF) << 24 | (address[at + 1] & 0xFF) << 16 | (address[at + 2] & 0xFF) << 8
                | (address[at + 3] & 0xFF);
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

    /**
     * Emits instructions with symbolic forward jumps. A label named {@code "next"} is local:
     * it binds the jumps to "next" emitted since the previous "next".
     */
    private static final class Assembler {
        /** Which field of an instruction a fixup patches. */
        private static final int JT = 1;
        private static final int JF = 2;
        private static final int K = 3;

        /** A jump waiting for its label: instruction {@code at}, field {@code field}. */
        private record Fixup(int at, int field, String label) {
        }

        private final List<int[]> code = new ArrayList<>();
        private final List<Fixup> fixups = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();

        void op(int opcode, int k) {
            code.add(new int[] {opcode, 0, 0, k});
        }

        /** A conditional jump; a null target falls through. */
        void jump(int opcode, int k, String whenTrue, String whenFalse) {
            int at = code.size();
            code.add(new int[] {opcode, 0, 0, k});
            if (whenTrue != null) {
                fixups.add(new Fixup(at, JT, whenTrue));
            }
            if (whenFalse != null) {
                fixups.add(new Fixup(at, JF, whenFalse));
            }
        }

        /** An unconditional jump, whose 32-bit offset reaches anywhere ahead. */
        void always(String target) {
            fixups.add(new Fixup(code.size(), K, target));
            code.add(new int[] {JA, 0, 0, 0});
        }

        void label(String name) {
            if (name.equals("next")) {
                int target = code.size();
                fixups.removeIf(f -> {
                    if (!f.label().equals(name)) {
                        return false;
                    }
                    patch(f, target);
                    return true;
                });
            } else {
                labels.put(name, code.size());
            }
        }

        private void patch(Fixup f, int target) {
            int distance = target - f.at() - 1;
            if (distance < 0 || (f.field() != K && distance > 255)) {
                throw new IllegalStateException("jump out of range: " + f.at() + " -> " + target);
            }
            code.get(f.at())[f.field()] = distance;
        }

        int[][] assemble() {
            for (Fixup f : fixups) {
                Integer target = labels.get(f.label());
                if (target == null) {
                    throw new IllegalStateException("no label " + f.label());
                }
                patch(f, target);
            }
            if (code.size() > MAX_INSTRUCTIONS) {
                throw new IllegalArgumentException("too many virtual addresses: the fanout program would have "
                        + code.size() + " instructions, more than " + MAX_INSTRUCTIONS);
            }
            return code.toArray(new int[0][]);
        }
    }
}

package io.lvs4j.transport.epoll.internal;

/**
 * A small interpreter of classic BPF for tests: runs a fanout program on one packet as the
 * kernel would (loads relative to the network header through {@code SKF_NET_OFF}, the
 * EtherType through {@code SKF_AD_PROTOCOL}, a load out of the packet ends the program with
 * 0), after the checks the kernel makes when the program is attached (length, forward jumps in
 * range, a return at the end).
 */
final class ClassicBpf {

    private static final int NET_OFF = -0x100000;
    private static final int AD_PROTOCOL = -0x1000;
    private static final int AD_MARK = -0x1000 + 20;

    private ClassicBpf() {
    }

    /**
     * Runs a program.
     *
     * @param program {@code {code, jt, jf, k}} rows
     * @param etherType the frame's EtherType
     * @param packet the network-layer packet (from the IP header on)
     * @return the program's result as an unsigned 32-bit value
     */
    static long run(int[][] program, int etherType, byte[] packet) {
        return run(program, etherType, packet, 0);
    }

    /**
     * Runs a program on a packet with a firewall mark ({@code SKF_AD_MARK}).
     *
     * @param program {@code {code, jt, jf, k}} rows
     * @param etherType the frame's EtherType
     * @param packet the network-layer packet (from the IP header on)
     * @param mark the packet's {@code skb->mark}
     * @return the program's result as an unsigned 32-bit value
     */
    static long run(int[][] program, int etherType, byte[] packet, int mark) {
        check(program);
        int a = 0;
        int x = 0;
        for (int pc = 0; pc < program.length; pc++) {
            int[] insn = program[pc];
            int code = insn[0];
            int k = insn[3];
            switch (code & 0x07) {
                case 0x00 -> { // LD
                    int mode = code & 0xE0;
                    int size = switch (code & 0x18) {
                        case 0x00 -> 4;
                        case 0x08 -> 2;
                        case 0x10 -> 1;
                        default -> throw new IllegalArgumentException("load size of " + code);
                    };
                    if (mode == 0x00) {
                        a = k;
                        continue;
                    }
                    int offset = switch (mode) {
                        case 0x20 -> k;
                        case 0x40 -> x + k;
                        default -> throw new IllegalArgumentException("load mode of " + code);
                    };
                    if (offset == AD_PROTOCOL) {
                        a = etherType & 0xFFFF;
                        continue;
                    }
                    if (offset == AD_MARK) {
                        a = mark;
                        continue;
                    }
                    if (offset < NET_OFF || offset >= AD_PROTOCOL) {
                        throw new IllegalArgumentException("the fanout programs read from the network header only: "
                                + offset);
                    }
                    int at = offset - NET_OFF;
                    if (at + size > packet.length) {
                        return 0;
                    }
                    int value = 0;
                    for (int i = 0; i < size; i++) {
                        value = value << 8 | (packet[at + i] & 0xFF);
                    }
                    a = value;
                }
                case 0x04 -> { // ALU
                    int operand = (code & 0x08) != 0 ? x : k;
                    a = switch (code & 0xF0) {
                        case 0x00 -> a + operand;
                        case 0x10 -> a - operand;
                        case 0x40 -> a | operand;
                        case 0x50 -> a & operand;
                        case 0x60 -> a << operand;
                        case 0x70 -> a >>> operand;
                        case 0x90 -> {
                            if (operand == 0) {
                                yield 0;
                            }
                            yield Integer.remainderUnsigned(a, operand);
                        }
                        case 0xA0 -> a ^ operand;
                        default -> throw new IllegalArgumentException("alu op of " + code);
                    };
                }
                case 0x05 -> { // JMP
                    int op = code & 0xF0;
                    if (op == 0x00) {
                        pc += k;
                        continue;
                    }
                    int operand = (code & 0x08) != 0 ? x : k;
                    boolean taken = switch (op) {
                        case 0x10 -> a == operand;
                        case 0x20 -> Integer.compareUnsigned(a, operand) > 0;
                        case 0x30 -> Integer.compareUnsigned(a, operand) >= 0;
                        case 0x40 -> (a & operand) != 0;
                        default -> throw new IllegalArgumentException("jump op of " + code);
                    };
                    pc += taken ? insn[1] : insn[2];
                }
                case 0x06 -> { // RET
                    return Integer.toUnsignedLong((code & 0x18) == 0x10 ? a : k);
                }
                case 0x07 -> { // MISC
                    if ((code & 0xF8) == 0x00) {
                        x = a;
                    } else {
                        a = x;
                    }
                }
                default -> throw new IllegalArgumentException("instruction class of " + code);
            }
        }
        throw new IllegalStateException("fell off the end");
    }

    /** The kernel's {@code bpf_check_classic} rules that matter here. */
    static void check(int[][] program) {
        if (program.length == 0 || program.length > 4096) {
            throw new IllegalArgumentException("length " + program.length);
        }
        for (int pc = 0; pc < program.length; pc++) {
            int[] insn = program[pc];
            if ((insn[0] & 0x07) == 0x05) {
                int remaining = program.length - pc - 1;
                if ((insn[0] & 0xF0) == 0x00) {
                    if (Integer.compareUnsigned(insn[3], remaining) >= 0) {
                        throw new IllegalArgumentException("ja out of the program at " + pc);
                    }
                } else if (insn[1] < 0 || insn[1] > 255 || insn[2] < 0 || insn[2] > 255
                        || insn[1] >= remaining || insn[2] >= remaining) {
                    throw new IllegalArgumentException("conditional jump out of range at " + pc);
                }
            }
        }
        if ((program[program.length - 1][0] & 0x07) != 0x06) {
            throw new IllegalArgumentException("the last instruction must return");
        }
    }
}

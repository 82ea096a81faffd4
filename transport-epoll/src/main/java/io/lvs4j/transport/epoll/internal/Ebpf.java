package io.lvs4j.transport.epoll.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An assembler of eBPF instructions, {@code struct bpf_insn} of {@code linux/bpf.h}:
 * <pre>
 * struct bpf_insn {
 *     __u8  code;        // opcode
 *     __u8  dst_reg:4;   // low nibble (little-endian bit fields)
 *     __u8  src_reg:4;   // high nibble
 *     __s16 off;         // signed offset
 *     __s32 imm;         // signed immediate
 * };
 * </pre>
 * Each instruction is kept as one {@code long} in the little-endian order the kernel reads
 * (code in the lowest byte, imm in the highest four), so that {@link #code()} can be copied
 * into native memory as is. Forward jumps name a label, bound by {@link #label}. Not
 * thread-safe; the control path only.
 */
public final class Ebpf {

    /** Register r0: return value, helper results. */
    public static final int R0 = 0;
    /** Register r1: the first argument (the context at entry). */
    public static final int R1 = 1;
    /** Register r2. */
    public static final int R2 = 2;
    /** Register r3. */
    public static final int R3 = 3;
    /** Register r4. */
    public static final int R4 = 4;
    /** Register r5. */
    public static final int R5 = 5;
    /** Register r6, kept across helper calls. */
    public static final int R6 = 6;
    /** Register r7, kept across helper calls. */
    public static final int R7 = 7;
    /** Register r8, kept across helper calls. */
    public static final int R8 = 8;
    /** Register r10: the read-only frame pointer. */
    public static final int R10 = 10;

    /** {@code BPF_W}: a 32-bit access. */
    public static final int W = 0x00;
    /** {@code BPF_H}: a 16-bit access. */
    public static final int H = 0x08;
    /** {@code BPF_B}: an 8-bit access. */
    public static final int B = 0x10;
    /** {@code BPF_DW}: a 64-bit access. */
    public static final int DW = 0x18;

    static final int LDX_MEM = 0x61;          // BPF_LDX | BPF_MEM, with a size
    static final int STX_MEM = 0x63;          // BPF_STX | BPF_MEM, with a size
    static final int LD_IMM64 = 0x18;         // BPF_LD | BPF_IMM | BPF_DW
    static final int ALU64_MOV_K = 0xb7;
    static final int ALU64_MOV_X = 0xbf;
    static final int ALU64_ADD_K = 0x07;
    static final int JA = 0x05;
    static final int JEQ_K = 0x15;
    static final int JNE_K = 0x55;
    static final int JGT_X = 0x2d;
    static final int JSET_K = 0x45;
    static final int CALL = 0x85;
    static final int EXIT = 0x95;
    /** {@code BPF_PSEUDO_MAP_FD}: the source register of a 64-bit load whose immediate is a map's fd. */
    static final int PSEUDO_MAP_FD = 1;

    private record Fixup(int at, String label) {
    }

    private final List<Long> code = new ArrayList<>();
    private final List<Fixup> fixups = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    /**
     * Encodes one instruction.
     *
     * @param opcode the opcode byte
     * @param dst the destination register
     * @param src the source register
     * @param offset the signed 16-bit offset
     * @param imm the signed 32-bit immediate
     * @return the instruction, as the kernel reads it little-endian
     */
    public static long encode(int opcode, int dst, int src, int offset, int imm) {
        if (dst < 0 || dst > 10 || src < 0 || src > 10) {
            throw new IllegalArgumentException("no such register: r" + dst + ", r" + src);
        }
        if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset out of range: " + offset);
        }
        return (opcode & 0xFFL) | (long) dst << 8 | (long) src << 12 | (offset & 0xFFFFL) << 16
                | (imm & 0xFFFFFFFFL) << 32;
    }

    private Ebpf emit(int opcode, int dst, int src, int offset, int imm) {
        code.add(encode(opcode, dst, src, offset, imm));
        return this;
    }

    /**
     * {@code dst = *(size *)(src + offset)}.
     *
     * @param size {@link #W}, {@link #H}, {@link #B} or {@link #DW}
     * @param dst register
     * @param src register
     * @param offset offset
     * @return this
     */
    public Ebpf load(int size, int dst, int src, int offset) {
        return emit(LDX_MEM | size, dst, src, offset, 0);
    }

    /**
     * {@code *(size *)(dst + offset) = src}.
     *
     * @param size access size
     * @param dst register
     * @param offset offset
     * @param src register
     * @return this
     */
    public Ebpf store(int size, int dst, int offset, int src) {
        return emit(STX_MEM | size, dst, src, offset, 0);
    }

    /** {@code dst = imm} (64-bit). @param dst register @param imm value @return this */
    public Ebpf mov(int dst, int imm) {
        return emit(ALU64_MOV_K, dst, 0, 0, imm);
    }

    /** {@code dst = src} (64-bit). @param dst register @param src register @return this */
    public Ebpf movReg(int dst, int src) {
        return emit(ALU64_MOV_X, dst, src, 0, 0);
    }

    /** {@code dst += imm} (64-bit). @param dst register @param imm value @return this */
    public Ebpf add(int dst, int imm) {
        return emit(ALU64_ADD_K, dst, 0, 0, imm);
    }

    /**
     * Loads a map's file descriptor as a map pointer: the two-instruction {@code BPF_LD_IMM64}
     * with {@code BPF_PSEUDO_MAP_FD}, which the kernel replaces by the map's address.
     *
     * @param dst register
     * @param mapFd the map's descriptor
     * @return this
     */
    public Ebpf loadMap(int dst, int mapFd) {
        emit(LD_IMM64, dst, PSEUDO_MAP_FD, 0, mapFd);
        return emit(0, 0, 0, 0, 0);
    }

    /** Calls a helper function. @param helper its number ({@code BPF_FUNC_*}) @return this */
    public Ebpf call(int helper) {
        return emit(CALL, 0, 0, 0, helper);
    }

    /** Returns r0. @return this */
    public Ebpf exit() {
        return emit(EXIT, 0, 0, 0, 0);
    }

    /** Jumps to a label. @param label where to @return this */
    public Ebpf jump(String label) {
        return jump(JA, 0, 0, 0, label);
    }

    /** Jumps if {@code dst == imm}. @param dst register @param imm value @param label where to @return this */
    public Ebpf jumpIfEqual(int dst, int imm, String label) {
        return jump(JEQ_K, dst, 0, imm, label);
    }

    /** Jumps if {@code dst != imm}. @param dst register @param imm value @param label where to @return this */
    public Ebpf jumpIfNotEqual(int dst, int imm, String label) {
        return jump(JNE_K, dst, 0, imm, label);
    }

    /**
     * Jumps if {@code dst > src}, unsigned.
     *
     * @param dst register
     * @param src register
     * @param label where to
     * @return this
     */
    public Ebpf jumpIfGreater(int dst, int src, String label) {
        return jump(JGT_X, dst, src, 0, label);
    }

    /** Jumps if {@code dst & imm} is not 0. @param dst register @param imm bits @param label where to @return this */
    public Ebpf jumpIfAnySet(int dst, int imm, String label) {
        return jump(JSET_K, dst, 0, imm, label);
    }

    private Ebpf jump(int opcode, int dst, int src, int imm, String label) {
        fixups.add(new Fixup(code.size(), label));
        return emit(opcode, dst, src, 0, imm);
    }

    /** Binds a label to the next instruction. @param name the label, unique @return this */
    public Ebpf label(String name) {
        if (labels.putIfAbsent(name, code.size()) != null) {
            throw new IllegalStateException("label bound twice: " + name);
        }
        return this;
    }

    /**
     * Resolves the jumps and returns the program.
     *
     * @return the instructions, one {@code long} each
     * @throws IllegalStateException if a label is missing or a jump goes backwards
     */
    public long[] code() {
        long[] out = new long[code.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = code.get(i);
        }
        for (Fixup f : fixups) {
            Integer target = labels.get(f.label());
            if (target == null) {
                throw new IllegalStateException("no label " + f.label());
            }
            int offset = target - f.at() - 1;
            if (offset < 0) {
                throw new IllegalStateException("backward jump to " + f.label() + ": eBPF programs here only jump ahead");
            }
            out[f.at()] = out[f.at()] & ~(0xFFFFL << 16) | (long) offset << 16;
        }
        return out;
    }
}

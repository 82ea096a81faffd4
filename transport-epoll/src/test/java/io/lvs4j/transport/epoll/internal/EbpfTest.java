package io.lvs4j.transport.epoll.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Encoding of eBPF instructions against {@code struct bpf_insn} as the kernel reads it (little-endian). */
class EbpfTest {

    @Test
    void shouldPackCodeRegistersOffsetAndImmediateLittleEndian() {
        // r2 = *(u32 *)(r1 + 4): code 0x61, dst 2, src 1, off 4 -> bytes 61 12 04 00 00 00 00 00
        assertEquals(0x0000_0000_0004_1261L, Ebpf.encode(0x61, 2, 1, 4, 0));
        // r0 = -1: code 0xb7, imm 0xffffffff in the high word
        assertEquals(0xFFFF_FFFF_0000_00B7L, Ebpf.encode(0xb7, 0, 0, 0, -1));
        // a negative offset keeps 16 bits: *(u32 *)(r10 - 4) = r8 -> 63 8a fc ff
        assertEquals(0x0000_0000_FFFC_8A63L, Ebpf.encode(0x63, 10, 8, -4, 0));
    }

    @Test
    void shouldEncodeAMapLoadAsTwoInstructionsWithThePseudoSource() {
        long[] code = new Ebpf().loadMap(Ebpf.R1, 7).code();
        assertArrayEquals(new long[] {0x0000_0007_0000_1118L, 0L}, code);
    }

    @Test
    void shouldResolveForwardJumpsRelativeToTheNextInstruction() {
        long[] code = new Ebpf().jumpIfEqual(Ebpf.R0, 0, "out").mov(Ebpf.R0, 1).exit().label("out").mov(Ebpf.R0, 2)
                .exit().code();
        assertEquals(5, code.length);
        assertEquals(2, (short) (code[0] >>> 16), "skips two instructions");
        assertEquals(0x15, (int) (code[0] & 0xFF));
    }

    @Test
    void shouldRefuseBackwardJumpsMissingLabelsAndBadRegisters() {
        Ebpf back = new Ebpf().label("top").jump("top");
        assertThrows(IllegalStateException.class, back::code);
        assertThrows(IllegalStateException.class, new Ebpf().jump("nowhere")::code);
        assertThrows(IllegalArgumentException.class, () -> Ebpf.encode(0xb7, 11, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Ebpf.encode(0x61, 0, 1, 40_000, 0));
    }

    @Test
    void shouldBoundEveryPacketReadByTheLengthCheckFirst() {
        long[] code = XdpProgram.build(3, 4);
        // instruction 5 is "if r4 > r3 goto pass" with r4 = data + 34: every later read is below 34.
        assertEquals(0x2d, (int) (code[5] & 0xFF));
        assertEquals(4, (int) (code[5] >>> 8) & 0xF);
        assertEquals(3, (int) (code[5] >>> 12) & 0xF);
        assertEquals(XdpProgram.MINIMUM, (int) (code[4] >>> 32));
        for (int i = 6; i < code.length; i++) {
            int opcode = (int) (code[i] & 0xFF);
            int src = (int) (code[i] >>> 12) & 0xF;
            if ((opcode & 0x07) == 0x01 && src == Ebpf.R2) { // BPF_LDX from the packet pointer
                int size = switch (opcode & 0x18) {
                    case Ebpf.W -> 4;
                    case Ebpf.H -> 2;
                    case Ebpf.B -> 1;
                    default -> 8;
                };
                assertEquals(true, (short) (code[i] >>> 16) + size <= XdpProgram.MINIMUM, "read at instruction " + i);
            }
        }
        assertEquals(0x95, (int) (code[code.length - 1] & 0xFF), "ends with exit");
    }
}

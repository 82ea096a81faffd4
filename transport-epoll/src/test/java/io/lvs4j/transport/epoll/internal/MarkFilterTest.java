package io.lvs4j.transport.epoll.internal;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The marked socket's filter, run by the test interpreter of classic BPF. */
class MarkFilterTest {

    private static final int IPV4 = 0x0800;
    private static final byte[] PACKET = new byte[40];
    private static final long KEEP = 0xFFFF_FFFFL;

    @Test
    void shouldKeepThePacketsOfTheGivenMarksWholeAndDropTheRest() {
        int[][] program = MarkFilter.program(new int[] {7, 0x10000, 7});
        assertEquals(KEEP, ClassicBpf.run(program, IPV4, PACKET, 7));
        assertEquals(KEEP, ClassicBpf.run(program, IPV4, PACKET, 0x10000));
        assertEquals(0, ClassicBpf.run(program, IPV4, PACKET, 0), "unmarked");
        assertEquals(0, ClassicBpf.run(program, IPV4, PACKET, 8));
        assertEquals(0, ClassicBpf.run(program, IPV4, PACKET, 0x10007), "the whole 32 bits are compared");
        assertEquals(5, program.length, "the mark twice is tested once");
    }

    /** The interpreter reads what the program names; this pins the name to linux/filter.h's. */
    @Test
    void shouldLoadTheMarkAtSkfAdOffPlusSkfAdMark() {
        int[] load = MarkFilter.program(new int[] {7})[0];
        assertEquals(0x20, load[0], "ld [k], a word");
        assertEquals(-0x1000 + 20, load[3], "SKF_AD_OFF + SKF_AD_MARK (20; 8 would be SKF_AD_IFINDEX)");
    }

    @Test
    void shouldKeepNothingWithoutMarks() {
        int[][] program = MarkFilter.program(new int[0]);
        assertEquals(0, ClassicBpf.run(program, IPV4, PACKET, 7));
        assertEquals(0, ClassicBpf.run(program, IPV4, PACKET, 0));
    }

    @Test
    void shouldReachTheKeepingReturnFromTheLastOfTheMostMarksAJumpCanSpan() {
        int[] marks = IntStream.rangeClosed(1, MarkFilter.MAX_MARKS).toArray();
        int[][] program = MarkFilter.program(marks);
        assertEquals(KEEP, ClassicBpf.run(program, IPV4, PACKET, 1));
        assertEquals(KEEP, ClassicBpf.run(program, IPV4, PACKET, MarkFilter.MAX_MARKS));
        assertEquals(0, ClassicBpf.run(program, IPV4, PACKET, MarkFilter.MAX_MARKS + 1));
        assertThrows(IllegalArgumentException.class,
                () -> MarkFilter.program(IntStream.rangeClosed(1, MarkFilter.MAX_MARKS + 1).toArray()));
        assertThrows(IllegalArgumentException.class, () -> MarkFilter.program(new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> MarkFilter.program(new int[] {-1}));
    }
}

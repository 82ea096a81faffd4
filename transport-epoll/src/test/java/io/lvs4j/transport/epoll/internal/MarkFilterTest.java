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

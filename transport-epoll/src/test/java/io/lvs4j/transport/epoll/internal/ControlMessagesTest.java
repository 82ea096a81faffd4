package io.lvs4j.transport.epoll.internal;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The control messages of a received message, laid out as 64-bit Linux writes them. */
class ControlMessagesTest {

    private static final int SOL_IP = 0;
    private static final int IP_TTL = 2;

    /** Writes one message at {@code at}; @return where the next one starts (CMSG_SPACE). */
    private static long message(MemorySegment control, long at, int level, int type, int value) {
        control.set(JAVA_LONG_UNALIGNED, at, ControlMessages.HEADER + 4); // CMSG_LEN(4)
        control.set(JAVA_INT_UNALIGNED, at + 8, level);
        control.set(JAVA_INT_UNALIGNED, at + 12, type);
        control.set(JAVA_INT_UNALIGNED, at + 16, value);
        return at + ControlMessages.SPACE_U32;
    }

    @Test
    void shouldReadTheMarkOfAnSoMarkMessageAtTheGivenOffset() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = arena.allocate(256);
            long end = message(control, 64, Libc.SOL_SOCKET, Libc.SO_MARK, 7);
            assertEquals(24, end - 64, "CMSG_SPACE(4) on 64-bit Linux");
            assertEquals(7, ControlMessages.mark(control, 64, end - 64));
            message(control, 128, Libc.SOL_SOCKET, Libc.SO_MARK, 0xFFFF_FFFE);
            assertEquals(0xFFFF_FFFE, ControlMessages.mark(control, 128, 24), "all 32 bits");
        }
    }

    @Test
    void shouldSkipOtherMessagesAndFindNoMarkWhereThereIsNone() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = arena.allocate(128);
            long next = message(control, 0, SOL_IP, IP_TTL, 64);
            long end = message(control, next, Libc.SOL_SOCKET, Libc.SO_MARK, 42);
            assertEquals(42, ControlMessages.mark(control, 0, end), "after a message of another kind");
            assertEquals(0, ControlMessages.mark(control, 0, next), "only the other kind");
            assertEquals(0, ControlMessages.mark(control, 0, 0), "msg_controllen 0: no message");
            assertEquals(0, ControlMessages.mark(control, 0, 10), "shorter than a header");
            control.set(JAVA_LONG_UNALIGNED, 0, 4000L);
            assertEquals(0, ControlMessages.mark(control, 0, end), "a length past the buffer ends the walk");
            control.set(JAVA_LONG_UNALIGNED, 0, 0L);
            assertEquals(0, ControlMessages.mark(control, 0, end), "a zero length ends it too, no endless loop");
        }
    }
}

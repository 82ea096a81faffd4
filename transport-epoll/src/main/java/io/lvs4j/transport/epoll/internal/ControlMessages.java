package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Reads the control messages ({@code struct cmsghdr}, {@code <sys/socket.h>}) of a received
 * message on 64-bit Linux: {@code size_t cmsg_len; int cmsg_level; int cmsg_type;} then the
 * data, each message aligned to 8 bytes. Allocation-free; stateless.
 */
public final class ControlMessages {

    /** {@code sizeof(struct cmsghdr)}: the header before each message's data. */
    public static final int HEADER = 16;
    /** {@code CMSG_SPACE(sizeof(uint32_t))}: the room one 4-byte message takes. */
    public static final int SPACE_U32 = HEADER + 8;
    private static final long LEVEL = 8;
    private static final long TYPE = 12;

    private ControlMessages() {
    }

    /**
     * Finds the packet's mark among the control messages {@code SO_RCVMARK} adds (a message of
     * level {@code SOL_SOCKET}, type {@code SO_MARK}, a 4-byte {@code uint32}).
     *
     * @param control the control buffer
     * @param offset where the message's control data starts
     * @param length {@code msg_controllen} as the kernel returned it
     * @return the mark, 0 if there is none
     */
    public static int mark(MemorySegment control, long offset, long length) {
        long at = 0;
        while (at + HEADER <= length) {
            long len = control.get(JAVA_LONG_UNALIGNED, offset + at);
            if (len < HEADER || at + len > length) {
                return 0;
            }
            if (control.get(JAVA_INT_UNALIGNED, offset + at + LEVEL) == Libc.SOL_SOCKET
                    && control.get(JAVA_INT_UNALIGNED, offset + at + TYPE) == Libc.SO_MARK && len >= HEADER + 4) {
                return control.get(JAVA_INT_UNALIGNED, offset + at + HEADER);
            }
            at += (len + 7) & ~7L;
        }
        return 0;
    }
}

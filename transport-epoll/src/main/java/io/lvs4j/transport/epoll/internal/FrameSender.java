package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.MemorySegment;

/** Sends a frame a loop built (an ARP reply, a tunnel packet): copied out before it returns. */
@FunctionalInterface
public interface FrameSender {

    /**
     * Sends a frame.
     *
     * @param frame memory holding the frame
     * @param offset where it starts
     * @param length its length in bytes
     * @return {@code true} if it was queued or sent
     */
    boolean send(MemorySegment frame, long offset, int length);
}

package io.lvs4j.transport.epoll;

import java.lang.foreign.MemorySegment;

/**
 * A received frame as the director's data path reads it: its memory and the offload state the
 * kernel reported. {@link PacketFrame} is the real one; tests give plain frames.
 */
interface ReceivedFrame {

    /** @return the memory holding the frame */
    MemorySegment buffer();

    /** @return where the Ethernet header starts in {@link #buffer()} */
    long offset();

    /** @return the frame length in bytes */
    int length();

    /** @return {@code true} if the L4 checksum is partial (the pseudo-header sum), completed on transmit */
    boolean needsChecksum();

    /** @return the virtio-net GSO type, 0 for a plain frame */
    int gsoType();

    /** @return the segment size of a GSO super-frame, 0 otherwise */
    int gsoSize();

    /**
     * @return the packet's firewall mark ({@code skb->mark}), as a marked socket reports it with
     *     {@code SO_RCVMARK}; 0 for a frame of the main sockets, which see no mark
     */
    default int mark() {
        return 0;
    }
}

package io.lvs4j.transport.epoll;

/** How a {@link PacketDirector}'s data path receives and sends frames. */
public enum Transport {
    /** {@code AF_PACKET} sockets, one per loop ({@link PacketSocket}): the default. */
    PACKET,
    /**
     * An XDP program redirecting the forwarded IPv4 frames to {@code AF_XDP} sockets, beside the
     * packet sockets, which keep every other frame; the packet sockets alone where the kernel
     * refuses XDP (the reason logged once).
     */
    XDP
}

package io.lvs4j.transport.epoll.internal;

/** What a socket of the transport counts on its loop, in {@code io.lvs4j.core.status.LoopCounters}. */
public enum SocketCounter {
    /** Packets or frames received. */
    RX_PACKETS,
    /** Bytes received. */
    RX_BYTES,
    /** Frames received cut short by the receive buffer. */
    RX_TRUNCATED,
    /** Receive calls that failed. */
    RX_ERRORS,
    /** Receive calls that returned at least one frame. */
    RX_BATCHES,
    /** Packets or frames sent. */
    TX_PACKETS,
    /** Bytes sent. */
    TX_BYTES,
    /** Frames given to send that were not sent. */
    TX_DROPPED,
    /** Send calls that failed. */
    TX_ERRORS
}

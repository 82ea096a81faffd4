package io.lvs4j.core.sync;

import java.lang.foreign.MemorySegment;

/**
 * Takes each finished sync datagram from a {@link SyncMessageWriter}: sends it, or copies it
 * into a send queue. The memory is the writer's and is reused as soon as the call returns.
 */
@FunctionalInterface
public interface SyncDatagramSink {

    /**
     * Takes one datagram.
     *
     * @param datagram the writer's buffer; the datagram starts at offset 0
     * @param length the datagram's length, its header's {@code size}
     */
    void send(MemorySegment datagram, int length);
}

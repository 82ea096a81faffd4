package io.lvs4j.transport.epoll;

import java.lang.foreign.MemorySegment;

/**
 * Receives the frames of one {@link PacketSocket}, on its event loop thread. One handler per
 * socket, so a handler needs no lock; it must not block and should not allocate per frame.
 */
@FunctionalInterface
public interface FrameHandler {

    /**
     * Handles one received frame. The frame and its memory are valid only during this call;
     * call {@link PacketFrame#forward()} to transmit it (as rewritten in place) after the batch.
     *
     * @param frame the frame, a flyweight reused for every frame
     */
    void onFrame(PacketFrame frame);

    /** Called after each received batch, once its forwarded frames are sent. */
    default void onBatchEnd() {
    }

    /**
     * Tells whether the handler wants {@link #preview} of this batch's frames; asked before
     * each received batch, so a handler may want it only while it pays.
     *
     * @return false unless overridden
     */
    default boolean previews() {
        return false;
    }

    /**
     * Shows one frame of a received batch before {@link #onFrame} is called for any frame of
     * it, so that the handler can start the memory reads the batch's frames will need (its
     * connection lookups) all at once and have them overlap. It may only warm caches: it must
     * not change what {@link #onFrame} does, as an earlier frame of the batch may change the
     * state a later one finds. Only if {@link #previews()}.
     *
     * @param memory the frame's memory, to read only, valid during this call
     * @param offset where its Ethernet header starts
     * @param length its length
     */
    default void preview(MemorySegment memory, long offset, int length) {
    }

    /** Called once every frame of a batch was {@linkplain #preview previewed}, before the first {@link #onFrame}. */
    default void previewed() {
    }
}

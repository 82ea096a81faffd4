package io.lvs4j.transport.epoll;

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
}

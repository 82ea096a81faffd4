package io.lvs4j.transport.epoll;

import java.lang.foreign.MemorySegment;

/**
 * The handler of one data socket, a packet socket's or an AF_XDP socket's ({@link XskPump}):
 * shows each received batch to its loop's {@link DataPath} first ({@link DataPath#preview},
 * which starts the batch's connection lookups), then hands it the frames one by one and sends
 * those it forwards on toward their egress.
 */
final class PathHandler implements FrameHandler, XskPump.Handler {

    private final DataPath path;
    private final DataLinks links;
    private final int slot;

    /**
     * Creates the handler of a socket.
     *
     * @param path the data path of the socket's loop
     * @param links the director's interfaces
     * @param slot the slot of the socket's interface in the links
     */
    PathHandler(DataPath path, DataLinks links, int slot) {
        this.path = path;
        this.links = links;
        this.slot = slot;
    }

    /**
     * Creates the handler of an AF_XDP socket: its frames come in on the director's interface,
     * and those forwarded leave by the socket they came in on.
     *
     * @param path the data path of the socket's loop
     */
    PathHandler(DataPath path) {
        this(path, null, 0);
    }

    @Override
    public boolean onFrame(MemorySegment buffer, long offset, int length) {
        return path.onFrame(buffer, offset, length);
    }

    @Override
    public void onFrame(PacketFrame frame) {
        if (path.onFrame(frame, slot)) {
            frame.forward(links.link(path.egress()).index());
        }
    }

    @Override
    public boolean previews() {
        return path.prepassing();
    }

    @Override
    public void preview(MemorySegment memory, long offset, int length) {
        path.preview(memory, offset, length);
    }

    @Override
    public void previewed() {
        path.previewed();
    }
}

package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.Structs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One received Ethernet frame: a flyweight over the receive buffer of a {@link PacketSocket},
 * reused for every frame and valid only during {@link FrameHandler#onFrame}. Read and rewrite
 * the frame in place through {@link #buffer()} from {@link #offset()} for {@link #length()}
 * bytes, then {@link #forward()} it. Not thread-safe: the socket's event loop only.
 *
 * <p>With virtio-net headers on, the offload state the kernel reported comes along: a frame from
 * a local sender may carry a partial checksum ({@link #needsChecksum()}) or be a GSO super-frame
 * ({@link #gsoType()} not 0) larger than the MTU; forwarding it with its header lets the kernel
 * complete the checksum and segment it on transmit.
 */
public final class PacketFrame implements ReceivedFrame {

    /** {@code PACKET_HOST}: addressed to this host's MAC. */
    public static final int PACKET_HOST = 0;
    /** {@code PACKET_BROADCAST}. */
    public static final int PACKET_BROADCAST = 1;
    /** {@code PACKET_MULTICAST}. */
    public static final int PACKET_MULTICAST = 2;
    /** {@code PACKET_OTHERHOST}: addressed to another host's MAC (promiscuous). */
    public static final int PACKET_OTHERHOST = 3;
    /** {@code PACKET_OUTGOING}: sent by this host. */
    public static final int PACKET_OUTGOING = 4;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final PacketSocket socket;
    private final MemorySegment buffer;
    private final boolean vnet;
    private long slot;
    private long offset;
    private int length;
    private int packetType;
    private int mark;
    private boolean forwarded;

    PacketFrame(PacketSocket socket, MemorySegment buffer, boolean vnet) {
        this.socket = socket;
        this.buffer = buffer;
        this.vnet = vnet;
    }

    void wrap(long slot, long offset, int length, int packetType, int fwmark) {
        this.slot = slot;
        this.offset = offset;
        this.length = length;
        this.packetType = packetType;
        this.mark = fwmark;
        this.forwarded = false;
    }

    /** @return the packet's firewall mark, reported by a marked socket only; 0 otherwise */
    @Override
    public int mark() {
        return mark;
    }

    /** @return the socket that received the frame */
    public PacketSocket socket() {
        return socket;
    }

    /** @return the receive buffer holding the frame (the same segment for every frame of the socket) */
    public MemorySegment buffer() {
        return buffer;
    }

    /** @return where the Ethernet header starts in {@link #buffer()} */
    public long offset() {
        return offset;
    }

    /** @return the frame length in bytes, from the Ethernet header on */
    public int length() {
        return length;
    }

    /** @return the {@code sll_pkttype} of the frame, such as {@link #PACKET_HOST} */
    public int packetType() {
        return packetType;
    }

    /** @return {@code true} if the L4 checksum is partial, to be completed on transmit */
    public boolean needsChecksum() {
        return vnet && (buffer.get(ValueLayout.JAVA_BYTE, slot + Structs.VNET_FLAGS) & Structs.VNET_F_NEEDS_CSUM) != 0;
    }

    /** @return the virtio-net GSO type: 0 for a plain frame, else a super-frame the kernel segments on transmit */
    public int gsoType() {
        return vnet ? buffer.get(ValueLayout.JAVA_BYTE, slot + Structs.VNET_GSO_TYPE) & 0xFF : 0;
    }

    /** @return the segment size of a GSO super-frame, 0 otherwise */
    public int gsoSize() {
        return vnet ? buffer.get(U16, slot + Structs.VNET_GSO_SIZE) & 0xFFFF : 0;
    }

    /**
     * Queues this frame, as it is now in the buffer, for transmission on its socket with its
     * virtio-net header; the batch is sent after the handler has seen every received frame.
     *
     * @return {@code true} if queued, {@code false} if already queued
     */
    public boolean forward() {
        return forward(socket.link().index());
    }

    /**
     * Queues this frame as {@link #forward()} does, to leave on another interface of the socket's
     * network namespace (the data path's egress toward the frame's next hop).
     *
     * @param ifindex the interface's index; the socket's own sends as {@link #forward()}
     * @return {@code true} if queued, {@code false} if already queued
     */
    public boolean forward(int ifindex) {
        if (forwarded) {
            return false;
        }
        forwarded = true;
        socket.queueForward(slot, (int) (offset - slot) + length, ifindex);
        return true;
    }
}

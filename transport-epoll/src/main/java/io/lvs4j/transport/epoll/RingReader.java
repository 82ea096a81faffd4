package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.Structs;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The reading side of a {@code TPACKET_V3} receive ring mapped by a {@link PacketSocket}: walks
 * the blocks the kernel has retired to user space, in ring order, hands each frame to the
 * socket in place, and gives the block back once the socket has sent what it forwarded from
 * it (frames are rewritten and sent from the ring's memory, so the block must stay ours until
 * then).
 *
 * <p>A block's {@code block_status} is read with acquire and written back with release
 * semantics, the kernel's side of the same protocol ({@code smp_rmb}/{@code smp_wmb} around
 * {@code TP_STATUS_USER}). Not thread-safe: the socket's loop only.
 */
final class RingReader {

    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final int blockBytes;
    private final int blocks;
    private int next;

    RingReader(MemorySegment ring, int blockBytes, int blocks) {
        this.ring = ring;
        this.blockBytes = blockBytes;
        this.blocks = blocks;
    }

    /** @return the mapped ring, which frames point into */
    MemorySegment memory() {
        return ring;
    }

    /** Shows the frames of a block to the socket's handler before it handles them ({@link FrameHandler#preview}). */
    private void preview(PacketSocket socket, int vnetLength, int frames, long first) {
        long header = first;
        for (int i = 0; i < frames; i++) {
            int stored = ring.get(JAVA_INT, header + Structs.TP3_SNAPLEN);
            long mac = header + (ring.get(JAVA_SHORT, header + Structs.TP3_MAC) & 0xFFFF);
            socket.preview(mac - vnetLength, stored + vnetLength);
            int step = ring.get(JAVA_INT, header + Structs.TP3_NEXT_OFFSET);
            if (step == 0) {
                break;
            }
            header += Integer.toUnsignedLong(step);
        }
        socket.previewed();
    }

    /**
     * Reads the next retired block, if there is one, and gives it back to the kernel.
     *
     * @param socket the socket to hand the frames to
     * @param vnetLength the length of the virtio-net header before each frame, 0 without
     * @return the number of frames in the block, or -1 if the kernel has retired no block
     */
    int readBlock(PacketSocket socket, int vnetLength) {
        long block = (long) next * blockBytes;
        int status = (int) INT.getAcquire(ring, block + Structs.BLOCK_STATUS);
        if ((status & Libc.TP_STATUS_USER) == 0) {
            return -1;
        }
        int frames = ring.get(JAVA_INT, block + Structs.BLOCK_NUM_PKTS);
        long header = block + Integer.toUnsignedLong(ring.get(JAVA_INT, block + Structs.BLOCK_FIRST_PKT));
        if (socket.previews()) {
            preview(socket, vnetLength, frames, header);
        }
        for (int i = 0; i < frames; i++) {
            int stored = ring.get(JAVA_INT, header + Structs.TP3_SNAPLEN);
            int length = ring.get(JAVA_INT, header + Structs.TP3_LEN);
            long mac = header + (ring.get(JAVA_SHORT, header + Structs.TP3_MAC) & 0xFFFF);
            int packetType = ring.get(JAVA_BYTE, header + Structs.TPACKET3_SLL + Structs.SLL_PKTTYPE) & 0xFF;
            socket.receive(mac - vnetLength, stored + vnetLength, stored < length, packetType, 0);
            int step = ring.get(JAVA_INT, header + Structs.TP3_NEXT_OFFSET);
            if (step == 0) {
                break;
            }
            header += Integer.toUnsignedLong(step);
        }
        socket.endBatch();
        INT.setRelease(ring, block + Structs.BLOCK_STATUS, Libc.TP_STATUS_KERNEL);
        next = next + 1 == blocks ? 0 : next + 1;
        return frames;
    }
}

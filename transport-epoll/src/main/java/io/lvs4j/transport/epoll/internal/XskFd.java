package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An {@code AF_XDP} socket as {@code Documentation/networking/af_xdp.rst} sets one up: a UMEM
 * registered ({@code XDP_UMEM_REG}, {@code struct xdp_umem_reg}), the four rings sized and
 * mapped at the offsets {@code XDP_MMAP_OFFSETS} reports ({@code struct xdp_mmap_offsets}),
 * and the socket bound to one queue of one interface ({@code struct sockaddr_xdp}). Opening
 * either returns the whole set or releases everything it made. Not thread-safe.
 */
public final class XskFd implements AutoCloseable {

    /** {@code AF_XDP}. */
    public static final int AF_XDP = 44;
    /** {@code SOL_XDP}. */
    public static final int SOL_XDP = 283;
    static final int XDP_MMAP_OFFSETS = 1;
    static final int XDP_RX_RING = 2;
    static final int XDP_TX_RING = 3;
    static final int XDP_UMEM_REG = 4;
    static final int XDP_UMEM_FILL_RING = 5;
    static final int XDP_UMEM_COMPLETION_RING = 6;
    static final int XDP_STATISTICS = 7;
    static final long PGOFF_RX_RING = 0;
    static final long PGOFF_TX_RING = 0x80000000L;
    static final long PGOFF_FILL_RING = 0x100000000L;
    static final long PGOFF_COMPLETION_RING = 0x180000000L;
    /** {@code struct xdp_umem_reg}: addr @0, len @8, chunk_size @16, headroom @20, flags @24, tx_metadata_len @28. */
    static final int UMEM_REG_SIZE = 32;
    /** {@code struct xdp_mmap_offsets}: rx, tx, fr, cr, each {@code struct xdp_ring_offset} of 4 {@code u64}. */
    static final int MMAP_OFFSETS_SIZE = 128;
    /** {@code struct xdp_ring_offset}: producer @0, consumer @8, desc @16, flags @24. */
    static final int RING_OFFSET_SIZE = 32;
    /** {@code struct sockaddr_xdp}: family @0, flags @2, ifindex @4, queue_id @8, shared_umem_fd @12. */
    static final int SOCKADDR_XDP_SIZE = 16;
    /** {@code struct xdp_desc}: addr @0 ({@code u64}), len @8, options @12. */
    public static final int DESC_SIZE = 16;
    /** Offset of {@code len} in {@code struct xdp_desc}. */
    public static final int DESC_LEN = 8;
    /** {@code MAP_POPULATE}: the rings' pages are mapped at once, not at the first touch on the loop. */
    static final int MAP_POPULATE = 0x8000;
    /** {@code struct xdp_statistics}: six {@code u64} counters. */
    static final int STATISTICS_SIZE = 48;

    private final int fd;
    private final MemorySegment umem;
    private final XskRing rx;
    private final XskRing tx;
    private final XskRing fill;
    private final XskRing completion;
    private final long txFlags;
    private final long fillFlags;

    private XskFd(int fd, MemorySegment umem, XskRing rx, XskRing tx, XskRing fill, XskRing completion, long txFlags,
            long fillFlags) {
        this.fd = fd;
        this.umem = umem;
        this.rx = rx;
        this.tx = tx;
        this.fill = fill;
        this.completion = completion;
        this.txFlags = txFlags;
        this.fillFlags = fillFlags;
    }

    /**
     * Opens a socket over a UMEM and binds it to a queue.
     *
     * @param umem the UMEM, page-aligned, a multiple of {@code chunk} bytes; the caller frees it after {@link #close}
     * @param chunk the frame size of the UMEM (2048 or 4096)
     * @param ringSize the entries of each of the four rings, a power of two
     * @param ifindex the interface
     * @param queue the receive queue
     * @return the socket
     * @throws NativeIoException if a call fails (what was made is released)
     */
    public static XskFd open(MemorySegment umem, int chunk, int ringSize, int ifindex, int queue)
            throws NativeIoException {
        int fd = PacketSocketFd.open(AF_XDP, Libc.SOCK_RAW, 0);
        MemorySegment[] maps = new MemorySegment[4];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = arena.allocate(UMEM_REG_SIZE, 8);
            reg.set(JAVA_LONG, 0, umem.address());
            reg.set(JAVA_LONG, 8, umem.byteSize());
            reg.set(JAVA_INT, 16, chunk);
            PacketSocketFd.setOption(fd, SOL_XDP, XDP_UMEM_REG, reg, UMEM_REG_SIZE, "XDP_UMEM_REG");
            for (int ring : new int[] {XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING, XDP_RX_RING, XDP_TX_RING}) {
                PacketSocketFd.setInt(fd, SOL_XDP, ring, ringSize);
            }
            MemorySegment off = arena.allocate(MMAP_OFFSETS_SIZE, 8);
            MemorySegment len = arena.allocateFrom(JAVA_INT, MMAP_OFFSETS_SIZE);
            MemorySegment cs = Libc.newCallState(arena);
            if (Libc.getsockopt(cs, fd, SOL_XDP, XDP_MMAP_OFFSETS, off, len) < 0) {
                throw new NativeIoException("getsockopt(XDP_MMAP_OFFSETS)", Libc.errno(cs));
            }
            long[] pgoff = {PGOFF_RX_RING, PGOFF_TX_RING, PGOFF_FILL_RING, PGOFF_COMPLETION_RING};
            XskRing[] rings = new XskRing[4];
            for (int i = 0; i < 4; i++) {
                long base = (long) i * RING_OFFSET_SIZE;
                int entry = i < 2 ? DESC_SIZE : 8;
                long desc = off.get(JAVA_LONG, base + 16);
                maps[i] = map(cs, fd, desc + (long) ringSize * entry, pgoff[i]);
                rings[i] = new XskRing(maps[i], off.get(JAVA_LONG, base), off.get(JAVA_LONG, base + 8), desc, entry,
                        ringSize);
            }
            MemorySegment sa = arena.allocate(SOCKADDR_XDP_SIZE, 4);
            sa.set(JAVA_SHORT, 0, (short) AF_XDP);
            sa.set(JAVA_INT, 4, ifindex);
            sa.set(JAVA_INT, 8, queue);
            if (Libc.bind(cs, fd, sa, SOCKADDR_XDP_SIZE) < 0) {
                throw new NativeIoException("bind(AF_XDP ifindex " + ifindex + " queue " + queue + ")", Libc.errno(cs));
            }
            return new XskFd(fd, umem, rings[0], rings[1], rings[2], rings[3], off.get(JAVA_LONG, RING_OFFSET_SIZE + 24),
                    off.get(JAVA_LONG, 2 * RING_OFFSET_SIZE + 24));
        } catch (NativeIoException | RuntimeException e) {
            for (MemorySegment m : maps) {
                if (m != null) {
                    PacketSocketFd.unmap(m);
                }
            }
            PacketSocketFd.close(fd);
            throw e;
        }
    }

    private static MemorySegment map(MemorySegment cs, int fd, long length, long offset) throws NativeIoException {
        MemorySegment m = Libc.mmap(cs, MemorySegment.NULL, length, Libc.PROT_READ_WRITE, Libc.MAP_SHARED | MAP_POPULATE,
                fd, offset);
        if (m.address() == -1L) {
            throw new NativeIoException("mmap of an AF_XDP ring at page offset 0x" + Long.toHexString(offset),
                    Libc.errno(cs));
        }
        return m;
    }

    /** @return the socket's descriptor */
    public int fd() {
        return fd;
    }

    /** @return the UMEM */
    public MemorySegment umem() {
        return umem;
    }

    /** @return the receive ring (user space consumes {@code struct xdp_desc}) */
    public XskRing rx() {
        return rx;
    }

    /** @return the transmit ring (user space produces {@code struct xdp_desc}) */
    public XskRing tx() {
        return tx;
    }

    /** @return the fill ring (user space produces UMEM addresses for the kernel to receive into) */
    public XskRing fill() {
        return fill;
    }

    /** @return the completion ring (user space consumes the UMEM addresses the kernel has sent) */
    public XskRing completion() {
        return completion;
    }

    /** @return the offset of the transmit ring's flags word in its mapping */
    public long txFlags() {
        return txFlags;
    }

    /** @return the offset of the fill ring's flags word in its mapping */
    public long fillFlags() {
        return fillFlags;
    }

    /**
     * Reads {@code XDP_STATISTICS}.
     *
     * @return rx_dropped, rx_invalid_descs, tx_invalid_descs, rx_ring_full, rx_fill_ring_empty_descs, tx_ring_empty_descs
     * @throws NativeIoException if {@code getsockopt(2)} fails
     */
    public long[] statistics() throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(STATISTICS_SIZE, 8);
            MemorySegment len = arena.allocateFrom(JAVA_INT, STATISTICS_SIZE);
            MemorySegment cs = Libc.newCallState(arena);
            if (Libc.getsockopt(cs, fd, SOL_XDP, XDP_STATISTICS, v, len) < 0) {
                throw new NativeIoException("getsockopt(XDP_STATISTICS)", Libc.errno(cs));
            }
            return v.toArray(JAVA_LONG);
        }
    }

    /** Unmaps the rings; the descriptor is closed by its owner (an {@link EpollDescriptor}). */
    @Override
    public void close() {
        for (XskRing ring : new XskRing[] {rx, tx, fill, completion}) {
            PacketSocketFd.unmap(ring.memory());
        }
    }
}

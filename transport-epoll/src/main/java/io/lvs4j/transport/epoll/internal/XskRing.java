package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One of the four single-producer, single-consumer rings of an {@code AF_XDP} socket, as
 * {@code Documentation/networking/af_xdp.rst} describes them: a {@code u32} producer index, a
 * {@code u32} consumer index and a power-of-two array of entries, mapped from the kernel at
 * the offsets {@code XDP_MMAP_OFFSETS} reports. User space produces on the fill and transmit
 * rings and consumes on the receive and completion rings.
 *
 * <p>The indexes run freely and wrap at 2<sup>32</sup>; an entry's slot is the index masked by
 * the size minus one, and the entries between the indexes are {@code producer - consumer}
 * (unsigned). The other side's index is read with acquire semantics before the entries it
 * publishes are touched, and this side's index is written with release semantics after its
 * entries are written or read: the kernel's {@code smp_load_acquire}/{@code smp_store_release}
 * pairing of {@code xsk_queue.h}. Indexes are cached, so a batch costs one acquire and one
 * release. Not thread-safe: the socket's loop only.
 */
public final class XskRing {

    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment memory;
    private final long producer;
    private final long consumer;
    private final long entries;
    private final int entrySize;
    private final int size;
    private final int mask;
    /** This side's index, ahead of what was released while a batch is open. */
    private int local;

    /**
     * Wraps a mapped ring.
     *
     * @param memory the mapping
     * @param producer the producer index's offset
     * @param consumer the consumer index's offset
     * @param entries the entries' offset
     * @param entrySize 8 for the fill and completion rings (an address), 16 for receive and
     *     transmit ({@code struct xdp_desc})
     * @param size the number of entries, a power of two
     */
    public XskRing(MemorySegment memory, long producer, long consumer, long entries, int entrySize, int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two: " + size);
        }
        this.memory = memory;
        this.producer = producer;
        this.consumer = consumer;
        this.entries = entries;
        this.entrySize = entrySize;
        this.size = size;
        this.mask = size - 1;
    }

    /** @return the mapped memory, into which {@link #entry} offsets point */
    public MemorySegment memory() {
        return memory;
    }

    /** @return the number of entries */
    public int size() {
        return size;
    }

    /** Consumer side: @return the entries the producer has published and this side has not read */
    public int available() {
        int published = (int) INT.getAcquire(memory, producer);
        return published - local;
    }

    /** Producer side: @return the entries this side may write now */
    public int free() {
        int released = (int) INT.getAcquire(memory, consumer);
        return size - (local - released);
    }

    /**
     * @param i the entry's position after this side's index (0 for the next one)
     * @return the entry's offset in {@link #memory()}
     */
    public long entry(int i) {
        return entries + (long) ((local + i) & mask) * entrySize;
    }

    /**
     * Consumer side: gives back {@code n} entries read, publishing the new consumer index.
     *
     * @param n entries read, at most {@link #available()}
     */
    public void consumed(int n) {
        local += n;
        INT.setRelease(memory, consumer, local);
    }

    /**
     * Producer side: publishes {@code n} entries written, as the new producer index.
     *
     * @param n entries written, at most {@link #free()}
     */
    public void produced(int n) {
        local += n;
        INT.setRelease(memory, producer, local);
    }

    /**
     * Reads the ring's {@code flags} word.
     *
     * @param flags its offset
     * @return the flags ({@code XDP_RING_NEED_WAKEUP} is bit 0)
     */
    public int flags(long flags) {
        return (int) INT.getAcquire(memory, flags);
    }
}

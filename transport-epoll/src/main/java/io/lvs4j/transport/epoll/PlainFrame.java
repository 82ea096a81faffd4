package io.lvs4j.transport.epoll;

import java.lang.foreign.MemorySegment;

/** A frame given by its memory alone: full checksums, no segmentation offload. Reused. */
final class PlainFrame implements ReceivedFrame {

    private MemorySegment buffer;
    private long offset;
    private int length;
    private int mark;

    PlainFrame wrap(MemorySegment memory, long start, int bytes) {
        return wrap(memory, start, bytes, 0);
    }

    PlainFrame wrap(MemorySegment memory, long start, int bytes, int fwmark) {
        this.buffer = memory;
        this.offset = start;
        this.length = bytes;
        this.mark = fwmark;
        return this;
    }

    @Override
    public int mark() {
        return mark;
    }

    @Override
    public MemorySegment buffer() {
        return buffer;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public boolean needsChecksum() {
        return false;
    }

    @Override
    public int gsoType() {
        return 0;
    }

    @Override
    public int gsoSize() {
        return 0;
    }
}

package io.lvs4j.core.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Big-endian (network byte order), unaligned value layouts and small helpers to read and
 * write unsigned header fields in a {@link MemorySegment}. Every flyweight of this package
 * reads and writes through these layouts, so the byte order is stated once, here.
 */
public final class NetworkOrder {

    /** An unaligned big-endian 16-bit value. */
    public static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** An unaligned big-endian 32-bit value. */
    public static final ValueLayout.OfInt U32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** An unaligned big-endian 64-bit value. */
    public static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private NetworkOrder() {
    }

    /**
     * Reads an unsigned byte.
     *
     * @param segment the memory
     * @param offset the byte offset
     * @return 0 to 255
     */
    public static int u8(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /**
     * Writes a byte.
     *
     * @param segment the memory
     * @param offset the byte offset
     * @param value the low 8 bits are written
     */
    public static void u8(MemorySegment segment, long offset, int value) {
        segment.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    /**
     * Reads an unsigned big-endian 16-bit value.
     *
     * @param segment the memory
     * @param offset the byte offset
     * @return 0 to 65535
     */
    public static int u16(MemorySegment segment, long offset) {
        return segment.get(U16, offset) & 0xFFFF;
    }

    /**
     * Writes a big-endian 16-bit value.
     *
     * @param segment the memory
     * @param offset the byte offset
     * @param value the low 16 bits are written
     */
    public static void u16(MemorySegment segment, long offset, int value) {
        segment.set(U16, offset, (short) value);
    }

    /**
     * Reads a big-endian 32-bit value.
     *
     * @param segment the memory
     * @param offset the byte offset
     * @return the value; IPv4 addresses keep their dotted order from the high byte down
     */
    public static int u32(MemorySegment segment, long offset) {
        return segment.get(U32, offset);
    }

    /**
     * Writes a big-endian 32-bit value.
     *
     * @param segment the memory
     * @param offset the byte offset
     * @param value the value
     */
    public static void u32(MemorySegment segment, long offset, int value) {
        segment.set(U32, offset, value);
    }

    /**
     * Reads a 48-bit big-endian value, such as a MAC address.
     *
     * @param segment the memory
     * @param offset the byte offset
     * @return the value in the low 48 bits
     */
    public static long u48(MemorySegment segment, long offset) {
        return ((long) u16(segment, offset) << 32) | (u32(segment, offset + 2) & 0xFFFF_FFFFL);
    }

    /**
     * Writes a 48-bit big-endian value, such as a MAC address.
     *
     * @param segment the memory
     * @param offset the byte offset
     * @param value the low 48 bits are written
     */
    public static void u48(MemorySegment segment, long offset, long value) {
        u16(segment, offset, (int) (value >>> 32));
        u32(segment, offset + 2, (int) value);
    }
}

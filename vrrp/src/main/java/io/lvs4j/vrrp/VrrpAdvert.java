package io.lvs4j.vrrp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A flyweight over one VRRP advertisement (the IP payload, without the IP header) in a
 * {@link MemorySegment}. All multi-byte fields are big-endian (network order) and read
 * unaligned. No bounds are checked beyond the segment's own: validate a received advert with
 * {@link AdvertValidator} before trusting its fields.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Auth Type   |   Adver Int   |          Checksum             |  v2 (RFC 3768)
 * |(rsvd) |     Max Adver Int     |          Checksum             |  v3 (RFC 5798)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 IP Address (1): 4 bytes (IPv4) or 16 (IPv6)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            ...                                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Authentication Data (1), v2 only              |
 * |                 Authentication Data (2), v2 only              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The v2 interval is in seconds, the v3 interval in centiseconds. The v2 checksum covers the
 * advert alone, the v3 checksum also an IPv4 or IPv6 pseudo-header. Not thread-safe; reuse one
 * instance per thread.
 */
public final class VrrpAdvert {

    /** Offset of the version (high nibble) and type (low nibble) byte. */
    public static final int VERSION_TYPE_OFFSET = 0;
    /** Offset of the virtual router id. */
    public static final int VRID_OFFSET = 1;
    /** Offset of the priority. */
    public static final int PRIORITY_OFFSET = 2;
    /** Offset of the address count. */
    public static final int COUNT_OFFSET = 3;
    /** Offset of the v2 authentication type. */
    public static final int AUTH_TYPE_OFFSET = 4;
    /** Offset of the v2 advert interval (one byte, seconds). */
    public static final int ADVER_INT_OFFSET = 5;
    /** Offset of the v3 reserved nibble and 12-bit max advert interval (centiseconds). */
    public static final int MAX_ADVER_INT_OFFSET = 4;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 6;
    /** Offset of the first address. */
    public static final int ADDRESSES_OFFSET = 8;
    /** Length of the fixed header before the addresses. */
    public static final int HEADER_LENGTH = 8;
    /** Length of the v2 authentication data. */
    public static final int AUTH_DATA_LENGTH = 8;
    /** The only type defined: advertisement. */
    public static final int TYPE_ADVERTISEMENT = 1;
    /** v2 authentication type: none. */
    public static final int AUTH_NONE = 0;
    /** v2 authentication type: simple text password (keepalived's {@code PASS}). */
    public static final int AUTH_PASS = 1;
    /** The IP protocol number of VRRP. */
    public static final int IP_PROTOCOL = 112;
    /** The largest v3 interval in centiseconds (12 bits). */
    public static final int MAX_V3_INTERVAL = 0xfff;

    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MemorySegment segment = MemorySegment.NULL;
    private long offset;

    /** Creates a flyweight pointing at nothing; call {@link #wrap} before use. */
    public VrrpAdvert() {
    }

    /**
     * Points this flyweight at an advert.
     *
     * @param segment the memory holding it
     * @param offset where the advert starts
     * @return this
     */
    public VrrpAdvert wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /** @return the memory this flyweight reads */
    public MemorySegment segment() {
        return segment;
    }

    /** @return where the advert starts in {@link #segment()} */
    public long offset() {
        return offset;
    }

    private int u8(int at) {
        return segment.get(ValueLayout.JAVA_BYTE, offset + at) & 0xff;
    }

    private void u8(int at, int value) {
        segment.set(ValueLayout.JAVA_BYTE, offset + at, (byte) value);
    }

    /** @return the version nibble (2 or 3 when valid) */
    public int version() {
        return u8(VERSION_TYPE_OFFSET) >>> 4;
    }

    /** @return the type nibble (1 when valid) */
    public int type() {
        return u8(VERSION_TYPE_OFFSET) & 0x0f;
    }

    /**
     * Sets version and type.
     *
     * @param version 2 or 3
     * @param type 1 for an advertisement
     * @return this
     */
    public VrrpAdvert versionType(int version, int type) {
        u8(VERSION_TYPE_OFFSET, (version << 4) | (type & 0x0f));
        return this;
    }

    /** @return the virtual router id */
    public int vrid() {
        return u8(VRID_OFFSET);
    }

    /**
     * Sets the virtual router id.
     *
     * @param vrid 1-255
     * @return this
     */
    public VrrpAdvert vrid(int vrid) {
        u8(VRID_OFFSET, vrid);
        return this;
    }

    /** @return the sender's priority (0 means the master is leaving) */
    public int priority() {
        return u8(PRIORITY_OFFSET);
    }

    /**
     * Sets the priority.
     *
     * @param priority 0-255
     * @return this
     */
    public VrrpAdvert priority(int priority) {
        u8(PRIORITY_OFFSET, priority);
        return this;
    }

    /** @return the number of addresses */
    public int addressCount() {
        return u8(COUNT_OFFSET);
    }

    /**
     * Sets the number of addresses.
     *
     * @param count 0-255
     * @return this
     */
    public VrrpAdvert addressCount(int count) {
        u8(COUNT_OFFSET, count);
        return this;
    }

    /** @return the v2 authentication type */
    public int authType() {
        return u8(AUTH_TYPE_OFFSET);
    }

    /**
     * Sets the v2 authentication type.
     *
     * @param authType {@link #AUTH_NONE} or {@link #AUTH_PASS}
     * @return this
     */
    public VrrpAdvert authType(int authType) {
        u8(AUTH_TYPE_OFFSET, authType);
        return this;
    }

    /** @return the v2 advert interval in seconds */
    public int adverIntSeconds() {
        return u8(ADVER_INT_OFFSET);
    }

    /**
     * Sets the v2 advert interval.
     *
     * @param seconds 1-255
     * @return this
     */
    public VrrpAdvert adverIntSeconds(int seconds) {
        u8(ADVER_INT_OFFSET, seconds);
        return this;
    }

    /** @return the v3 max advert interval in centiseconds (the reserved nibble masked off) */
    public int maxAdverIntCentis() {
        return segment.get(U16, offset + MAX_ADVER_INT_OFFSET) & MAX_V3_INTERVAL;
    }

    /**
     * Sets the v3 max advert interval, clearing the reserved nibble.
     *
     * @param centis 1-4095
     * @return this
     */
    public VrrpAdvert maxAdverIntCentis(int centis) {
        segment.set(U16, offset + MAX_ADVER_INT_OFFSET, (short) (centis & MAX_V3_INTERVAL));
        return this;
    }

    /**
     * Returns the interval of this advert in centiseconds, whatever its version.
     *
     * @return seconds times 100 for v2, the field itself for v3
     */
    public int intervalCentis() {
        return version() == 2 ? adverIntSeconds() * 100 : maxAdverIntCentis();
    }

    /** @return the checksum field */
    public int checksum() {
        return segment.get(U16, offset + CHECKSUM_OFFSET) & 0xffff;
    }

    /**
     * Sets the checksum field.
     *
     * @param checksum 16 bits
     * @return this
     */
    public VrrpAdvert checksum(int checksum) {
        segment.set(U16, offset + CHECKSUM_OFFSET, (short) checksum);
        return this;
    }

    /**
     * Returns the offset, relative to the advert, of one address.
     *
     * @param index 0-based
     * @param addressLength 4 or 16
     * @return the relative offset
     */
    public static int addressOffset(int index, int addressLength) {
        return ADDRESSES_OFFSET + index * addressLength;
    }

    /**
     * Returns the offset, relative to the advert, of the v2 authentication data.
     *
     * @param count the number of IPv4 addresses
     * @return the relative offset
     */
    public static int authDataOffset(int count) {
        return ADDRESSES_OFFSET + count * 4;
    }

    /**
     * Returns the length of an advert.
     *
     * @param version 2 or 3
     * @param count the number of addresses
     * @param addressLength 4 or 16
     * @return the length in bytes
     */
    public static int length(int version, int count, int addressLength) {
        return HEADER_LENGTH + count * addressLength + (version == 2 ? AUTH_DATA_LENGTH : 0);
    }

    /**
     * Returns one byte of the advert.
     *
     * @param at offset relative to the advert
     * @return the unsigned byte
     */
    public int byteAt(int at) {
        return u8(at);
    }
}

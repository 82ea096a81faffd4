package io.lvs4j.core.sync;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u32;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over one connection record of a version 1 sync message (Linux
 * {@code net/netfilter/ipvs/ip_vs_sync.c}), in network byte order: the fixed part of
 * {@code struct ip_vs_sync_v4} (36 bytes) or {@code struct ip_vs_sync_v6} (72 bytes), which
 * differ only in the width of the three addresses. Options follow the fixed part
 * ({@link SyncOption}); {@code size} counts them, not the padding to the next record.
 *
 * <pre>
 * struct ip_vs_sync_v4 {                 struct ip_vs_sync_v6: the same, but
 *     __u8   type;      // 0; bit 0 (STYPE_F_INET6) set for IPv6
 *     __u8   protocol;
 *     __be16 ver_size;  // version (0) in the top 4 bits, size in the low 12
 *     __be32 flags;     // IP_VS_CONN_F_*
 *     __be16 state;
 *     __be16 cport, vport, dport;
 *     __be32 fwmark;
 *     __be32 timeout;   // seconds
 *     __be32 caddr, vaddr, daddr;        struct in6_addr caddr, vaddr, daddr;
 * };
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Type       |    Protocol   | Ver.  |        Size           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Flags                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            State              |         cport                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            vport              |         dport                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             fwmark                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             timeout  (in sec.)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 caddr, vaddr, daddr (v4 or v6)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    options (type, length, data), the last padded to 32 bits   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * "c" is the client, "v" the virtual service, "d" the real server (destination). IPv4
 * addresses are {@code int}s whose high byte is the first dotted byte. The address family is
 * read from {@link #type()} at each call, so a record being written needs its type set first.
 * Not thread-safe; no method allocates.
 */
public final class SyncConnection {

    /** Offset of the type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the protocol. */
    public static final int PROTOCOL_OFFSET = 1;
    /** Offset of the version and size word. */
    public static final int VER_SIZE_OFFSET = 2;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 4;
    /** Offset of the state. */
    public static final int STATE_OFFSET = 8;
    /** Offset of the client port. */
    public static final int CLIENT_PORT_OFFSET = 10;
    /** Offset of the virtual port. */
    public static final int VIRTUAL_PORT_OFFSET = 12;
    /** Offset of the destination (real server) port. */
    public static final int DESTINATION_PORT_OFFSET = 14;
    /** Offset of the firewall mark. */
    public static final int FWMARK_OFFSET = 16;
    /** Offset of the timeout. */
    public static final int TIMEOUT_OFFSET = 20;
    /** Offset of the client address; the virtual and destination addresses follow. */
    public static final int ADDRESSES_OFFSET = 24;
    /** Length of {@code struct ip_vs_sync_v4}. */
    public static final int V4_LENGTH = 36;
    /** Length of {@code struct ip_vs_sync_v6}. */
    public static final int V6_LENGTH = 72;
    /** Type of an IPv4 record. */
    public static final int TYPE_IPV4 = 0;
    /** Type bit of an IPv6 record ({@code STYPE_F_INET6}). */
    public static final int TYPE_F_INET6 = 1;
    /** Shift of the record version within {@code ver_size} ({@code SVER_SHIFT}). */
    public static final int VERSION_SHIFT = 12;
    /** Mask of the size within {@code ver_size} ({@code SVER_MASK}). */
    public static final int SIZE_MASK = 0x0FFF;
    /** Longest record: IPv6 with the sequence option, 255 bytes of PE data and a 16-byte PE name. */
    public static final int MAX_LENGTH = V6_LENGTH + SyncOption.SEQUENCE_RECORD_BYTES
            + SyncOption.HEADER_LENGTH + SyncOption.PE_DATA_MAX_LENGTH
            + SyncOption.HEADER_LENGTH + SyncOption.PE_NAME_MAX_LENGTH;

    private MemorySegment segment;
    private long offset;

    /** Creates an unwrapped flyweight. */
    public SyncConnection() {
    }

    /**
     * Points this flyweight at a record.
     *
     * @param segment the datagram's memory
     * @param offset where the record starts
     * @return this
     */
    public SyncConnection wrap(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /** @return the wrapped memory */
    public MemorySegment segment() {
        return segment;
    }

    /** @return where the record starts */
    public long offset() {
        return offset;
    }

    /**
     * Returns the length of a record as a sender computes it: the fixed part, then each option
     * with its two-byte header. The PE name is sent only with PE data.
     *
     * @param ipv6 whether the addresses are IPv6
     * @param sequence whether the sequence option is present
     * @param peDataLength bytes of persistence-engine data, 0 for none
     * @param peNameLength bytes of the persistence engine's name, 0 for none
     * @return the record's {@code size}
     */
    public static int length(boolean ipv6, boolean sequence, int peDataLength, int peNameLength) {
        int length = ipv6 ? V6_LENGTH : V4_LENGTH;
        if (sequence) {
            length += SyncOption.SEQUENCE_RECORD_BYTES;
        }
        if (peDataLength > 0) {
            length += SyncOption.HEADER_LENGTH + peDataLength;
            if (peNameLength > 0) {
                length += SyncOption.HEADER_LENGTH + peNameLength;
            }
        }
        return length;
    }

    /** @return the type byte */
    public int type() {
        return u8(segment, offset + TYPE_OFFSET);
    }

    /**
     * Sets the type byte.
     *
     * @param type {@link #TYPE_IPV4} or {@link #TYPE_F_INET6}
     * @return this
     */
    public SyncConnection type(int type) {
        u8(segment, offset + TYPE_OFFSET, type);
        return this;
    }

    /** @return true if the type's IPv6 bit is set */
    public boolean ipv6() {
        return (type() & TYPE_F_INET6) != 0;
    }

    /** @return the length of the fixed part, 36 or 72 */
    public int fixedLength() {
        return ipv6() ? V6_LENGTH : V4_LENGTH;
    }

    /** @return the length of each address, 4 or 16 */
    public int addressLength() {
        return ipv6() ? 16 : 4;
    }

    /** @return the IP protocol */
    public int protocol() {
        return u8(segment, offset + PROTOCOL_OFFSET);
    }

    /**
     * Sets the IP protocol.
     *
     * @param protocol an IP protocol number
     * @return this
     */
    public SyncConnection protocol(int protocol) {
        u8(segment, offset + PROTOCOL_OFFSET, protocol);
        return this;
    }

    /** @return the raw version and size word */
    public int versionAndSize() {
        return u16(segment, offset + VER_SIZE_OFFSET);
    }

    /** @return the record version, the top 4 bits of {@code ver_size}; 0 */
    public int recordVersion() {
        return versionAndSize() >>> VERSION_SHIFT;
    }

    /** @return the record's size, options included, padding excluded */
    public int size() {
        return versionAndSize() & SIZE_MASK;
    }

    /**
     * Sets the size, with record version 0.
     *
     * @param size 0 to 4095
     * @return this
     */
    public SyncConnection size(int size) {
        u16(segment, offset + VER_SIZE_OFFSET, size & SIZE_MASK);
        return this;
    }

    /**
     * Sets the raw version and size word.
     *
     * @param versionAndSize the word
     * @return this
     */
    public SyncConnection versionAndSize(int versionAndSize) {
        u16(segment, offset + VER_SIZE_OFFSET, versionAndSize);
        return this;
    }

    /** @return the flags as sent ({@link SyncFlags}) */
    public int flags() {
        return u32(segment, offset + FLAGS_OFFSET);
    }

    /**
     * Sets the flags.
     *
     * @param flags {@link SyncFlags} bits
     * @return this
     */
    public SyncConnection flags(int flags) {
        u32(segment, offset + FLAGS_OFFSET, flags);
        return this;
    }

    /** @return the state ({@link SyncStates}) */
    public int state() {
        return u16(segment, offset + STATE_OFFSET);
    }

    /**
     * Sets the state.
     *
     * @param state a {@link SyncStates} value
     * @return this
     */
    public SyncConnection state(int state) {
        u16(segment, offset + STATE_OFFSET, state);
        return this;
    }

    /** @return the client port */
    public int clientPort() {
        return u16(segment, offset + CLIENT_PORT_OFFSET);
    }

    /**
     * Sets the client port.
     *
     * @param port the port
     * @return this
     */
    public SyncConnection clientPort(int port) {
        u16(segment, offset + CLIENT_PORT_OFFSET, port);
        return this;
    }

    /** @return the virtual service's port */
    public int virtualPort() {
        return u16(segment, offset + VIRTUAL_PORT_OFFSET);
    }

    /**
     * Sets the virtual service's port.
     *
     * @param port the port
     * @return this
     */
    public SyncConnection virtualPort(int port) {
        u16(segment, offset + VIRTUAL_PORT_OFFSET, port);
        return this;
    }

    /** @return the real server's port */
    public int destinationPort() {
        return u16(segment, offset + DESTINATION_PORT_OFFSET);
    }

    /**
     * Sets the real server's port.
     *
     * @param port the port
     * @return this
     */
    public SyncConnection destinationPort(int port) {
        u16(segment, offset + DESTINATION_PORT_OFFSET, port);
        return this;
    }

    /** @return the firewall mark */
    public int fwmark() {
        return u32(segment, offset + FWMARK_OFFSET);
    }

    /**
     * Sets the firewall mark.
     *
     * @param fwmark the mark, 0 for none
     * @return this
     */
    public SyncConnection fwmark(int fwmark) {
        u32(segment, offset + FWMARK_OFFSET, fwmark);
        return this;
    }

    /** @return the remaining timeout in seconds, unsigned; 0 lets the receiver pick its default */
    public long timeoutSeconds() {
        return u32(segment, offset + TIMEOUT_OFFSET) & 0xFFFF_FFFFL;
    }

    /**
     * Sets the timeout.
     *
     * @param seconds the remaining timeout, the low 32 bits are written
     * @return this
     */
    public SyncConnection timeoutSeconds(long seconds) {
        u32(segment, offset + TIMEOUT_OFFSET, (int) seconds);
        return this;
    }

    /** @return offset of the client address in {@link #segment()} */
    public long clientAddressOffset() {
        return offset + ADDRESSES_OFFSET;
    }

    /** @return offset of the virtual address in {@link #segment()} */
    public long virtualAddressOffset() {
        return offset + ADDRESSES_OFFSET + addressLength();
    }

    /** @return offset of the destination address in {@link #segment()} */
    public long destinationAddressOffset() {
        return offset + ADDRESSES_OFFSET + 2L * addressLength();
    }

    /** @return the client address of an IPv4 record */
    public int clientAddressIpv4() {
        return u32(segment, clientAddressOffset());
    }

    /** @return the virtual address of an IPv4 record */
    public int virtualAddressIpv4() {
        return u32(segment, virtualAddressOffset());
    }

    /** @return the destination address of an IPv4 record */
    public int destinationAddressIpv4() {
        return u32(segment, destinationAddressOffset());
    }

    /**
     * Sets the three addresses of an IPv4 record.
     *
     * @param client the client address
     * @param virtual the virtual address
     * @param destination the real server's address
     * @return this
     */
    public SyncConnection addressesIpv4(int client, int virtual, int destination) {
        u32(segment, clientAddressOffset(), client);
        u32(segment, virtualAddressOffset(), virtual);
        u32(segment, destinationAddressOffset(), destination);
        return this;
    }

    /**
     * Copies the client address, 4 or 16 bytes as {@link #type()} says.
     *
     * @param source the memory holding the address
     * @param sourceOffset where it starts
     * @return this
     */
    public SyncConnection clientAddress(MemorySegment source, long sourceOffset) {
        MemorySegment.copy(source, sourceOffset, segment, clientAddressOffset(), addressLength());
        return this;
    }

    /**
     * Copies the virtual address, 4 or 16 bytes as {@link #type()} says.
     *
     * @param source the memory holding the address
     * @param sourceOffset where it starts
     * @return this
     */
    public SyncConnection virtualAddress(MemorySegment source, long sourceOffset) {
        MemorySegment.copy(source, sourceOffset, segment, virtualAddressOffset(), addressLength());
        return this;
    }

    /**
     * Copies the destination address, 4 or 16 bytes as {@link #type()} says.
     *
     * @param source the memory holding the address
     * @param sourceOffset where it starts
     * @return this
     */
    public SyncConnection destinationAddress(MemorySegment source, long sourceOffset) {
        MemorySegment.copy(source, sourceOffset, segment, destinationAddressOffset(), addressLength());
        return this;
    }
}

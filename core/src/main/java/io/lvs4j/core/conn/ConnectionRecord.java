package io.lvs4j.core.conn;

import io.lvs4j.core.packet.NetworkOrder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One entry of the connection table (a connection or a persistence template) in the table's
 * memory, read and written in place: {@link #wrap} an entry number, then get or set its
 * fields (Agrona's flyweight; setters return {@code this}).
 *
 * <pre>
 * offset size field
 *      0    8 deadline              \
 *      8    4 timer next             } the ExpiryWheel's timer of the entry
 *     12    4 timer previous        /
 *     16    4 destination id (the real server's id in the DestinationRegistry);
 *              a free record: the next free record, -1 for none
 *     20    4 control: connection: 1 + its template's entry, 0 if none;
 *                      template: number of connections it controls
 *     24    2 destination port
 *     26    2 template: persistence timeout in seconds (1 to 65535);
 *              full-NAT connection: local port
 *     28    4 IPv4: destination (real server) address; IPv6: unused
 *     32    1 protocol          \
 *     33    1 TCP state          |
 *     34    2 flags              |  the lookup key (state aside)
 *     36    2 client port        |
 *     38    2 virtual port       |
 *     40    A client address     |  (A = 4 for IPv4, 16 for IPv6)
 *   40+A    A virtual address   /
 *  40+2A   16 IPv6: destination address
 *  48/88    A full-NAT tables only: local address (IPv4 at 48, IPv6 at 88)
 * </pre>
 * Byte order: numbers (deadline, links, ids, ports, state, flags) in native order; addresses
 * as the packet's bytes (network order), so that they are copied and compared, never
 * converted.
 *
 * <p>Sizes: IPv4 48 bytes, IPv6 88; with full-NAT IPv4 64 (52 padded to a cache line, so
 * that the forward and the reverse key of a record are read with one line) and IPv6 104.
 * Bytes 32 to 47 hold everything an IPv4 lookup compares (protocol, flags, ports, both
 * addresses); as records are 48 or 64 bytes from a 64-byte aligned base, every record starts
 * at a multiple of 16 and this key never spans two cache lines.
 *
 * <p>Not thread-safe: the table's owning thread only. A table keeps a flyweight per use, so
 * that a method holding one entry never has it re-wrapped by a method it calls.
 */
final class ConnectionRecord {

    /** Offset of the deadline (the {@link ExpiryWheel}'s). */
    static final int DEADLINE_OFFSET = ExpiryWheel.DEADLINE_OFFSET;
    /** Offset of the destination id, and of a free record's link to the next free one. */
    static final int DESTINATION_OFFSET = 16;
    /** Offset of the control field. */
    static final int CONTROL_OFFSET = 20;
    /** Offset of the destination port. */
    static final int DESTINATION_PORT_OFFSET = 24;
    /** Offset of a template's persistence timeout in seconds. */
    static final int TEMPLATE_TIMEOUT_OFFSET = 26;
    /** Offset of a full-NAT connection's local port (where a template keeps its timeout). */
    static final int LOCAL_PORT_OFFSET = 26;
    /** Offset of an IPv4 record's destination address. */
    static final int DESTINATION_ADDRESS_IPV4_OFFSET = 28;
    /** Offset of the lookup key: a multiple of 16, so that an IPv4 key fits one cache line. */
    static final int KEY_OFFSET = 32;
    /** Offset of the protocol (the key's first byte). */
    static final int PROTOCOL_OFFSET = 32;
    /** Offset of the TCP state. */
    static final int STATE_OFFSET = 33;
    /** Offset of the flags. */
    static final int FLAGS_OFFSET = 34;
    /** Offset of the client port. */
    static final int CLIENT_PORT_OFFSET = 36;
    /** Offset of the virtual port. */
    static final int VIRTUAL_PORT_OFFSET = 38;
    /** Offset of the client address. */
    static final int CLIENT_ADDRESS_OFFSET = 40;

    /** Flag of a record in use (the public flags are below it). */
    static final int FLAG_USED = 0x8000;
    /** Of bytes 32 to 39 read as a little-endian long: protocol, the template flag and both ports. */
    private static final long IPV4_HEAD_MASK = 0xFFFF_FFFF_0000_00FFL | (long) ConnectionTable.FLAG_TEMPLATE << 16;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;

    private final MemorySegment memory;
    private final int addressBytes;
    private final int size;
    private final int virtualAddressAt;
    private final int destinationAddressAt;
    /** -1 in a table without full-NAT. */
    private final int localAddressAt;
    private long offset;

    /**
     * Creates a flyweight over a table's records.
     *
     * @param memory the records
     * @param addressBytes 4 or 16
     * @param fullNat whether records hold a local address
     */
    ConnectionRecord(MemorySegment memory, int addressBytes, boolean fullNat) {
        this.memory = memory;
        this.addressBytes = addressBytes;
        this.size = size(addressBytes, fullNat);
        this.virtualAddressAt = CLIENT_ADDRESS_OFFSET + addressBytes;
        // IPv4 keeps the real server address before the key (in bytes 28-31), IPv6 after it.
        this.destinationAddressAt = addressBytes == 4 ? DESTINATION_ADDRESS_IPV4_OFFSET
                : CLIENT_ADDRESS_OFFSET + 2 * addressBytes;
        this.localAddressAt = fullNat ? end(addressBytes) : -1;
    }

    /**
     * Creates another flyweight over the same records, for a part of the table of its own.
     *
     * @return a flyweight pointing at entry 0
     */
    ConnectionRecord another() {
        return new ConnectionRecord(memory, addressBytes, localAddressAt >= 0);
    }

    /**
     * Returns the size of a record.
     *
     * @param addressBytes 4 or 16
     * @param fullNat whether records hold a local address
     * @return 48 or 88 bytes; with full-NAT 64 or 104
     */
    static int size(int addressBytes, boolean fullNat) {
        if (fullNat && addressBytes == 4) {
            return 64; // 52 bytes padded to a whole cache line
        }
        int end = end(addressBytes) + (fullNat ? addressBytes : 0);
        return (end + 7) & ~7;
    }

    private static int end(int addressBytes) {
        return addressBytes == 4 ? CLIENT_ADDRESS_OFFSET + 8 : CLIENT_ADDRESS_OFFSET + 3 * addressBytes;
    }

    /**
     * Points the flyweight at an entry.
     *
     * @param entry the entry number
     * @return this
     */
    ConnectionRecord wrap(int entry) {
        offset = (long) entry * size;
        return this;
    }

    /**
     * Reads the 8 bytes of an entry's key that start its IPv4 lookup comparison, only to bring
     * the key's cache line in: a lookup batch's read ahead of its comparisons.
     *
     * @param entry an entry number below the capacity
     * @return the bytes read
     */
    long touchKey(int entry) {
        return memory.get(LONG, (long) entry * size + KEY_OFFSET);
    }

    /**
     * Reads the first and the last byte of an entry, only to bring in every cache line of it
     * (one or two) that a packet's handling reads and writes after its lookup.
     *
     * @param entry an entry number below the capacity
     * @return the bytes read, summed
     */
    int touchWhole(int entry) {
        long r = (long) entry * size;
        return memory.get(BYTE, r) + memory.get(BYTE, r + size - 1);
    }

    /** @return the records' memory */
    MemorySegment memory() {
        return memory;
    }

    /** @return bytes per record */
    int size() {
        return size;
    }

    /** @return 4 or 16 */
    int addressBytes() {
        return addressBytes;
    }

    // ---------------------------------------------------------------- numbers

    int protocol() {
        return memory.get(BYTE, offset + PROTOCOL_OFFSET) & 0xFF;
    }

    int state() {
        return memory.get(BYTE, offset + STATE_OFFSET);
    }

    ConnectionRecord state(int value) {
        memory.set(BYTE, offset + STATE_OFFSET, (byte) value);
        return this;
    }

    /** @return the flags, {@link #FLAG_USED} included */
    int flags() {
        return memory.get(SHORT, offset + FLAGS_OFFSET) & 0xFFFF;
    }

    ConnectionRecord flags(int value) {
        memory.set(SHORT, offset + FLAGS_OFFSET, (short) value);
        return this;
    }

    int destination() {
        return memory.get(INT, offset + DESTINATION_OFFSET);
    }

    ConnectionRecord destination(int id) {
        memory.set(INT, offset + DESTINATION_OFFSET, id);
        return this;
    }

    /** @return a free record's link to the next free record */
    int nextFree() {
        return memory.get(INT, offset + DESTINATION_OFFSET);
    }

    ConnectionRecord nextFree(int entry) {
        memory.set(INT, offset + DESTINATION_OFFSET, entry);
        return this;
    }

    int control() {
        return memory.get(INT, offset + CONTROL_OFFSET);
    }

    ConnectionRecord control(int value) {
        memory.set(INT, offset + CONTROL_OFFSET, value);
        return this;
    }

    long deadline() {
        return memory.get(LONG, offset + DEADLINE_OFFSET);
    }

    /** Writes the deadline alone (the wheel's timer links are not touched). */
    ConnectionRecord deadline(long value) {
        memory.set(LONG, offset + DEADLINE_OFFSET, value);
        return this;
    }

    int clientPort() {
        return memory.get(SHORT, offset + CLIENT_PORT_OFFSET) & 0xFFFF;
    }

    int virtualPort() {
        return memory.get(SHORT, offset + VIRTUAL_PORT_OFFSET) & 0xFFFF;
    }

    int destinationPort() {
        return memory.get(SHORT, offset + DESTINATION_PORT_OFFSET) & 0xFFFF;
    }

    int localPort() {
        return memory.get(SHORT, offset + LOCAL_PORT_OFFSET) & 0xFFFF;
    }

    ConnectionRecord localPort(int port) {
        memory.set(SHORT, offset + LOCAL_PORT_OFFSET, (short) port);
        return this;
    }

    int templateTimeout() {
        return memory.get(SHORT, offset + TEMPLATE_TIMEOUT_OFFSET) & 0xFFFF;
    }

    ConnectionRecord templateTimeout(int seconds) {
        memory.set(SHORT, offset + TEMPLATE_TIMEOUT_OFFSET, (short) seconds);
        return this;
    }

    // ---------------------------------------------------------------- addresses

    /** @return the absolute offset of the client address */
    long clientAddressAt() {
        return offset + CLIENT_ADDRESS_OFFSET;
    }

    /** @return the absolute offset of the virtual address */
    long virtualAddressAt() {
        return offset + virtualAddressAt;
    }

    /** @return the absolute offset of the destination address */
    long destinationAddressAt() {
        return offset + destinationAddressAt;
    }

    /**
     * Returns the absolute offset of the local address.
     *
     * @return the offset
     * @throws IllegalStateException if records hold no local address
     */
    long localAddressAt() {
        if (localAddressAt < 0) {
            throw new IllegalStateException("the table was not built for full-NAT");
        }
        return offset + localAddressAt;
    }

    /** @return an IPv4 address at an absolute offset, high byte first */
    int ipv4(long at) {
        return memory.get(NetworkOrder.U32, at);
    }

    /**
     * Tells whether an entry of an IPv4 table is the connection (not a template) of a key, with
     * two 8-byte loads in native order on a little-endian machine: bytes 32 to 39 (protocol,
     * state, flags, client port, virtual port; state and flags other than the template flag
     * masked out) and 40 to 47 (client and virtual address). Does not move the flyweight.
     *
     * @param entry the entry
     * @param head the protocol, client port and virtual port as bytes 32 to 39 hold them
     * @param addresses the client and virtual address as bytes 40 to 47 hold them
     * @return true if the entry is that connection
     */
    boolean connectionKeyIpv4(int entry, long head, long addresses) {
        long r = (long) entry * size;
        return (memory.get(LONG, r + KEY_OFFSET) & IPV4_HEAD_MASK) == head
                && memory.get(LONG, r + CLIENT_ADDRESS_OFFSET) == addresses;
    }

    /**
     * Returns an address's first bytes as a native-order load reads them: all 4 of an IPv4
     * address, the first 8 of an IPv6 one (as {@link FlowTuple} keeps them).
     *
     * @param at the address's absolute offset
     * @return the bytes
     */
    long high(long at) {
        return addressBytes == 4 ? memory.get(INT_U, at) : memory.get(LONG_U, at);
    }

    /**
     * Returns an IPv6 address's last 8 bytes as a native-order load reads them; 0 for IPv4.
     *
     * @param at the address's absolute offset
     * @return the bytes
     */
    long low(long at) {
        return addressBytes == 4 ? 0 : memory.get(LONG_U, at + 8);
    }

    /**
     * Tells whether the address at an absolute offset of the record is the given one.
     *
     * @param at the record's address
     * @param high the other address's {@link #high}
     * @param low the other address's {@link #low}
     * @return true if all 4 or 16 bytes are equal
     */
    boolean sameAddress(long at, long high, long low) {
        if (addressBytes == 4) {
            return memory.get(INT_U, at) == (int) high;
        }
        return memory.get(LONG_U, at) == high && memory.get(LONG_U, at + 8) == low;
    }

    /**
     * Writes an address into the record.
     *
     * @param high the address's {@link #high}
     * @param low the address's {@link #low}
     * @param at the record's absolute offset
     */
    void copyIn(long high, long low, long at) {
        if (addressBytes == 4) {
            memory.set(INT_U, at, (int) high);
        } else {
            memory.set(LONG_U, at, high);
            memory.set(LONG_U, at + 8, low);
        }
    }

    // ---------------------------------------------------------------- whole records

    /**
     * Writes a new record's key and destination from a tuple: protocol, client, virtual and
     * server address and port; state NONE; control and the template timeout 0. The deadline
     * and timer are the wheel's to set.
     *
     * @param flow the tuple (its addresses of this record's family)
     * @param flags the flags, {@link #FLAG_USED} included
     * @param destinationId the real server's id
     * @param clientPort the client port to keep (0 for a template)
     * @return this
     */
    ConnectionRecord write(FlowTuple flow, int flags, int destinationId, int clientPort) {
        long r = offset;
        memory.set(BYTE, r + PROTOCOL_OFFSET, (byte) flow.protocol);
        memory.set(BYTE, r + STATE_OFFSET, (byte) 0);
        memory.set(SHORT, r + FLAGS_OFFSET, (short) flags);
        memory.set(SHORT, r + CLIENT_PORT_OFFSET, (short) clientPort);
        memory.set(SHORT, r + VIRTUAL_PORT_OFFSET, (short) flow.virtualPort);
        memory.set(SHORT, r + DESTINATION_PORT_OFFSET, (short) flow.serverPort);
        memory.set(SHORT, r + TEMPLATE_TIMEOUT_OFFSET, (short) 0);
        memory.set(INT, r + DESTINATION_OFFSET, destinationId);
        memory.set(INT, r + CONTROL_OFFSET, 0);
        copyIn(flow.clientHigh, flow.clientLow, r + CLIENT_ADDRESS_OFFSET);
        copyIn(flow.virtualHigh, flow.virtualLow, r + virtualAddressAt);
        copyIn(flow.serverHigh, flow.serverLow, r + destinationAddressAt);
        return this;
    }

    /**
     * Writes a full-NAT connection's local address and port from a tuple.
     *
     * @param flow the tuple
     * @return this
     */
    ConnectionRecord writeLocal(FlowTuple flow) {
        copyIn(flow.localHigh, flow.localLow, localAddressAt());
        return localPort(flow.localPort);
    }

    /**
     * Copies the record's addresses and ports into a tuple (local ones for full-NAT entries).
     *
     * @param flow the tuple
     * @param fullNatEntry whether the record holds a local address and port
     */
    void copyOut(FlowTuple flow, boolean fullNatEntry) {
        flow.ipVersion(addressBytes == 4 ? 4 : 6).protocol(protocol())
                .client(memory, clientAddressAt(), clientPort())
                .virtual(memory, virtualAddressAt(), virtualPort())
                .server(memory, destinationAddressAt(), destinationPort());
        if (fullNatEntry) {
            flow.local(memory, localAddressAt(), localPort());
        }
    }
}

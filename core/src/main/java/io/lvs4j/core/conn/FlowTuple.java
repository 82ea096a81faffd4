package io.lvs4j.core.conn;

import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.NetworkOrder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The addresses and ports of one connection, as the {@link ConnectionTable} takes and gives
 * them: protocol, client, virtual address, real server and, for full-NAT, the director's local
 * address, each an address and a port, IPv4 or IPv6. A flyweight over 96 bytes of its own
 * native memory, filled once per frame and reused (the setters return {@code this}), so that
 * a loop's lookups and inserts allocate nothing.
 *
 * <pre>
 * offset size field
 *      0    4 protocol (IP protocol number)
 *      4    4 IP version: 4 or 6
 *      8    4 client port
 *     12    4 virtual port
 *     16    4 server (real server) port
 *     20    4 local port (full-NAT)
 *     24    8 unused
 *     32   16 client address
 *     48   16 virtual address
 *     64   16 server address
 *     80   16 local address (full-NAT)
 * </pre>
 * Byte order: protocol, version and ports are numbers in native order; addresses are kept as
 * the packet's bytes (network order), an IPv4 address in the first 4 bytes of its 16, so that
 * they are copied and compared, never converted. Ports are kept as full {@code int}s, so that
 * a value that fits no port finds nothing.
 *
 * <p>Which fields a table reads: {@link ConnectionTable#lookup} protocol, client and virtual;
 * {@link ConnectionTable#lookupReply} the reply as the real server sees it: protocol, server
 * (the reply's source) and client (the reply's destination: the client for NAT, the local
 * address for full-NAT); inserts also the server, and {@link ConnectionTable#insertFullNat}
 * the local address and port.
 *
 * <p>Not thread-safe: one tuple per thread (an event loop keeps one and fills it per frame).
 */
public final class FlowTuple {

    /** Offset of the protocol. */
    static final int PROTOCOL_OFFSET = 0;
    /** Offset of the IP version. */
    static final int VERSION_OFFSET = 4;
    /** Offset of the client port. */
    static final int CLIENT_PORT_OFFSET = 8;
    /** Offset of the virtual port. */
    static final int VIRTUAL_PORT_OFFSET = 12;
    /** Offset of the server port. */
    static final int SERVER_PORT_OFFSET = 16;
    /** Offset of the local port. */
    static final int LOCAL_PORT_OFFSET = 20;
    /** Offset of the client address. */
    static final int CLIENT_ADDRESS_OFFSET = 32;
    /** Offset of the virtual address. */
    static final int VIRTUAL_ADDRESS_OFFSET = 48;
    /** Offset of the server address. */
    static final int SERVER_ADDRESS_OFFSET = 64;
    /** Offset of the local address. */
    static final int LOCAL_ADDRESS_OFFSET = 80;
    private static final long SIZE = 96;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;

    private final MemorySegment memory;

    /** Creates an IPv4 tuple of zeros, in memory of its own. */
    public FlowTuple() {
        this.memory = Arena.ofAuto().allocate(SIZE, 16);
        memory.set(INT, VERSION_OFFSET, 4);
    }

    // ---------------------------------------------------------------- whole tuples

    /**
     * Sets an IPv4 client-side tuple: protocol, client and virtual address and port (server and
     * local fields are left as they are).
     *
     * @param protocol the IP protocol number
     * @param client the client address, high byte first (as {@code Ipv4Header} reads it)
     * @param clientPort the client port
     * @param virtual the virtual address
     * @param virtualPort the virtual port
     * @return this
     */
    public FlowTuple ipv4(int protocol, int client, int clientPort, int virtual, int virtualPort) {
        memory.set(INT, PROTOCOL_OFFSET, protocol);
        memory.set(INT, VERSION_OFFSET, 4);
        memory.set(INT, CLIENT_PORT_OFFSET, clientPort);
        memory.set(INT, VIRTUAL_PORT_OFFSET, virtualPort);
        memory.set(NetworkOrder.U32, CLIENT_ADDRESS_OFFSET, client);
        memory.set(NetworkOrder.U32, VIRTUAL_ADDRESS_OFFSET, virtual);
        return this;
    }

    /**
     * Sets the tuple of a client's packet to a virtual service from a parsed frame (IPv4 or
     * IPv6): its protocol, source as the client and destination as the virtual address.
     *
     * @param frame a parser that accepted a frame with ports
     * @return this
     */
    public FlowTuple fromClient(FrameParser frame) {
        ipVersion(frame.ipVersion());
        protocol(frame.protocol());
        MemorySegment s = frame.segment();
        client(s, frame.sourceAddressOffset(), frame.sourcePort());
        return virtual(s, frame.destinationAddressOffset(), frame.destinationPort());
    }

    /**
     * Sets the tuple of a real server's reply from a parsed frame, as
     * {@link ConnectionTable#lookupReply} reads it: its source as the server and its
     * destination as the client (the client of a NAT connection, the local address of a
     * full-NAT one).
     *
     * @param frame a parser that accepted a frame with ports
     * @return this
     */
    public FlowTuple fromServer(FrameParser frame) {
        ipVersion(frame.ipVersion());
        protocol(frame.protocol());
        MemorySegment s = frame.segment();
        server(s, frame.sourceAddressOffset(), frame.sourcePort());
        return client(s, frame.destinationAddressOffset(), frame.destinationPort());
    }

    /**
     * Sets the tuple of the packet an ICMP error quotes when that packet went toward a client
     * (from a virtual address, or from the director for full-NAT), for {@link ConnectionTable#lookup}:
     * the quote's protocol and IP version, its destination as the client and its source as the
     * virtual address.
     *
     * @param frame a parser that accepted an ICMP error quoting a packet with ports
     * @return this
     */
    public FlowTuple quotedToClient(FrameParser frame) {
        ipVersion(frame.quotedVersion());
        protocol(frame.quotedProtocol());
        MemorySegment s = frame.segment();
        client(s, frame.quotedDestinationAddressOffset(), frame.quotedDestinationPort());
        return virtual(s, frame.quotedSourceAddressOffset(), frame.quotedSourcePort());
    }

    /**
     * Sets the tuple of the packet an ICMP error quotes when that packet went toward a real
     * server, for {@link ConnectionTable#lookupReply}: the quote's protocol and IP version, its
     * destination as the server and its source as the client (the client for NAT, the local
     * address for full-NAT).
     *
     * @param frame a parser that accepted an ICMP error quoting a packet with ports
     * @return this
     */
    public FlowTuple quotedToServer(FrameParser frame) {
        ipVersion(frame.quotedVersion());
        protocol(frame.quotedProtocol());
        MemorySegment s = frame.segment();
        server(s, frame.quotedDestinationAddressOffset(), frame.quotedDestinationPort());
        return client(s, frame.quotedSourceAddressOffset(), frame.quotedSourcePort());
    }

    // ---------------------------------------------------------------- fields

    /**
     * Sets the IP version, which says how many address bytes the address setters copy.
     *
     * @param version 4 or 6
     * @return this
     * @throws IllegalArgumentException for another version
     */
    public FlowTuple ipVersion(int version) {
        if (version != 4 && version != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6: " + version);
        }
        memory.set(INT, VERSION_OFFSET, version);
        return this;
    }

    /** @return the IP version, 4 or 6 */
    public int ipVersion() {
        return memory.get(INT, VERSION_OFFSET);
    }

    /** @return 4 or 16 */
    int addressBytes() {
        return memory.get(INT, VERSION_OFFSET) == 4 ? 4 : 16;
    }

    /**
     * Sets the protocol.
     *
     * @param protocol the IP protocol number
     * @return this
     */
    public FlowTuple protocol(int protocol) {
        memory.set(INT, PROTOCOL_OFFSET, protocol);
        return this;
    }

    /** @return the IP protocol number */
    public int protocol() {
        return memory.get(INT, PROTOCOL_OFFSET);
    }

    /**
     * Sets the client's IPv4 address and port.
     *
     * @param address the address, high byte first
     * @param port the port
     * @return this
     */
    public FlowTuple client(int address, int port) {
        return ipv4Endpoint(CLIENT_ADDRESS_OFFSET, CLIENT_PORT_OFFSET, address, port);
    }

    /**
     * Copies the client's address (4 or 16 bytes, as the {@link #ipVersion()}) and sets its port.
     *
     * @param from memory holding the address (a frame, a table's records)
     * @param offset where the address starts
     * @param port the port
     * @return this
     */
    public FlowTuple client(MemorySegment from, long offset, int port) {
        return endpoint(CLIENT_ADDRESS_OFFSET, CLIENT_PORT_OFFSET, from, offset, port);
    }

    /**
     * Sets the virtual IPv4 address and port.
     *
     * @param address the address, high byte first
     * @param port the port
     * @return this
     */
    public FlowTuple virtual(int address, int port) {
        return ipv4Endpoint(VIRTUAL_ADDRESS_OFFSET, VIRTUAL_PORT_OFFSET, address, port);
    }

    /**
     * Copies the virtual address and sets the virtual port.
     *
     * @param from memory holding the address
     * @param offset where the address starts
     * @param port the port
     * @return this
     */
    public FlowTuple virtual(MemorySegment from, long offset, int port) {
        return endpoint(VIRTUAL_ADDRESS_OFFSET, VIRTUAL_PORT_OFFSET, from, offset, port);
    }

    /**
     * Sets the real server's IPv4 address and port.
     *
     * @param address the address, high byte first
     * @param port the port
     * @return this
     */
    public FlowTuple server(int address, int port) {
        return ipv4Endpoint(SERVER_ADDRESS_OFFSET, SERVER_PORT_OFFSET, address, port);
    }

    /**
     * Copies the real server's address and sets its port.
     *
     * @param from memory holding the address
     * @param offset where the address starts
     * @param port the port
     * @return this
     */
    public FlowTuple server(MemorySegment from, long offset, int port) {
        return endpoint(SERVER_ADDRESS_OFFSET, SERVER_PORT_OFFSET, from, offset, port);
    }

    /**
     * Sets the full-NAT local IPv4 address and port.
     *
     * @param address the address, high byte first
     * @param port the port
     * @return this
     */
    public FlowTuple local(int address, int port) {
        return ipv4Endpoint(LOCAL_ADDRESS_OFFSET, LOCAL_PORT_OFFSET, address, port);
    }

    /**
     * Copies the full-NAT local address and sets the local port.
     *
     * @param from memory holding the address
     * @param offset where the address starts
     * @param port the port
     * @return this
     */
    public FlowTuple local(MemorySegment from, long offset, int port) {
        return endpoint(LOCAL_ADDRESS_OFFSET, LOCAL_PORT_OFFSET, from, offset, port);
    }

    /** @return the client port */
    public int clientPort() {
        return memory.get(INT, CLIENT_PORT_OFFSET);
    }

    /** @return the virtual port */
    public int virtualPort() {
        return memory.get(INT, VIRTUAL_PORT_OFFSET);
    }

    /** @return the real server port */
    public int serverPort() {
        return memory.get(INT, SERVER_PORT_OFFSET);
    }

    /** @return the local port */
    public int localPort() {
        return memory.get(INT, LOCAL_PORT_OFFSET);
    }

    /** @return the client's IPv4 address, high byte first */
    public int clientAddressIpv4() {
        return memory.get(NetworkOrder.U32, CLIENT_ADDRESS_OFFSET);
    }

    /** @return the virtual IPv4 address, high byte first */
    public int virtualAddressIpv4() {
        return memory.get(NetworkOrder.U32, VIRTUAL_ADDRESS_OFFSET);
    }

    /** @return the real server's IPv4 address, high byte first */
    public int serverAddressIpv4() {
        return memory.get(NetworkOrder.U32, SERVER_ADDRESS_OFFSET);
    }

    /** @return the local IPv4 address, high byte first */
    public int localAddressIpv4() {
        return memory.get(NetworkOrder.U32, LOCAL_ADDRESS_OFFSET);
    }

    /**
     * Returns the tuple's memory, so that its addresses can be read without allocating, at
     * {@link #clientAddressOffset()} and friends.
     *
     * @return the tuple's 96 bytes
     */
    public MemorySegment memory() {
        return memory;
    }

    /** @return where the client address lies in {@link #memory()} */
    public long clientAddressOffset() {
        return CLIENT_ADDRESS_OFFSET;
    }

    /** @return where the virtual address lies in {@link #memory()} */
    public long virtualAddressOffset() {
        return VIRTUAL_ADDRESS_OFFSET;
    }

    /** @return where the real server address lies in {@link #memory()} */
    public long serverAddressOffset() {
        return SERVER_ADDRESS_OFFSET;
    }

    /** @return where the local address lies in {@link #memory()} */
    public long localAddressOffset() {
        return LOCAL_ADDRESS_OFFSET;
    }

    private FlowTuple ipv4Endpoint(int addressAt, int portAt, int address, int port) {
        memory.set(NetworkOrder.U32, addressAt, address);
        memory.set(INT, portAt, port);
        return this;
    }

    private FlowTuple endpoint(int addressAt, int portAt, MemorySegment from, long offset, int port) {
        if (memory.get(INT, VERSION_OFFSET) == 4) {
            memory.set(INT_U, addressAt, from.get(INT_U, offset));
        } else {
            memory.set(LONG_U, addressAt, from.get(LONG_U, offset));
            memory.set(LONG_U, addressAt + 8, from.get(LONG_U, offset + 8));
        }
        memory.set(INT, portAt, port);
        return this;
    }

    /** @return the tuple as text, for logs and test failures (allocates) */
    @Override
    public String toString() {
        return "FlowTuple[protocol " + protocol() + ", IPv" + ipVersion() + ", client " + address(CLIENT_ADDRESS_OFFSET)
                + ":" + clientPort() + ", virtual " + address(VIRTUAL_ADDRESS_OFFSET) + ":" + virtualPort()
                + ", server " + address(SERVER_ADDRESS_OFFSET) + ":" + serverPort() + ", local "
                + address(LOCAL_ADDRESS_OFFSET) + ":" + localPort() + "]";
    }

    private String address(int at) {
        byte[] bytes = memory.asSlice(at, addressBytes()).toArray(ValueLayout.JAVA_BYTE);
        try {
            return java.net.InetAddress.getByAddress(bytes).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

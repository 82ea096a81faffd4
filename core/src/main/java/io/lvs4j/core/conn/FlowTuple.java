package io.lvs4j.core.conn;

import io.lvs4j.core.packet.FrameParser;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * The addresses and ports of one connection, as the {@link ConnectionTable} takes and gives
 * them: the protocol, and four endpoints, each an address and a port: the client, the virtual
 * address, the real server and, for full-NAT, the director's local address; IPv4 or IPv6. A
 * loop keeps one and fills it per frame ({@link #fromClient}, {@link #fromServer}, the setters
 * return {@code this}), so that lookups and inserts allocate nothing.
 *
 * <p>Addresses are kept as the packet's bytes, read with native-order loads (an IPv4 address
 * in 4 bytes, an IPv6 one in two 8-byte halves), so that filling a tuple from a frame and
 * writing it into a table's record copy them and never convert them; the {@code int} setters
 * and getters of IPv4 addresses take and give them high byte first, as {@code Ipv4Header}
 * does. Ports are kept as full {@code int}s, so that a value that fits no port finds
 * nothing. The tuple holds them in fields rather than in off-heap memory: the JIT then keeps a
 * frame's tuple in registers from the fill to the lookup (a memory-backed version of this
 * class made an IPv4 lookup measurably slower).
 *
 * <p>Which fields a table reads: {@link ConnectionTable#lookup} protocol, client and virtual;
 * {@link ConnectionTable#lookupReply} the reply as the real server sees it: protocol, server
 * (the reply's source) and client (its destination: the client for NAT, the local address
 * for full-NAT); inserts also the server, and {@link ConnectionTable#insertFullNat} the local
 * address and port. The IP version says how many address bytes the segment setters copy.
 *
 * <p>Not thread-safe: one tuple per thread.
 */
public final class FlowTuple {

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;

    int protocol;
    int version = 4;
    int clientPort;
    int virtualPort;
    int serverPort;
    int localPort;
    /** An address's first 8 bytes (IPv6) or its 4 bytes (IPv4), as a native-order load reads them. */
    long clientHigh;
    /** An IPv6 address's last 8 bytes as a native-order load reads them; 0 for IPv4. */
    long clientLow;
    long virtualHigh;
    long virtualLow;
    long serverHigh;
    long serverLow;
    long localHigh;
    long localLow;

    /** Creates an IPv4 tuple of zeros. */
    public FlowTuple() {
    }

    // ---------------------------------------------------------------- whole tuples

    /**
     * Sets an IPv4 client-side tuple: protocol, client and virtual address and port (server and
     * local endpoints are left as they are).
     *
     * @param protocol the IP protocol number
     * @param client the client address, high byte first (as {@code Ipv4Header} reads it)
     * @param clientPort the client port
     * @param virtual the virtual address
     * @param virtualPort the virtual port
     * @return this
     */
    public FlowTuple ipv4(int protocol, int client, int clientPort, int virtual, int virtualPort) {
        this.version = 4;
        this.protocol = protocol;
        return client(client, clientPort).virtual(virtual, virtualPort);
    }

    /**
     * Sets the tuple of a client's packet to a virtual service from a parsed frame (IPv4 or
     * IPv6): its protocol, its source as the client and its destination as the virtual address.
     *
     * @param frame a parser that accepted a frame with ports
     * @return this
     */
    public FlowTuple fromClient(FrameParser frame) {
        ipVersion(frame.ipVersion());
        this.protocol = frame.protocol();
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
        this.protocol = frame.protocol();
        MemorySegment s = frame.segment();
        server(s, frame.sourceAddressOffset(), frame.sourcePort());
        return client(s, frame.destinationAddressOffset(), frame.destinationPort());
    }

    /**
     * Sets the tuple of the packet an ICMP error quotes when that packet went toward a client
     * (from a virtual address, or from the director for full-NAT), for
     * {@link ConnectionTable#lookup}: the quote's protocol and IP version, its destination as
     * the client and its source as the virtual address.
     *
     * @param frame a parser that accepted an ICMP error quoting a packet with ports
     * @return this
     */
    public FlowTuple quotedToClient(FrameParser frame) {
        ipVersion(frame.quotedVersion());
        this.protocol = frame.quotedProtocol();
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
        this.protocol = frame.quotedProtocol();
        MemorySegment s = frame.segment();
        server(s, frame.quotedDestinationAddressOffset(), frame.quotedDestinationPort());
        return client(s, frame.quotedSourceAddressOffset(), frame.quotedSourcePort());
    }

    // ---------------------------------------------------------------- fields

    /**
     * Sets the IP version, which says how many address bytes the segment setters copy.
     *
     * @param version 4 or 6
     * @return this
     * @throws IllegalArgumentException for another version
     */
    public FlowTuple ipVersion(int version) {
        if (version != 4 && version != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6: " + version);
        }
        this.version = version;
        return this;
    }

    /** @return the IP version, 4 or 6 */
    public int ipVersion() {
        return version;
    }

    /**
     * Sets the protocol.
     *
     * @param protocol the IP protocol number
     * @return this
     */
    public FlowTuple protocol(int protocol) {
        this.protocol = protocol;
        return this;
    }

    /** @return the IP protocol number */
    public int protocol() {
        return protocol;
    }

    /**
     * Sets the client's IPv4 address and port.
     *
     * @param address the address, high byte first
     * @param port the port
     * @return this
     */
    public FlowTuple client(int address, int port) {
        clientHigh = nativeIpv4(address);
        clientLow = 0;
        clientPort = port;
        return this;
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
        clientHigh = high(from, offset);
        clientLow = low(from, offset);
        clientPort = port;
        return this;
    }

    /**
     * Sets the virtual IPv4 address and port.
     *
     * @param address the address, high byte first
     * @param port the port
     * @return this
     */
    public FlowTuple virtual(int address, int port) {
        virtualHigh = nativeIpv4(address);
        virtualLow = 0;
        virtualPort = port;
        return this;
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
        virtualHigh = high(from, offset);
        virtualLow = low(from, offset);
        virtualPort = port;
        return this;
    }

    /**
     * Sets the real server's IPv4 address and port.
     *
     * @param address the address, high byte first
     * @param port the port
     * @return this
     */
    public FlowTuple server(int address, int port) {
        serverHigh = nativeIpv4(address);
        serverLow = 0;
        serverPort = port;
        return this;
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
        serverHigh = high(from, offset);
        serverLow = low(from, offset);
        serverPort = port;
        return this;
    }

    /**
     * Sets the full-NAT local IPv4 address and port.
     *
     * @param address the address, high byte first
     * @param port the port
     * @return this
     */
    public FlowTuple local(int address, int port) {
        localHigh = nativeIpv4(address);
        localLow = 0;
        localPort = port;
        return this;
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
        localHigh = high(from, offset);
        localLow = low(from, offset);
        localPort = port;
        return this;
    }

    /** @return the client port */
    public int clientPort() {
        return clientPort;
    }

    /** @return the virtual port */
    public int virtualPort() {
        return virtualPort;
    }

    /** @return the real server port */
    public int serverPort() {
        return serverPort;
    }

    /** @return the local port */
    public int localPort() {
        return localPort;
    }

    /** @return the client's IPv4 address, high byte first */
    public int clientAddressIpv4() {
        return nativeIpv4((int) clientHigh);
    }

    /** @return the virtual IPv4 address, high byte first */
    public int virtualAddressIpv4() {
        return nativeIpv4((int) virtualHigh);
    }

    /** @return the real server's IPv4 address, high byte first */
    public int serverAddressIpv4() {
        return nativeIpv4((int) serverHigh);
    }

    /** @return the local IPv4 address, high byte first */
    public int localAddressIpv4() {
        return nativeIpv4((int) localHigh);
    }

    /**
     * Copies the client address (4 or 16 bytes, as the {@link #ipVersion()}) into memory.
     *
     * @param to the memory
     * @param offset where the address goes
     */
    public void copyClientAddress(MemorySegment to, long offset) {
        copy(clientHigh, clientLow, to, offset);
    }

    /**
     * Copies the virtual address into memory.
     *
     * @param to the memory
     * @param offset where the address goes
     */
    public void copyVirtualAddress(MemorySegment to, long offset) {
        copy(virtualHigh, virtualLow, to, offset);
    }

    /**
     * Copies the real server address into memory.
     *
     * @param to the memory
     * @param offset where the address goes
     */
    public void copyServerAddress(MemorySegment to, long offset) {
        copy(serverHigh, serverLow, to, offset);
    }

    /**
     * Copies the local address into memory.
     *
     * @param to the memory
     * @param offset where the address goes
     */
    public void copyLocalAddress(MemorySegment to, long offset) {
        copy(localHigh, localLow, to, offset);
    }

    /** @return 4 or 16 */
    int addressBytes() {
        return version == 4 ? 4 : 16;
    }

    /** An IPv4 address high byte first to the int a native-order load of its bytes gives, or back. */
    static int nativeIpv4(int address) {
        return LITTLE_ENDIAN ? Integer.reverseBytes(address) : address;
    }

    private long high(MemorySegment from, long offset) {
        return version == 4 ? from.get(INT_U, offset) : from.get(LONG_U, offset);
    }

    private long low(MemorySegment from, long offset) {
        return version == 4 ? 0 : from.get(LONG_U, offset + 8);
    }

    private void copy(long high, long low, MemorySegment to, long offset) {
        if (version == 4) {
            to.set(INT_U, offset, (int) high);
        } else {
            to.set(LONG_U, offset, high);
            to.set(LONG_U, offset + 8, low);
        }
    }

    /** @return the tuple as text, for logs and test failures (allocates) */
    @Override
    public String toString() {
        return "FlowTuple[protocol " + protocol + ", IPv" + version + ", client " + text(clientHigh, clientLow) + ":"
                + clientPort + ", virtual " + text(virtualHigh, virtualLow) + ":" + virtualPort + ", server "
                + text(serverHigh, serverLow) + ":" + serverPort + ", local " + text(localHigh, localLow) + ":"
                + localPort + "]";
    }

    private String text(long high, long low) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[addressBytes()]);
        copy(high, low, bytes, 0);
        try {
            return InetAddress.getByAddress(bytes.toArray(ValueLayout.JAVA_BYTE)).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

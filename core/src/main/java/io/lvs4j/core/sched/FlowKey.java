package io.lvs4j.core.sched;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The addresses and ports of the packet that opens a connection, as the hashing schedulers
 * ({@code sh}, {@code dh}, {@code mh}, {@code lblc}, {@code lblcr}, Maglev) read them.
 *
 * <p>An address is held as two longs, big-endian: an IPv6 address is {@code hi:lo}; an IPv4
 * address is {@code hi = 0}, {@code lo} = the 32-bit address. A loop owns one instance and
 * refills it for every new flow, so scheduling allocates nothing. Not thread-safe.
 */
public final class FlowKey {

    private int protocol;
    private boolean ipv6;
    private long sourceHi;
    private long sourceLo;
    private int sourcePort;
    private long destinationHi;
    private long destinationLo;
    private int destinationPort;

    /** Creates an empty key (IPv4, all zero). */
    public FlowKey() {
    }

    /**
     * Fills the key for an IPv4 flow.
     *
     * @param protocol the IP protocol number
     * @param source the client's address, as a 32-bit big-endian int
     * @param sourcePort the client's port
     * @param destination the virtual address
     * @param destinationPort the virtual port
     * @return this key
     */
    public FlowKey ipv4(int protocol, int source, int sourcePort, int destination, int destinationPort) {
        this.protocol = protocol;
        this.ipv6 = false;
        this.sourceHi = 0;
        this.sourceLo = source & 0xFFFF_FFFFL;
        this.sourcePort = sourcePort;
        this.destinationHi = 0;
        this.destinationLo = destination & 0xFFFF_FFFFL;
        this.destinationPort = destinationPort;
        return this;
    }

    /**
     * Fills the key for an IPv6 flow.
     *
     * @param protocol the IP protocol number
     * @param sourceHi the first 64 bits of the client's address
     * @param sourceLo the last 64 bits of the client's address
     * @param sourcePort the client's port
     * @param destinationHi the first 64 bits of the virtual address
     * @param destinationLo the last 64 bits of the virtual address
     * @param destinationPort the virtual port
     * @return this key
     */
    public FlowKey ipv6(int protocol, long sourceHi, long sourceLo, int sourcePort,
            long destinationHi, long destinationLo, int destinationPort) {
        this.protocol = protocol;
        this.ipv6 = true;
        this.sourceHi = sourceHi;
        this.sourceLo = sourceLo;
        this.sourcePort = sourcePort;
        this.destinationHi = destinationHi;
        this.destinationLo = destinationLo;
        this.destinationPort = destinationPort;
        return this;
    }

    /**
     * Fills the key from {@link InetAddress}es; convenient off the hot path.
     *
     * @param protocol the IP protocol number
     * @param source the client's address
     * @param sourcePort the client's port
     * @param destination the virtual address, of the same family as the source
     * @param destinationPort the virtual port
     * @return this key
     * @throws IllegalArgumentException if the two addresses are of different families
     */
    public FlowKey of(int protocol, InetAddress source, int sourcePort, InetAddress destination,
            int destinationPort) {
        if (source instanceof Inet4Address && destination instanceof Inet4Address) {
            return ipv4(protocol, toInt(source.getAddress()), sourcePort, toInt(destination.getAddress()),
                    destinationPort);
        }
        if (source instanceof Inet6Address && destination instanceof Inet6Address) {
            byte[] s = source.getAddress();
            byte[] d = destination.getAddress();
            return ipv6(protocol, toLong(s, 0), toLong(s, 8), sourcePort, toLong(d, 0), toLong(d, 8),
                    destinationPort);
        }
        throw new IllegalArgumentException("source and destination must be of one address family");
    }

    private static int toInt(byte[] b) {
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    private static long toLong(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[offset + i] & 0xFF);
        }
        return v;
    }

    /** @return the IP protocol number */
    public int protocol() {
        return protocol;
    }

    /** @return true for an IPv6 flow, false for IPv4 */
    public boolean isIpv6() {
        return ipv6;
    }

    /** @return the first 64 bits of the client's address (0 for IPv4) */
    public long sourceHi() {
        return sourceHi;
    }

    /** @return the last 64 bits of the client's address (the IPv4 address, unsigned) */
    public long sourceLo() {
        return sourceLo;
    }

    /** @return the client's port */
    public int sourcePort() {
        return sourcePort;
    }

    /** @return the first 64 bits of the virtual address (0 for IPv4) */
    public long destinationHi() {
        return destinationHi;
    }

    /** @return the last 64 bits of the virtual address (the IPv4 address, unsigned) */
    public long destinationLo() {
        return destinationLo;
    }

    /** @return the virtual port */
    public int destinationPort() {
        return destinationPort;
    }
}

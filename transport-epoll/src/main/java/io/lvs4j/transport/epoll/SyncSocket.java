package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.lvs4j.transport.epoll.internal.Structs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One loop's sending end of connection sync: a non-blocking IPv4 UDP socket, bound to the sync
 * interface ({@code SO_BINDTODEVICE}) and the director's address, that sends each datagram to
 * the multicast group (out of that interface, {@code IP_MULTICAST_IF}, with the configured TTL,
 * not looped back) or to each unicast peer, on port 8848 by default, as the kernel's master
 * does ({@code make_send_sock} in Linux {@code ip_vs_sync.c}). Each loop has its own, so no
 * datagram crosses threads. The destination addresses are built once; {@link #send} allocates
 * nothing. Not thread-safe: its loop only (opened and closed elsewhere).
 */
final class SyncSocket implements AutoCloseable {

    private static final int IPPROTO_IP = 0;
    private static final int IP_MULTICAST_IF = 32;
    private static final int IP_MULTICAST_TTL = 33;
    private static final int IP_MULTICAST_LOOP = 34;
    private static final int SO_BINDTODEVICE = 25;
    private static final int IP_MREQN_SIZE = 12;
    /** {@code struct sockaddr_in}: family, port, address, 8 bytes of zero. */
    private static final int SOCKADDR_IN_SIZE = 16;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState;
    private final MemorySegment[] destinations;
    private boolean closed;

    private SyncSocket(int fd, List<InetAddress> to, int port) {
        this.fd = fd;
        this.callState = Libc.newCallState(arena);
        this.destinations = new MemorySegment[to.size()];
        for (int i = 0; i < to.size(); i++) {
            destinations[i] = sockaddr(arena, to.get(i), port);
        }
    }

    /**
     * Opens a socket in the calling thread's network namespace.
     *
     * @param link the sync interface
     * @param source the director's address on it
     * @param to the group, or the unicast peers
     * @param port the destination port
     * @param ttl the multicast TTL
     * @return the socket
     * @throws IOException if a socket call fails
     */
    static SyncSocket open(LinkInfo link, InetAddress source, List<InetAddress> to, int port, int ttl)
            throws IOException {
        for (InetAddress a : to) {
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("lvs4j syncs over IPv4 only: " + a.getHostAddress());
            }
        }
        int fd = PacketSocketFd.open(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
        try {
            configure(fd, link, source, port, ttl);
        } catch (IOException | RuntimeException e) {
            PacketSocketFd.close(fd);
            throw e;
        }
        return new SyncSocket(fd, to, port);
    }

    private static void configure(int fd, LinkInfo link, InetAddress source, int port, int ttl)
            throws NativeIoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocate(Structs.IFNAMSIZ);
            byte[] bytes = link.name().getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, name, ValueLayout.JAVA_BYTE, 0, bytes.length);
            PacketSocketFd.setOption(fd, Libc.SOL_SOCKET, SO_BINDTODEVICE, name, Structs.IFNAMSIZ, "SO_BINDTODEVICE");
            MemorySegment mreqn = a.allocate(IP_MREQN_SIZE, 4);
            if (source instanceof Inet4Address) {
                MemorySegment.copy(source.getAddress(), 0, mreqn, ValueLayout.JAVA_BYTE, 4, 4);
            }
            mreqn.set(JAVA_INT, 8, link.index());
            PacketSocketFd.setOption(fd, IPPROTO_IP, IP_MULTICAST_IF, mreqn, IP_MREQN_SIZE, "IP_MULTICAST_IF");
            if (source instanceof Inet4Address) {
                MemorySegment self = sockaddr(a, source, 0);
                MemorySegment cs = Libc.newCallState(a);
                if (Libc.bind(cs, fd, self, SOCKADDR_IN_SIZE) < 0) {
                    throw new NativeIoException("bind(" + source.getHostAddress() + ")", Libc.errno(cs));
                }
            }
        }
        PacketSocketFd.setInt(fd, IPPROTO_IP, IP_MULTICAST_TTL, ttl);
        PacketSocketFd.setInt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
    }

    private static MemorySegment sockaddr(Arena arena, InetAddress address, int port) {
        MemorySegment s = arena.allocate(SOCKADDR_IN_SIZE, 8);
        s.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2, (short) port);
        MemorySegment.copy(address.getAddress(), 0, s, ValueLayout.JAVA_BYTE, 4, 4);
        return s;
    }

    /**
     * Sends one datagram to every destination.
     *
     * @param datagram its memory, from offset 0
     * @param length its length
     * @return how many destinations refused it (0 if all took it)
     */
    int send(MemorySegment datagram, int length) {
        if (closed) {
            return destinations.length;
        }
        int failed = 0;
        for (MemorySegment to : destinations) {
            if (!PacketSocketFd.sendTo(callState, fd, datagram, length, to, SOCKADDR_IN_SIZE)) {
                failed++;
            }
        }
        return failed;
    }

    /** Closes the socket; once. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            PacketSocketFd.close(fd);
            arena.close();
        }
    }
}

package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The director of the tunnel tests: a raw IP socket that sends hand-built tunnel packets. Over
 * IPv4 it is a socket of protocol 255 ({@code IPPROTO_RAW}, header included), so the test gives
 * the whole outer packet; over IPv6 a socket of protocol 41, so the kernel adds the outer IPv6
 * header and the test gives the inner packet. Opened in the calling thread's namespace.
 */
final class RawSender implements AutoCloseable {

    private static final int AF_INET6 = 10;
    private static final int IPPROTO_RAW = 255;
    private static final int IPPROTO_IPV6 = 41;

    private final int fd;
    private final boolean ipv6;

    private RawSender(int fd, boolean ipv6) {
        this.fd = fd;
        this.ipv6 = ipv6;
    }

    static RawSender ipv4() throws NativeIoException {
        return new RawSender(PacketSocketFd.open(Libc.AF_INET, Libc.SOCK_RAW, IPPROTO_RAW), false);
    }

    static RawSender ipv6InIpv6() throws NativeIoException {
        return new RawSender(PacketSocketFd.open(AF_INET6, Libc.SOCK_RAW, IPPROTO_IPV6), true);
    }

    /**
     * Sends one packet.
     *
     * @param packet IPv4: the whole outer packet; IPv6: the inner packet
     * @param to the real server
     */
    void send(byte[] packet, InetAddress to) throws NativeIoException {
        if (ipv6 != to instanceof Inet6Address) {
            throw new IllegalArgumentException("wrong family: " + to);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment data = arena.allocate(packet.length);
            MemorySegment.copy(packet, 0, data, ValueLayout.JAVA_BYTE, 0, packet.length);
            MemorySegment sa = arena.allocate(ipv6 ? 28 : 16, 8);
            sa.set(JAVA_SHORT, 0, (short) (ipv6 ? AF_INET6 : Libc.AF_INET));
            byte[] address = to.getAddress();
            MemorySegment.copy(address, 0, sa, ValueLayout.JAVA_BYTE, ipv6 ? 8 : 4, address.length);
            long sent = Libc.sendto(cs, fd, data, packet.length, 0, sa, (int) sa.byteSize());
            if (sent != packet.length) {
                throw new NativeIoException("sendto(" + to.getHostAddress() + ")", Libc.errno(cs));
            }
        }
    }

    @Override
    public void close() {
        PacketSocketFd.close(fd);
    }
}

package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.transport.epoll.LinkInfo;
import io.lvs4j.transport.epoll.RawSockets;
import io.lvs4j.transport.epoll.internal.EpollDescriptor;
import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.SocketCounter;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.lvs4j.transport.epoll.internal.Structs;
import io.lvs4j.vrrp.VrrpEncoder;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A raw IPv6 socket of protocol 112 (VRRPv3) bound to one interface and to its link-local
 * primary address, driven by a Netty epoll event loop. It joins ff02::12 on the interface
 * ({@code IPV6_JOIN_GROUP}), sends with hop limit 255 and traffic class 0xc0, without looping
 * its own multicast back; the kernel builds the IPv6 header. Each received message comes with
 * its hop limit ({@code IPV6_RECVHOPLIMIT}), source and destination ({@code IPV6_RECVPKTINFO}),
 * as {@code VrrpNode.receiveIpv6} wants them.
 *
 * <p>Threading: {@link #open} and {@link #close} from any thread but the loop's (the socket
 * lives in the network namespace of the calling thread); {@link #send} and the handler run on
 * the loop; the counters may be read from any thread.
 */
public final class VrrpSocket6 implements AutoCloseable {

    /** Receives the messages of a {@link VrrpSocket6}, on its loop. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles one received VRRP message; its memory and the address arrays are valid during
         * the call only.
         *
         * @param message the receive buffer
         * @param offset where the VRRP message starts
         * @param length its length
         * @param hopLimit the hop limit it arrived with
         * @param source the sender, 16 bytes
         * @param destination the destination, 16 bytes
         */
        void onMessage(MemorySegment message, long offset, int length, int hopLimit, byte[] source,
                       byte[] destination);
    }

    private static final Logger LOG = LoggerFactory.getLogger(VrrpSocket6.class);

    private static final int AF_INET6 = 10;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_UNICAST_HOPS = 16;
    private static final int IPV6_MULTICAST_IF = 17;
    private static final int IPV6_MULTICAST_HOPS = 18;
    private static final int IPV6_MULTICAST_LOOP = 19;
    private static final int IPV6_JOIN_GROUP = 20;
    private static final int IPV6_RECVPKTINFO = 49;
    private static final int IPV6_PKTINFO = 50;
    private static final int IPV6_RECVHOPLIMIT = 51;
    private static final int IPV6_HOPLIMIT = 52;
    private static final int IPV6_TCLASS = 67;
    private static final int SO_BINDTODEVICE = 25;
    /** {@code struct sockaddr_in6 { u16 family; u16 port; u32 flowinfo; u8 addr[16]; u32 scope_id; }}. */
    private static final int SOCKADDR_IN6_SIZE = 28;
    private static final long MSG_CONTROL = Structs.MMSGHDR.byteOffset(
            MemoryLayout.PathElement.groupElement("msg_hdr"), MemoryLayout.PathElement.groupElement("msg_control"));
    private static final long MSG_CONTROLLEN = Structs.MMSGHDR.byteOffset(
            MemoryLayout.PathElement.groupElement("msg_hdr"), MemoryLayout.PathElement.groupElement("msg_controllen"));
    /** {@code struct cmsghdr { size_t len; int level; int type; }}, data 8-aligned after it. */
    private static final int CMSG_HEADER = 16;
    private static final int CONTROL = 128;
    private static final int SLOT = 2048;
    private static final int BATCH = 8;


    private final IoEventLoop loop;
    private final LinkInfo link;
    private final int fd;
    private final Handler handler;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState;
    private final MemorySegment rxBuffer;
    private final MemorySegment rxNames;
    private final MemorySegment rxControl;
    private final MemorySegment rxVec;
    private final MemorySegment destination;
    private final byte[] source = new byte[16];
    private final byte[] target = new byte[16];
    private final LoopCounters<SocketCounter> counters = new LoopCounters<>(SocketCounter.class);
    private final EpollDescriptor descriptor;

    private VrrpSocket6(IoEventLoop loop, LinkInfo link, int fd, Handler handler) {
        this.loop = loop;
        this.link = link;
        this.fd = fd;
        this.handler = handler;
        this.descriptor = new EpollDescriptor(loop, fd, this::drain, arena::close);
        this.callState = Libc.newCallState(arena);
        this.rxBuffer = arena.allocate((long) SLOT * BATCH, 64);
        this.rxNames = arena.allocate((long) SOCKADDR_IN6_SIZE * BATCH, 8);
        this.rxControl = arena.allocate((long) CONTROL * BATCH, 8);
        this.rxVec = arena.allocate(Structs.MMSGHDR, BATCH);
        MemorySegment iov = arena.allocate(Structs.IOVEC, BATCH);
        for (int i = 0; i < BATCH; i++) {
            long v = i * Structs.IOVEC.byteSize();
            iov.set(ADDRESS, v + Structs.IOV_BASE, rxBuffer.asSlice((long) i * SLOT));
            iov.set(JAVA_LONG, v + Structs.IOV_LEN, SLOT);
            long m = i * Structs.MMSGHDR.byteSize();
            rxVec.set(ADDRESS, m + Structs.MMSG_NAME, rxNames.asSlice((long) i * SOCKADDR_IN6_SIZE));
            rxVec.set(ADDRESS, m + Structs.MMSG_IOV, iov.asSlice(v));
            rxVec.set(JAVA_LONG, m + Structs.MMSG_IOVLEN, 1);
            rxVec.set(ADDRESS, m + MSG_CONTROL, rxControl.asSlice((long) i * CONTROL));
        }
        this.destination = arena.allocate(SOCKADDR_IN6_SIZE, 8);
    }

    /**
     * Opens the socket on an interface of the calling thread's namespace, bound to a link-local
     * address of it, joins ff02::12 there and registers it on a loop.
     *
     * @param loop an epoll event loop
     * @param interfaceName the interface
     * @param primary the instance's primary address: a link-local address of the interface
     * @param handler called with every received message, on the loop
     * @return the registered socket, receiving
     * @throws IOException if the interface or address does not exist or a socket call fails
     */
    public static VrrpSocket6 open(IoEventLoop loop, String interfaceName, Inet6Address primary, Handler handler)
            throws IOException {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("open blocks: call it from outside the socket's event loop");
        }
        RawSockets.ensureAvailability();
        Epoll.ensureAvailability();
        LinkInfo link = LinkInfo.of(interfaceName);
        int fd = PacketSocketFd.open(AF_INET6, Libc.SOCK_RAW, VrrpSocket.PROTOCOL);
        VrrpSocket6 socket;
        try {
            configure(fd, link, primary);
            socket = new VrrpSocket6(loop, link, fd, handler);
        } catch (IOException | RuntimeException e) {
            PacketSocketFd.close(fd);
            throw e;
        }
        socket.descriptor.register("the VRRP socket");
        LOG.debug("VRRP IPv6 socket fd {} on {} (ifindex {}) registered on {}", fd, link.name(), link.index(), loop);
        return socket;
    }

    private static void configure(int fd, LinkInfo link, Inet6Address primary) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(Structs.IFNAMSIZ);
            byte[] bytes = link.name().getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, name, ValueLayout.JAVA_BYTE, 0, bytes.length);
            PacketSocketFd.setOption(fd, Libc.SOL_SOCKET, SO_BINDTODEVICE, name, Structs.IFNAMSIZ, "SO_BINDTODEVICE");
            MemorySegment mreq = arena.allocate(20, 4);
            MemorySegment.copy(VrrpEncoder.MULTICAST_V6, 0, mreq, ValueLayout.JAVA_BYTE, 0, 16);
            mreq.set(JAVA_INT, 16, link.index());
            PacketSocketFd.setOption(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, mreq, 20, "IPV6_JOIN_GROUP");
            MemorySegment sa = sockaddr(arena.allocate(SOCKADDR_IN6_SIZE, 8), primary.getAddress(), link.index());
            MemorySegment cs = Libc.newCallState(arena);
            if (Libc.bind(cs, fd, sa, SOCKADDR_IN6_SIZE) < 0) {
                throw new NativeIoException("bind(" + primary.getHostAddress() + "%" + link.name() + ")", Libc.errno(cs));
            }
        }
        PacketSocketFd.setInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, link.index());
        PacketSocketFd.setInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VrrpEncoder.TTL);
        PacketSocketFd.setInt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VrrpEncoder.TTL);
        PacketSocketFd.setInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
        PacketSocketFd.setInt(fd, IPPROTO_IPV6, IPV6_TCLASS, VrrpEncoder.TOS);
        PacketSocketFd.setInt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
        PacketSocketFd.setInt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
    }

    private static MemorySegment sockaddr(MemorySegment sa, byte[] address, int scope) {
        sa.fill((byte) 0);
        sa.set(JAVA_SHORT, 0, (short) AF_INET6);
        MemorySegment.copy(address, 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
        sa.set(JAVA_INT, 24, scope);
        return sa;
    }

    /** @return the interface, as it was when opened */
    public LinkInfo link() {
        return link;
    }

    /**
     * Sends a VRRP message (the kernel adds the IPv6 header); on the loop only.
     *
     * @param message the message's memory
     * @param offset where it starts
     * @param length its length
     * @param to the destination, 16 bytes: ff02::12 or a unicast peer
     * @return {@code true} if the kernel took it, {@code false} if it failed (counted)
     */
    public boolean send(MemorySegment message, long offset, int length, byte[] to) {
        if (descriptor.released()) {
            counters.increment(SocketCounter.TX_ERRORS);
            return false;
        }
        sockaddr(destination, to, link.index());
        MemorySegment data = offset == 0 ? message : message.asSlice(offset);
        if (PacketSocketFd.sendTo(callState, fd, data, length, destination, SOCKADDR_IN6_SIZE)) {
            counters.increment(SocketCounter.TX_PACKETS);
            return true;
        }
        counters.increment(SocketCounter.TX_ERRORS);
        return false;
    }

    /** @return messages received */
    public long receivedPackets() {
        return counters.get(SocketCounter.RX_PACKETS);
    }

    /** @return messages sent */
    public long sentPackets() {
        return counters.get(SocketCounter.TX_PACKETS);
    }

    /** @return sends that failed */
    public long sendErrors() {
        return counters.get(SocketCounter.TX_ERRORS);
    }

    private void drain() {
        for (int round = 0; round < 16 && !descriptor.released(); round++) {
            for (int i = 0; i < BATCH; i++) {
                long m = i * Structs.MMSGHDR.byteSize();
                rxVec.set(JAVA_INT, m + Structs.MMSG_NAMELEN, SOCKADDR_IN6_SIZE);
                rxVec.set(JAVA_LONG, m + MSG_CONTROLLEN, CONTROL);
            }
            int n = Libc.recvmmsg(callState, fd, rxVec, BATCH, Libc.MSG_DONTWAIT, MemorySegment.NULL);
            if (n <= 0) {
                int errno = n < 0 ? Libc.errno(callState) : Libc.EAGAIN;
                if (errno != Libc.EAGAIN && errno != Libc.EINTR) {
                    counters.increment(SocketCounter.RX_ERRORS);
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                deliver(i);
            }
            if (n < BATCH) {
                return;
            }
        }
    }

    private void deliver(int i) {
        long m = i * Structs.MMSGHDR.byteSize();
        int length = rxVec.get(JAVA_INT, m + Structs.MMSG_LEN);
        int flags = rxVec.get(JAVA_INT, m + Structs.MMSG_FLAGS);
        if ((flags & Libc.MSG_TRUNC) != 0) {
            counters.increment(SocketCounter.RX_ERRORS);
            return;
        }
        MemorySegment.copy(rxNames, ValueLayout.JAVA_BYTE, (long) i * SOCKADDR_IN6_SIZE + 8, source, 0, 16);
        long control = (long) i * CONTROL;
        long controlLength = rxVec.get(JAVA_LONG, m + MSG_CONTROLLEN);
        int hopLimit = -1;
        boolean haveDestination = false;
        long at = 0;
        while (at + CMSG_HEADER <= controlLength) {
            long cmsgLength = rxControl.get(JAVA_LONG, control + at);
            int level = rxControl.get(JAVA_INT, control + at + 8);
            int type = rxControl.get(JAVA_INT, control + at + 12);
            if (cmsgLength < CMSG_HEADER || at + cmsgLength > controlLength) {
                break;
            }
            if (level == IPPROTO_IPV6 && type == IPV6_HOPLIMIT) {
                hopLimit = rxControl.get(JAVA_INT, control + at + CMSG_HEADER);
            } else if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO) {
                MemorySegment.copy(rxControl, ValueLayout.JAVA_BYTE, control + at + CMSG_HEADER, target, 0, 16);
                haveDestination = true;
            }
            at += (cmsgLength + 7) & ~7L;
        }
        if (hopLimit < 0 || !haveDestination) {
            counters.increment(SocketCounter.RX_ERRORS);
            return;
        }
        counters.increment(SocketCounter.RX_PACKETS);
        try {
            handler.onMessage(rxBuffer, (long) i * SLOT, length, hopLimit, source, target);
        } catch (RuntimeException e) {
            counters.increment(SocketCounter.RX_ERRORS);
            LOG.warn("VRRP IPv6 message handler failed on {}", link.name(), e);
        }
    }

    /** Deregisters and closes the socket; idempotent. */
    @Override
    public void close() {
        descriptor.close();
    }
}

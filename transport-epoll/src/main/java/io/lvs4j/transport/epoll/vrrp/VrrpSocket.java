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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A raw IPv4 socket of protocol 112 (VRRP) bound to one interface ({@code SO_BINDTODEVICE}) and
 * driven by a Netty epoll event loop. It joins 224.0.0.18 on the interface
 * ({@code IP_ADD_MEMBERSHIP} with a {@code struct ip_mreqn} naming the ifindex), sends multicast
 * out of that interface only ({@code IP_MULTICAST_IF}) with TTL 255 and without looping its own
 * adverts back ({@code IP_MULTICAST_LOOP} 0). Packets are sent whole ({@code IP_HDRINCL}), as
 * {@link VrrpEncoder#encodeIpv4Packet} builds them (TOS 0xc0, TTL 255), to the group or to a
 * unicast peer; received packets are handed over with their IP header, as
 * {@code VrrpNode.receiveIpv4} wants them.
 *
 * <p>Threading: {@link #open} and {@link #close} from any thread but the loop's ({@code open}
 * blocks until registered; the socket lives in the network namespace of the calling thread);
 * {@link #send} and the handler run on the loop; the counters may be read from any thread.
 */
public final class VrrpSocket implements AutoCloseable {

    /** Receives the packets of a {@link VrrpSocket}, on its loop. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles one received IPv4 packet; its memory is valid during the call only.
         *
         * @param packet the receive buffer
         * @param offset where the IP header starts
         * @param length the packet length
         */
        void onPacket(MemorySegment packet, long offset, int length);
    }

    private static final Logger LOG = LoggerFactory.getLogger(VrrpSocket.class);

    /** The IP protocol number of VRRP. */
    public static final int PROTOCOL = 112;
    private static final int IPPROTO_IP = 0;
    private static final int IP_HDRINCL = 3;
    private static final int IP_MULTICAST_IF = 32;
    private static final int IP_MULTICAST_TTL = 33;
    private static final int IP_MULTICAST_LOOP = 34;
    private static final int IP_ADD_MEMBERSHIP = 35;
    private static final int SO_BINDTODEVICE = 25;
    /** {@code struct ip_mreqn { struct in_addr imr_multiaddr, imr_address; int imr_ifindex; }}. */
    private static final int IP_MREQN_SIZE = 12;
    /** {@code struct sockaddr_in}: family, port, address, 8 bytes of zero. */
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int SLOT = 2048;
    private static final int BATCH = 8;
    private static final int ROUNDS = 16;


    private final IoEventLoop loop;
    private final LinkInfo link;
    private final int fd;
    private final Handler handler;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState;
    private final MemorySegment rxBuffer;
    private final MemorySegment rxVec;
    private final MemorySegment destination;
    private final LoopCounters<SocketCounter> counters = new LoopCounters<>(SocketCounter.class);
    private final EpollDescriptor descriptor;

    private VrrpSocket(IoEventLoop loop, LinkInfo link, int fd, Handler handler) {
        this.loop = loop;
        this.link = link;
        this.fd = fd;
        this.handler = handler;
        this.descriptor = new EpollDescriptor(loop, fd, this::drain, arena::close);
        this.callState = Libc.newCallState(arena);
        this.rxBuffer = arena.allocate((long) SLOT * BATCH, 64);
        this.rxVec = arena.allocate(Structs.MMSGHDR, BATCH);
        MemorySegment iov = arena.allocate(Structs.IOVEC, BATCH);
        for (int i = 0; i < BATCH; i++) {
            long v = i * Structs.IOVEC.byteSize();
            iov.set(ADDRESS, v + Structs.IOV_BASE, rxBuffer.asSlice((long) i * SLOT));
            iov.set(JAVA_LONG, v + Structs.IOV_LEN, SLOT);
            long m = i * Structs.MMSGHDR.byteSize();
            rxVec.set(ADDRESS, m + Structs.MMSG_IOV, iov.asSlice(v));
            rxVec.set(JAVA_LONG, m + Structs.MMSG_IOVLEN, 1);
        }
        this.destination = arena.allocate(SOCKADDR_IN_SIZE, 8);
    }

    /**
     * Opens the socket on an interface of the calling thread's namespace, joins the VRRP group
     * there and registers it on a loop.
     *
     * @param loop an epoll event loop
     * @param interfaceName the interface
     * @param handler called with every received packet, on the loop
     * @return the registered socket, receiving
     * @throws IOException if the interface does not exist or a socket call fails (no privilege)
     */
    public static VrrpSocket open(IoEventLoop loop, String interfaceName, Handler handler) throws IOException {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("open blocks: call it from outside the socket's event loop");
        }
        RawSockets.ensureAvailability();
        Epoll.ensureAvailability();
        LinkInfo link = LinkInfo.of(interfaceName);
        int fd = PacketSocketFd.open(Libc.AF_INET, Libc.SOCK_RAW, PROTOCOL);
        VrrpSocket socket;
        try {
            configure(fd, link);
            socket = new VrrpSocket(loop, link, fd, handler);
        } catch (IOException | RuntimeException e) {
            PacketSocketFd.close(fd);
            throw e;
        }
        socket.descriptor.register("the VRRP socket");
        LOG.debug("VRRP socket fd {} on {} (ifindex {}) registered on {}", fd, link.name(), link.index(), loop);
        return socket;
    }

    private static void configure(int fd, LinkInfo link) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(Structs.IFNAMSIZ);
            byte[] bytes = link.name().getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, name, ValueLayout.JAVA_BYTE, 0, bytes.length);
            PacketSocketFd.setOption(fd, Libc.SOL_SOCKET, SO_BINDTODEVICE, name, Structs.IFNAMSIZ, "SO_BINDTODEVICE");
            MemorySegment mreqn = arena.allocate(IP_MREQN_SIZE, 4);
            MemorySegment.copy(VrrpEncoder.MULTICAST_V4, 0, mreqn, ValueLayout.JAVA_BYTE, 0, 4);
            mreqn.set(JAVA_INT, 8, link.index());
            PacketSocketFd.setOption(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreqn, IP_MREQN_SIZE, "IP_ADD_MEMBERSHIP");
            MemorySegment out = arena.allocate(IP_MREQN_SIZE, 4);
            out.set(JAVA_INT, 8, link.index());
            PacketSocketFd.setOption(fd, IPPROTO_IP, IP_MULTICAST_IF, out, IP_MREQN_SIZE, "IP_MULTICAST_IF");
        }
        PacketSocketFd.setInt(fd, IPPROTO_IP, IP_MULTICAST_TTL, VrrpEncoder.TTL);
        PacketSocketFd.setInt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
        PacketSocketFd.setInt(fd, IPPROTO_IP, IP_HDRINCL, 1);
    }

    /** @return the interface, as it was when opened */
    public LinkInfo link() {
        return link;
    }

    /** @return the loop serving this socket */
    public IoEventLoop loop() {
        return loop;
    }

    /**
     * Sends a whole IPv4 packet (header included) to an address; on the loop only.
     *
     * @param packet the packet's memory
     * @param offset where its IP header starts
     * @param length its length
     * @param to the destination, 4 bytes: 224.0.0.18 or a unicast peer
     * @return {@code true} if the kernel took it, {@code false} if it failed (counted)
     */
    public boolean send(MemorySegment packet, long offset, int length, byte[] to) {
        if (descriptor.released()) {
            counters.increment(SocketCounter.TX_ERRORS);
            return false;
        }
        destination.fill((byte) 0);
        destination.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
        MemorySegment.copy(to, 0, destination, ValueLayout.JAVA_BYTE, 4, 4);
        MemorySegment data = offset == 0 ? packet : packet.asSlice(offset);
        if (PacketSocketFd.sendTo(callState, fd, data, length, destination, SOCKADDR_IN_SIZE)) {
            counters.increment(SocketCounter.TX_PACKETS);
            return true;
        }
        counters.increment(SocketCounter.TX_ERRORS);
        return false;
    }

    /**
     * Sends to 224.0.0.18.
     *
     * @param packet the packet's memory
     * @param offset where its IP header starts
     * @param length its length
     * @return {@code true} if the kernel took it
     */
    public boolean sendMulticast(MemorySegment packet, long offset, int length) {
        return send(packet, offset, length, VrrpEncoder.MULTICAST_V4);
    }

    /** @return packets received */
    public long receivedPackets() {
        return counters.get(SocketCounter.RX_PACKETS);
    }

    /** @return packets sent */
    public long sentPackets() {
        return counters.get(SocketCounter.TX_PACKETS);
    }

    /** @return sends that failed (link down, no route, closed) */
    public long sendErrors() {
        return counters.get(SocketCounter.TX_ERRORS);
    }

    /** @return receive errors and packets longer than a receive slot */
    public long receiveErrors() {
        return counters.get(SocketCounter.RX_ERRORS) + counters.get(SocketCounter.RX_TRUNCATED);
    }

    private void drain() {
        for (int round = 0; round < ROUNDS && !descriptor.released(); round++) {
            int n = Libc.recvmmsg(callState, fd, rxVec, BATCH, Libc.MSG_DONTWAIT, MemorySegment.NULL);
            if (n <= 0) {
                int errno = n < 0 ? Libc.errno(callState) : Libc.EAGAIN;
                if (errno != Libc.EAGAIN && errno != Libc.EINTR) {
                    counters.increment(SocketCounter.RX_ERRORS);
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                long m = i * Structs.MMSGHDR.byteSize();
                int length = rxVec.get(JAVA_INT, m + Structs.MMSG_LEN);
                int flags = rxVec.get(JAVA_INT, m + Structs.MMSG_FLAGS);
                if ((flags & Libc.MSG_TRUNC) != 0) {
                    counters.increment(SocketCounter.RX_TRUNCATED);
                    continue;
                }
                counters.increment(SocketCounter.RX_PACKETS);
                try {
                    handler.onPacket(rxBuffer, (long) i * SLOT, length);
                } catch (RuntimeException e) {
                    counters.increment(SocketCounter.RX_ERRORS);
                    LOG.warn("VRRP packet handler failed on {}", link.name(), e);
                }
            }
            if (n < BATCH) {
                return;
            }
        }
    }

    /** Deregisters and closes the socket; idempotent. */
    @Override
    public void close() {
        descriptor.close();
    }
}

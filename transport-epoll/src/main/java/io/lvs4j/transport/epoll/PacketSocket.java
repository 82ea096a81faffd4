package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.ControlMessages;
import io.lvs4j.transport.epoll.internal.EpollDescriptor;
import io.lvs4j.transport.epoll.internal.FanoutProgram;
import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.MarkFilter;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.SocketCounter;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.lvs4j.transport.epoll.internal.Structs;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * An {@code AF_PACKET}/{@code SOCK_RAW} socket bound to one interface and driven by one Netty
 * epoll event loop: frames are received in batches with {@code recvmmsg}, or a block at a time
 * from a {@code TPACKET_V3} ring ({@link PacketSocketOptions#receiveRing()}), handed to a
 * {@link FrameHandler} one by one, and those it forwards (rewritten in place, no copy) are sent
 * in one {@code sendmmsg} after the batch. A forwarded frame may leave on another interface of
 * the namespace ({@link PacketFrame#forward(int)}): its message then names that interface
 * ({@code sockaddr_ll}), as a packet socket may send on any interface, bound or not.
 *
 * <p>A marked socket ({@link #openMarked}) is bound to IPv4 alone, so the kernel serves it after
 * the netdev {@code ingress} hook (a socket of every protocol is a tap served before it), and
 * reads each packet's firewall mark from the control message {@code SO_RCVMARK} adds; a socket
 * filter keeps only the marks the director serves. It receives with {@code recvmmsg}, never
 * from a ring ({@code tpacket3_hdr} carries no mark).
 *
 * <p>Threading: {@link #open} and {@link #close} may be called from any thread but the socket's
 * own loop ({@code open} blocks until the socket is registered); {@link #send} and everything
 * the handler does run on the loop; {@link #statistics()} may be called from any thread. The
 * socket is created in the network namespace of the thread calling {@code open}.
 */
public final class PacketSocket implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PacketSocket.class);


    /** Largest frame a slot holds: a 64 KiB GSO super-frame plus Ethernet and VLAN headers. */
    static final int MAX_FRAME = 65536 + 64;
    /** A receive slot: virtio-net header plus {@link #MAX_FRAME}, rounded up to a multiple of 64. */
    private static final int SLOT = (10 + MAX_FRAME + 63) & ~63;
    private static final int GENERATED_SLOTS = 32;
    private static final int GENERATED_SLOT = 2048;
    private static final int BATCHES_PER_WAKEUP = 16;
    /** The control buffer of a marked socket's receive slot: room for the mark's message, and more. */
    private static final int CONTROL_SLOT = 2 * ControlMessages.SPACE_U32;

    private final IoEventLoop loop;
    private final LinkInfo link;
    private final PacketSocketOptions options;
    private final int fd;
    private final int vnetLength;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState;
    /** The memory frames are received into: the {@code recvmmsg} slots, or the ring. */
    private final MemorySegment rxBuffer;
    private final MemorySegment rxVec;
    private final MemorySegment rxNames;
    private final RingReader ring;
    /** The control buffers of the {@code recvmmsg} slots of a marked socket, else null. */
    private final MemorySegment rxControl;
    private final MemorySegment txVec;
    private final MemorySegment txIov;
    /** A {@code sockaddr_ll} per transmit slot, naming the interface of a frame that leaves on another. */
    private final MemorySegment txNames;
    private final MemorySegment generated;
    private final int batch;
    private final int txCapacity;
    private final LoopCounters<SocketCounter> counters = new LoopCounters<>(SocketCounter.class);
    private final PacketFrame frame;
    private final EpollDescriptor descriptor;
    private FrameHandler handler;
    private int txCount;
    private int generatedUsed;
    private boolean inBatch;
    private long kernelPackets;
    private long kernelDrops;

    private PacketSocket(IoEventLoop loop, LinkInfo link, PacketSocketOptions options, int fd, MemorySegment ringMemory,
            boolean marked) {
        this.loop = loop;
        this.link = link;
        this.options = options;
        this.fd = fd;
        this.vnetLength = options.vnetHeader() ? (int) Structs.VIRTIO_NET_HDR.byteSize() : 0;
        this.batch = options.batchSize();
        this.txCapacity = batch + GENERATED_SLOTS;
        this.callState = Libc.newCallState(arena);
        int rxSlots = ringMemory == null ? batch : 0;
        this.ring = ringMemory == null ? null
                : new RingReader(ringMemory, options.receiveRing().blockBytes(), options.receiveRing().blocks());
        this.rxBuffer = ringMemory == null ? arena.allocate((long) SLOT * batch, 64) : ringMemory;
        this.rxVec = arena.allocate(Structs.MMSGHDR, Math.max(1, rxSlots));
        this.rxNames = arena.allocate(Structs.SOCKADDR_LL, Math.max(1, rxSlots));
        MemorySegment rxIov = arena.allocate(Structs.IOVEC, Math.max(1, rxSlots));
        this.rxControl = marked ? arena.allocate((long) CONTROL_SLOT * Math.max(1, rxSlots), 8) : null;
        for (int i = 0; i < rxSlots; i++) {
            long iov = i * Structs.IOVEC.byteSize();
            rxIov.set(ADDRESS, iov + Structs.IOV_BASE, rxBuffer.asSlice((long) i * SLOT));
            rxIov.set(JAVA_LONG, iov + Structs.IOV_LEN, SLOT);
            long m = i * Structs.MMSGHDR.byteSize();
            rxVec.set(ADDRESS, m + Structs.MMSG_NAME, rxNames.asSlice(i * Structs.SOCKADDR_LL.byteSize()));
            rxVec.set(ADDRESS, m + Structs.MMSG_IOV, rxIov.asSlice(iov));
            rxVec.set(JAVA_LONG, m + Structs.MMSG_IOVLEN, 1);
            if (rxControl != null) {
                rxVec.set(ADDRESS, m + Structs.MMSG_CONTROL, rxControl.asSlice((long) i * CONTROL_SLOT));
            }
        }
        this.txVec = arena.allocate(Structs.MMSGHDR, txCapacity);
        this.txIov = arena.allocate(Structs.IOVEC, txCapacity);
        this.txNames = arena.allocate(Structs.SOCKADDR_LL, txCapacity);
        for (int i = 0; i < txCapacity; i++) {
            long name = i * Structs.SOCKADDR_LL.byteSize();
            txNames.set(JAVA_SHORT_UNALIGNED, name + Structs.SLL_FAMILY, (short) Libc.AF_PACKET);
            txNames.set(JAVA_SHORT_UNALIGNED, name + Structs.SLL_PROTOCOL, Short.reverseBytes((short) Libc.ETH_P_ALL));
            long m = i * Structs.MMSGHDR.byteSize();
            txVec.set(ADDRESS, m + Structs.MMSG_IOV, txIov.asSlice(i * Structs.IOVEC.byteSize()));
            txVec.set(JAVA_LONG, m + Structs.MMSG_IOVLEN, 1);
        }
        this.generated = arena.allocate((long) GENERATED_SLOT * GENERATED_SLOTS, 64);
        this.frame = new PacketFrame(this, rxBuffer, options.vnetHeader());
        this.descriptor = new EpollDescriptor(loop, fd, this::drain, () -> {
            arena.close();
            if (ringMemory != null) {
                PacketSocketFd.unmap(ringMemory);
            }
        });
    }

    /**
     * Opens a packet socket on an interface of the calling thread's namespace and registers it on
     * a loop, optionally joining a {@code PACKET_FANOUT} group of the kind
     * {@link PacketSocketOptions#fanout()} names.
     *
     * @param loop an epoll event loop (of a group built with {@code EpollIoHandler.newFactory()})
     * @param options the socket options
     * @param fanout whether to join the fanout group {@link PacketSocketOptions#fanoutGroupId()}
     * @param handlerFactory makes the handler of this socket
     * @return the registered socket, receiving
     * @throws IOException if the interface does not exist or a socket call fails
     */
    public static PacketSocket open(IoEventLoop loop, PacketSocketOptions options, boolean fanout,
            Function<PacketSocket, FrameHandler> handlerFactory) throws IOException {
        // Without the group's size the program's modulo is a no-op and the kernel's (over the
        // group's current size) picks the socket.
        return open(loop, options, fanout ? 256 : 0, handlerFactory);
    }

    /**
     * Opens a packet socket as {@link #open(IoEventLoop, PacketSocketOptions, boolean, Function)}
     * does, for a group of a known size.
     *
     * @param fanoutSockets the number of sockets of the fanout group, or 0 not to join one
     */
    static PacketSocket open(IoEventLoop loop, PacketSocketOptions options, int fanoutSockets,
            Function<PacketSocket, FrameHandler> handlerFactory) throws IOException {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("open blocks: call it from outside the socket's event loop");
        }
        RawSockets.ensureAvailability();
        Epoll.ensureAvailability();
        LinkInfo link = LinkInfo.of(options.interfaceName());
        PacketSocketOptions.ReceiveRing ringOptions = options.receiveRing();
        // A ring (and the virtio-net header it depends on) must be set up before the socket
        // receives anything, that is before it is bound.
        int fd = ringOptions == null ? PacketSocketFd.openPacket(link.index()) : PacketSocketFd.openPacketUnbound();
        MemorySegment ringMemory = null;
        PacketSocket socket;
        try {
            if (ringOptions != null) {
                if (options.vnetHeader()) {
                    PacketSocketFd.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_VNET_HDR, 1);
                }
                ringMemory = PacketSocketFd.mapReceiveRing(fd, ringOptions.blockBytes(), ringOptions.blocks(),
                        ringOptions.retireMillis());
                PacketSocketFd.bindPacket(fd, link.index());
            }
            configure(fd, options, fanoutSockets);
            socket = new PacketSocket(loop, link, options, fd, ringMemory, false);
        } catch (IOException | RuntimeException e) {
            PacketSocketFd.close(fd);
            if (ringMemory != null) {
                PacketSocketFd.unmap(ringMemory);
            }
            throw e;
        }
        socket.handler = handlerFactory.apply(socket);
        socket.descriptor.register("the packet socket");
        LOG.debug("packet socket fd {} on {} (ifindex {}) registered on {}, receiving {}", fd, link.name(), link.index(),
                loop, ringOptions == null ? "with recvmmsg" : "from a ring " + ringOptions);
        return socket;
    }

    /**
     * Opens a marked socket on an interface of the calling thread's namespace and registers it
     * on a loop: bound to IPv4 alone, reporting each packet's mark, keeping only the given
     * marks, joining the fanout group of {@code options} (whose fanout must not need the VIPs:
     * the flow hash or the IPv4 source) when {@code fanoutSockets} is above 0.
     *
     * @param loop an epoll event loop
     * @param options the socket options (a receive ring is ignored)
     * @param fanoutSockets the number of sockets of the fanout group, or 0 not to join one
     * @param marks the firewall marks to keep
     * @param handlerFactory makes the handler of this socket
     * @return the registered socket, receiving
     * @throws IOException if the interface does not exist or a socket call fails (a kernel
     *     before 5.19 refuses {@code SO_RCVMARK})
     */
    static PacketSocket openMarked(IoEventLoop loop, PacketSocketOptions options, int fanoutSockets, int[] marks,
            Function<PacketSocket, FrameHandler> handlerFactory) throws IOException {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("open blocks: call it from outside the socket's event loop");
        }
        if (options.fanout() == PacketSocketOptions.Fanout.CLIENT_ADDRESS) {
            throw new IllegalArgumentException("a marked socket steers by flow hash or IPv4 source");
        }
        RawSockets.ensureAvailability();
        Epoll.ensureAvailability();
        LinkInfo link = LinkInfo.of(options.interfaceName());
        PacketSocketOptions plain = options.withReceiveRing(null);
        int fd = PacketSocketFd.openPacketUnbound();
        PacketSocket socket;
        try {
            PacketSocketFd.setInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVMARK, 1);
            PacketSocketFd.attachFilter(fd, MarkFilter.program(marks));
            PacketSocketFd.bindPacket(fd, link.index(), Libc.ETH_P_IP);
            configure(fd, plain, fanoutSockets);
            socket = new PacketSocket(loop, link, plain, fd, null, true);
        } catch (IOException | RuntimeException e) {
            PacketSocketFd.close(fd);
            throw e;
        }
        socket.handler = handlerFactory.apply(socket);
        socket.descriptor.register("the marked packet socket");
        LOG.debug("marked packet socket fd {} on {} (ifindex {}) registered on {}, marks {}", fd, link.name(),
                link.index(), loop, java.util.Arrays.toString(marks));
        return socket;
    }

    /**
     * Replaces the marks a marked socket keeps (its socket filter).
     *
     * @param marks the firewall marks to keep
     * @throws IOException if the kernel refuses the filter
     */
    void marks(int[] marks) throws IOException {
        PacketSocketFd.attachFilter(fd, MarkFilter.program(marks));
    }

    private static void configure(int fd, PacketSocketOptions options, int fanoutSockets) throws NativeIoException {
        boolean ring = options.receiveRing() != null;
        if (options.vnetHeader() && !ring) {
            PacketSocketFd.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_VNET_HDR, 1);
        }
        if (options.ignoreOutgoing()) {
            PacketSocketFd.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, 1);
        }
        if (options.qdiscBypass()) {
            PacketSocketFd.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, 1);
        }
        if (!ring) {
            setBuffer(fd, Libc.SO_RCVBUFFORCE, Libc.SO_RCVBUF, options.receiveBufferBytes());
        }
        setBuffer(fd, Libc.SO_SNDBUFFORCE, Libc.SO_SNDBUF, options.sendBufferBytes());
        if (fanoutSockets > 0) {
            // No PACKET_FANOUT_FLAG_DEFRAG: a lone fragment would vanish in the kernel's reassembly
            // queue instead of reaching the director, which counts and drops fragments.
            int[][] program = switch (options.fanout()) {
                case FLOW_HASH -> null;
                case IPV4_SOURCE -> FanoutProgram.ipv4Source(fanoutSockets);
                case CLIENT_ADDRESS -> FanoutProgram.clientAddress(fanoutSockets, options.fanoutVirtualAddresses());
            };
            int type = program != null ? Libc.PACKET_FANOUT_CBPF : Libc.PACKET_FANOUT_HASH;
            PacketSocketFd.setInt(fd, Libc.SOL_PACKET, Libc.PACKET_FANOUT, options.fanoutGroupId() | (type << 16));
            if (program != null) {
                // The program belongs to the group; every member sets the same one, so the group
                // steers by it as soon as its first socket has joined.
                PacketSocketFd.setFanoutProgram(fd, program);
            }
        }
    }

    private static void setBuffer(int fd, int force, int plain, int bytes) throws NativeIoException {
        if (bytes == 0) {
            return;
        }
        try {
            PacketSocketFd.setInt(fd, Libc.SOL_SOCKET, force, bytes);
        } catch (NativeIoException e) {
            if (e.errno() != Libc.EPERM) {
                throw e;
            }
            PacketSocketFd.setInt(fd, Libc.SOL_SOCKET, plain, bytes);
        }
    }

    /**
     * Replaces the classic BPF program of the socket's {@code PACKET_FANOUT_CBPF} group: the
     * program is the group's, so one member's call steers every member's frames.
     *
     * @param program the instructions, {@code {code, jt, jf, k}} each
     * @throws IOException if the socket is in no such group or the program is refused
     */
    void fanoutProgram(int[][] program) throws IOException {
        PacketSocketFd.setFanoutProgram(fd, program);
    }

    /** @return the interface this socket is bound to, as it was when opened */
    public LinkInfo link() {
        return link;
    }

    /** @return the options the socket was opened with */
    public PacketSocketOptions options() {
        return options;
    }

    /** @return the event loop serving this socket */
    public IoEventLoop loop() {
        return loop;
    }

    /** @return the socket's file descriptor */
    public int fd() {
        return fd;
    }

    /**
     * Sends a frame built by the caller (an ARP reply, a gratuitous ARP), copied into the
     * socket's own transmit memory; on the loop thread only. Within a handler call the frame
     * leaves with the batch; otherwise at once.
     *
     * @param source the frame's memory
     * @param offset where the Ethernet header starts
     * @param length the frame length, at most 2,038 bytes
     * @return {@code true} if queued or sent, {@code false} if too long or the socket is closed
     */
    public boolean send(MemorySegment source, long offset, int length) {
        if (descriptor.released() || length <= 0 || length + vnetLength > GENERATED_SLOT) {
            counters.increment(SocketCounter.TX_DROPPED);
            return false;
        }
        if (generatedUsed == GENERATED_SLOTS || txCount == txCapacity) {
            flush();
        }
        long base = (long) generatedUsed++ * GENERATED_SLOT;
        if (vnetLength > 0) {
            generated.set(JAVA_LONG_UNALIGNED, base, 0L);
            generated.set(JAVA_SHORT_UNALIGNED, base + 8, (short) 0);
        }
        MemorySegment.copy(source, offset, generated, base + vnetLength, length);
        queue(generated.address() + base, vnetLength + length, link.index());
        if (!inBatch) {
            flush();
        }
        return true;
    }

    void queueForward(long slot, int lengthWithHeader, int ifindex) {
        if (txCount == txCapacity) {
            flush();
        }
        queue(rxBuffer.address() + slot, lengthWithHeader, ifindex);
    }

    /** Queues a frame to leave on an interface: without a name on the socket's own, as with one interface. */
    private void queue(long address, int length, int ifindex) {
        long iov = txCount * Structs.IOVEC.byteSize();
        txIov.set(JAVA_LONG, iov + Structs.IOV_BASE, address);
        txIov.set(JAVA_LONG, iov + Structs.IOV_LEN, length);
        long m = txCount * Structs.MMSGHDR.byteSize();
        if (ifindex == link.index()) {
            txVec.set(JAVA_LONG, m + Structs.MMSG_NAME, 0L);
            txVec.set(JAVA_INT, m + Structs.MMSG_NAMELEN, 0);
        } else {
            long name = txCount * Structs.SOCKADDR_LL.byteSize();
            txNames.set(JAVA_INT, name + Structs.SLL_IFINDEX, ifindex);
            txVec.set(JAVA_LONG, m + Structs.MMSG_NAME, txNames.address() + name);
            txVec.set(JAVA_INT, m + Structs.MMSG_NAMELEN, (int) Structs.SOCKADDR_LL.byteSize());
        }
        txCount++;
    }

    private void flush() {
        int start = 0;
        int attempts = 0;
        while (start < txCount && attempts++ < txCount + 4) {
            MemorySegment from = start == 0 ? txVec : txVec.asSlice(start * Structs.MMSGHDR.byteSize());
            int sent = Libc.sendmmsg(callState, fd, from, txCount - start, Libc.MSG_DONTWAIT);
            if (sent > 0) {
                for (int i = start; i < start + sent; i++) {
                    counters.add(SocketCounter.TX_BYTES, txVec.get(JAVA_INT, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_LEN)
                            - vnetLength);
                }
                counters.add(SocketCounter.TX_PACKETS, sent);
                start += sent;
                continue;
            }
            int errno = Libc.errno(callState);
            if (errno == Libc.EINTR) {
                continue;
            }
            if (errno == Libc.EAGAIN || errno == 105 /* ENOBUFS */) {
                counters.add(SocketCounter.TX_DROPPED, txCount - start);
                break;
            }
            counters.increment(SocketCounter.TX_ERRORS);
            start++;
        }
        txCount = 0;
        generatedUsed = 0;
    }

    private void drain() {
        inBatch = true;
        try {
            for (int round = 0; round < BATCHES_PER_WAKEUP && !descriptor.released(); round++) {
                int n = ring != null ? ring.readBlock(this, vnetLength) : receiveBatch();
                if (n < 0 || (ring == null && n < batch)) {
                    return;
                }
            }
        } finally {
            inBatch = false;
        }
    }

    /** One {@code recvmmsg}; @return the frames it received, or -1 if none */
    private int receiveBatch() {
        for (int i = 0; i < batch; i++) {
            rxVec.set(JAVA_INT, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_NAMELEN,
                    (int) Structs.SOCKADDR_LL.byteSize());
            if (rxControl != null) {
                rxVec.set(JAVA_LONG, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_CONTROLLEN, CONTROL_SLOT);
            }
        }
        int n = Libc.recvmmsg(callState, fd, rxVec, batch, Libc.MSG_DONTWAIT, MemorySegment.NULL);
        if (n <= 0) {
            int errno = n < 0 ? Libc.errno(callState) : Libc.EAGAIN;
            if (errno != Libc.EAGAIN && errno != Libc.EINTR) {
                counters.increment(SocketCounter.RX_ERRORS);
            }
            return -1;
        }
        if (handler.previews()) {
            for (int i = 0; i < n; i++) {
                int length = rxVec.get(JAVA_INT, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_LEN);
                preview((long) i * SLOT, length);
            }
            handler.previewed();
        }
        for (int i = 0; i < n; i++) {
            long m = i * Structs.MMSGHDR.byteSize();
            int length = rxVec.get(JAVA_INT, m + Structs.MMSG_LEN);
            int flags = rxVec.get(JAVA_INT, m + Structs.MMSG_FLAGS);
            int packetType = rxNames.get(JAVA_BYTE, i * Structs.SOCKADDR_LL.byteSize() + Structs.SLL_PKTTYPE) & 0xFF;
            int mark = rxControl == null ? 0 : ControlMessages.mark(rxControl, (long) i * CONTROL_SLOT,
                    rxVec.get(JAVA_LONG, m + Structs.MMSG_CONTROLLEN));
            receive((long) i * SLOT, length, (flags & Libc.MSG_TRUNC) != 0, packetType, mark);
        }
        endBatch();
        return n;
    }

    /**
     * Shows one frame of a received batch to the handler ahead of the batch's handling (see
     * {@link FrameHandler#preview}); a truncated frame is shown as far as it was stored.
     *
     * @param slot where the frame starts in the receive memory, virtio-net header first
     * @param length its stored length with that header
     */
    void preview(long slot, int length) {
        if (length >= vnetLength + 14) {
            handler.preview(rxBuffer, slot + vnetLength, Math.min(length, SLOT) - vnetLength);
        }
    }

    /** @return whether the handler previews this batch ({@link FrameHandler#previews()}) */
    boolean previews() {
        return handler.previews();
    }

    /** Tells the handler that the frames of a batch were previewed. */
    void previewed() {
        handler.previewed();
    }

    /**
     * Hands one received frame to the handler (or counts it as cut short).
     *
     * @param slot where the frame starts in the receive memory, virtio-net header first
     * @param length its length with that header
     * @param truncated whether the kernel stored less than the whole frame
     * @param packetType its {@code sll_pkttype}
     * @param mark its firewall mark (a marked socket's), else 0
     */
    void receive(long slot, int length, boolean truncated, int packetType, int mark) {
        if (truncated || length < vnetLength + 14) {
            counters.increment(SocketCounter.RX_TRUNCATED);
            return;
        }
        counters.increment(SocketCounter.RX_PACKETS);
        counters.add(SocketCounter.RX_BYTES, length - vnetLength);
        frame.wrap(slot, slot + vnetLength, length - vnetLength, packetType, mark);
        handler.onFrame(frame);
    }

    /** Ends a received batch: sends what the handler forwarded, then tells it. */
    void endBatch() {
        counters.increment(SocketCounter.RX_BATCHES);
        if (txCount > 0) {
            flush();
        }
        handler.onBatchEnd();
    }

    /**
     * Reads this socket's counters, adding the kernel's {@code PACKET_STATISTICS} (which a read
     * resets) to the totals kept here. Any thread.
     *
     * @return the totals since the socket opened
     */
    public PacketSocketStatistics statistics() {
        synchronized (descriptor) {
            if (!descriptor.released()) {
                try {
                    long[] kernel = PacketSocketFd.readAndResetStatistics(fd);
                    kernelPackets += kernel[0];
                    kernelDrops += kernel[1];
                } catch (NativeIoException e) {
                    LOG.debug("cannot read PACKET_STATISTICS of fd {}: {}", fd, e.getMessage());
                }
            }
            return new PacketSocketStatistics(counters.get(SocketCounter.RX_PACKETS), counters.get(SocketCounter.RX_BYTES),
                    counters.get(SocketCounter.RX_TRUNCATED), counters.get(SocketCounter.RX_ERRORS), counters.get(SocketCounter.TX_PACKETS), counters.get(SocketCounter.TX_BYTES),
                    counters.get(SocketCounter.TX_DROPPED), counters.get(SocketCounter.TX_ERRORS), kernelPackets, kernelDrops);
        }
    }

    /** Deregisters the socket from its loop and closes it; idempotent. Not from a handler. */
    @Override
    public void close() {
        descriptor.close();
    }
}

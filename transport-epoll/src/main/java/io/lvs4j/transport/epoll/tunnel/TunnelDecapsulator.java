package io.lvs4j.transport.epoll.tunnel;

import io.lvs4j.transport.epoll.internal.EpollDescriptor;
import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.lvs4j.transport.epoll.internal.Structs;
import io.lvs4j.transport.epoll.internal.TunFd;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The real server's side of LVS tunnelling, in user space, for kernels without the
 * {@code ipip}, {@code ip6_tunnel} or {@code fou} modules: receives the packets a director
 * encapsulated and injects the inner packets into a TUN device, so that the kernel delivers
 * them to the local service bound to the VIP, which answers the client directly with the VIP as
 * source.
 *
 * <ul>
 * <li>IPIP: a raw IPv4 socket of protocol 4 (IPv4 in IPv4) and a raw IPv6 socket of protocol 41
 *     (IPv6 in IPv6, what IPVS sends to an IPv6 real server). Holding such a socket also stops
 *     the kernel from answering these packets with ICMP "protocol unreachable" (IPv6: "parameter
 *     problem"): it sends those only when no raw socket took the packet.
 * <li>GUE: a UDP socket per address family on the GUE port (default {@value #DEFAULT_GUE_PORT},
 *     the usual choice with IPVS's {@code --tun-type gue --tun-port}); both the GUE version-0
 *     header of IPVS (also with its remote checksum offload, the inner checksum then being
 *     completed here) and GUE "variant 1" (the inner packet right after the UDP header, as
 *     Katran sends it) are accepted, carrying IPv4 or IPv6.
 * </ul>
 * What is checked and counted is said in {@link Decapsulation} and {@link DecapCounter};
 * {@link Builder#allowedSources} limits the outer sources to the directors. Every raw socket of a
 * protocol gets its own copy of each packet, so run one IPIP decapsulator per network namespace
 * (two would inject every packet twice). The TUN device ({@code IFF_TUN | IFF_NO_PI}) is created
 * and brought up by {@link #start()} and disappears with {@link #close()}; packets the kernel
 * routes out of it are read and discarded.
 *
 * <p>The host needs more than this (see {@code RealServerSetup} in the testkit, used by
 * {@code lvs4j realserver}): the VIP on {@code lo} (or on the TUN device) with
 * {@code arp_ignore=1} and {@code arp_announce=2} as for LVS-TUN, and {@code rp_filter} off on
 * the TUN device (and in {@code all}), or the kernel drops inner packets whose source it routes
 * through another interface. {@link #start()} needs {@code CAP_NET_ADMIN} (the TUN device) and,
 * for IPIP, {@code CAP_NET_RAW}.
 *
 * <pre>{@code
 * TunnelDecapsulator decap = TunnelDecapsulator.builder().gue(6080).tunName("lvs4j0")
 *         .loop(loop).build().start();
 * ...
 * decap.close();
 * }</pre>
 *
 * <p>Threading: {@link #start()} and {@link #close()} from any thread but the loop's (sockets and
 * device belong to the network namespace of the thread calling {@code start}); packets are
 * handled on the loop, in batches ({@code recvmmsg}), without allocating; counters may be read
 * from any thread.
 */
public final class TunnelDecapsulator implements AutoCloseable {

    /** The default GUE port: the one commonly given to IPVS ({@code --tun-port 6080}). */
    public static final int DEFAULT_GUE_PORT = 6080;
    /** The default name of the TUN device. */
    public static final String DEFAULT_TUN_NAME = "lvs4j-tun0";
    /** The default receive buffer of each tunnel socket, in bytes. */
    public static final int DEFAULT_RECEIVE_BUFFER = 4 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(TunnelDecapsulator.class);
    private static final DecapCounter[] COUNTERS = DecapCounter.values();
    private static final int AF_INET6 = 10;
    private static final int IPPROTO_IPIP = 4;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int SOCKADDR_IN6_SIZE = 28;
    /** One slot holds the largest IP packet. */
    private static final int SLOT = 65536;
    private static final int BATCH = 8;
    private static final int ROUNDS = 16;

    private enum Kind { IPIP, IP6IP6, GUE, TUN }

    private final IoEventLoop loop;
    private final boolean gue;
    private final int guePort;
    private final Set<StandardProtocolFamily> families;
    private final String tunName;
    private final int receiveBuffer;
    private final LoopCounters<DecapCounter> counters = new LoopCounters<>(DecapCounter.class);
    private final Decapsulation decapsulation = new Decapsulation();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState;
    private final MemorySegment rxBuffer;
    private final MemorySegment rxVec;
    private final MemorySegment rxNames;
    private final SourceFilter sources;
    private final List<EpollDescriptor> endpoints = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private int tunFd = -1;

    private TunnelDecapsulator(Builder b) {
        this.loop = b.loop;
        this.gue = b.gue;
        this.guePort = b.guePort;
        this.families = Collections.unmodifiableSet(EnumSet.copyOf(b.families));
        this.tunName = b.tunName;
        this.receiveBuffer = b.receiveBuffer;
        this.callState = Libc.newCallState(arena);
        this.rxBuffer = arena.allocate((long) SLOT * BATCH, 64);
        this.rxVec = arena.allocate(Structs.MMSGHDR, BATCH);
        this.rxNames = arena.allocate((long) SourceFilter.SOCKADDR_SIZE * BATCH, 8);
        this.sources = new SourceFilter(b.sources);
        MemorySegment iov = arena.allocate(Structs.IOVEC, BATCH);
        for (int i = 0; i < BATCH; i++) {
            long v = i * Structs.IOVEC.byteSize();
            iov.set(ADDRESS, v + Structs.IOV_BASE, rxBuffer.asSlice((long) i * SLOT, SLOT));
            iov.set(JAVA_LONG, v + Structs.IOV_LEN, SLOT);
            long m = i * Structs.MMSGHDR.byteSize();
            rxVec.set(ADDRESS, m + Structs.MMSG_IOV, iov.asSlice(v, Structs.IOVEC.byteSize()));
            rxVec.set(JAVA_LONG, m + Structs.MMSG_IOVLEN, 1);
            rxVec.set(ADDRESS, m + Structs.MMSG_NAME,
                    rxNames.asSlice((long) i * SourceFilter.SOCKADDR_SIZE, SourceFilter.SOCKADDR_SIZE));
        }
    }

    /** @return a builder: IPIP over IPv4 and IPv6 into {@value #DEFAULT_TUN_NAME} unless told otherwise */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates the TUN device, opens the sockets in the calling thread's network namespace and
     * registers them on the loop; blocks until packets are being received.
     *
     * @return this decapsulator
     * @throws IOException if the device or a socket cannot be opened (no privilege, port in use)
     * @throws IllegalStateException if called twice, after {@link #close()}, or on the loop's own thread
     */
    public TunnelDecapsulator start() throws IOException {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("start blocks: call it from outside the decapsulator's event loop");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        if (closed.get()) {
            throw new IllegalStateException("closed");
        }
        Epoll.ensureAvailability();
        try {
            tunFd = TunFd.open(tunName);
            endpoints.add(endpoint(Kind.TUN, tunFd));
            TunFd.up(tunName);
            if (families.contains(StandardProtocolFamily.INET)) {
                endpoints.add(endpoint(gue ? Kind.GUE : Kind.IPIP,
                        gue ? udp(Libc.AF_INET) : raw(Libc.AF_INET, IPPROTO_IPIP)));
            }
            if (families.contains(StandardProtocolFamily.INET6)) {
                endpoints.add(endpoint(gue ? Kind.GUE : Kind.IP6IP6,
                        gue ? udp(AF_INET6) : raw(AF_INET6, IPPROTO_IPV6)));
            }
            for (EpollDescriptor e : endpoints) {
                e.register("the decapsulator's descriptor");
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("decapsulating {} ({}) into TUN device {}{}", gue ? "GUE on UDP port " + guePort : "IPIP", families,
                tunName, sources.allowsAny() ? ", from any source" : "");
        return this;
    }

    private int raw(int family, int protocol) throws NativeIoException {
        int fd = PacketSocketFd.open(family, Libc.SOCK_RAW, protocol);
        raiseReceiveBuffer(fd);
        return fd;
    }

    private int udp(int family) throws NativeIoException {
        int fd = PacketSocketFd.open(family, Libc.SOCK_DGRAM, 0);
        try (Arena a = Arena.ofConfined()) {
            raiseReceiveBuffer(fd);
            MemorySegment sa;
            if (family == AF_INET6) {
                PacketSocketFd.setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
                sa = a.allocate(SOCKADDR_IN6_SIZE, 8);
            } else {
                sa = a.allocate(SOCKADDR_IN_SIZE, 8);
            }
            sa.set(JAVA_SHORT, 0, (short) family);
            sa.set(JAVA_BYTE, 2, (byte) (guePort >>> 8));
            sa.set(JAVA_BYTE, 3, (byte) guePort);
            MemorySegment cs = Libc.newCallState(a);
            if (Libc.bind(cs, fd, sa, (int) sa.byteSize()) < 0) {
                throw new NativeIoException("bind(UDP port " + guePort + ")", Libc.errno(cs));
            }
            return fd;
        } catch (NativeIoException | RuntimeException e) {
            PacketSocketFd.close(fd);
            throw e;
        }
    }

    private void raiseReceiveBuffer(int fd) {
        try {
            PacketSocketFd.setInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, receiveBuffer);
        } catch (NativeIoException e) {
            try {
                PacketSocketFd.setInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, receiveBuffer);
            } catch (NativeIoException ignored) {
                // the default buffer still works; bursts may overflow it
            }
        }
    }

    /** @return the TUN device's name */
    public String tunName() {
        return tunName;
    }

    /** @return {@code true} for GUE, {@code false} for IPIP */
    public boolean isGue() {
        return gue;
    }

    /** @return the UDP port of GUE */
    public int guePort() {
        return guePort;
    }

    /** @return the outer address families received */
    public Set<StandardProtocolFamily> families() {
        return families;
    }

    /** @return the loop serving the sockets */
    public IoEventLoop loop() {
        return loop;
    }

    /**
     * Reads a counter.
     *
     * @param counter the counter
     * @return its value
     */
    public long counter(DecapCounter counter) {
        return counters.get(counter);
    }

    /** @return every counter, in the enum's order */
    public Map<DecapCounter, Long> counters() {
        Map<DecapCounter, Long> map = new EnumMap<>(DecapCounter.class);
        for (DecapCounter c : COUNTERS) {
            map.put(c, counters.get(c));
        }
        return map;
    }

    /** @return the sum of every drop counter */
    public long drops() {
        long sum = 0;
        for (DecapCounter c : COUNTERS) {
            if (c.name().startsWith("DROP_")) {
                sum += counters.get(c);
            }
        }
        return sum;
    }

    /** Deregisters and closes the sockets and the TUN device (which disappears); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (EpollDescriptor e : endpoints) {
            e.close();
        }
        if (endpoints.stream().allMatch(EpollDescriptor::released)) {
            arena.close();
        } else {
            LOG.warn("the loop of {} did not answer: its buffers are left allocated", tunName);
        }
    }

    /** @return a descriptor of the given kind, drained by {@link #handle} on the loop */
    private EpollDescriptor endpoint(Kind kind, int fd) {
        return new EpollDescriptor(loop, fd, () -> {
            if (!closed.get()) {
                handle(kind, fd);
            }
        }, () -> { });
    }

    private void handle(Kind kind, int fd) {
        if (kind == Kind.TUN) {
            discardTun(fd);
            return;
        }
        for (int round = 0; round < ROUNDS && !closed.get(); round++) {
            for (int i = 0; i < BATCH; i++) {
                rxVec.set(JAVA_INT, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_NAMELEN, SourceFilter.SOCKADDR_SIZE);
            }
            int n = Libc.recvmmsg(callState, fd, rxVec, BATCH, Libc.MSG_DONTWAIT, MemorySegment.NULL);
            if (n <= 0) {
                int errno = n < 0 ? Libc.errno(callState) : Libc.EAGAIN;
                if (errno != Libc.EAGAIN && errno != Libc.EINTR) {
                    counters.increment(DecapCounter.RECEIVE_ERRORS);
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                long m = i * Structs.MMSGHDR.byteSize();
                int length = rxVec.get(JAVA_INT, m + Structs.MMSG_LEN);
                int flags = rxVec.get(JAVA_INT, m + Structs.MMSG_FLAGS);
                counters.increment(DecapCounter.RECEIVED);
                counters.add(DecapCounter.RECEIVED_BYTES, length);
                DecapCounter result;
                if ((flags & Libc.MSG_TRUNC) != 0) {
                    result = DecapCounter.DROP_TRUNCATED;
                } else if (!sources.allows(rxNames, (long) i * SourceFilter.SOCKADDR_SIZE)) {
                    result = DecapCounter.DROP_UNKNOWN_SOURCE;
                } else {
                    result = check(kind, (long) i * SLOT, length);
                }
                if (result == DecapCounter.DECAPSULATED) {
                    if (decapsulation.checksumCompleted()) {
                        counters.increment(DecapCounter.CHECKSUMS_COMPLETED);
                    }
                    inject(decapsulation.innerOffset(), decapsulation.innerLength());
                } else {
                    counters.increment(result);
                }
            }
            if (n < BATCH) {
                return;
            }
        }
    }

    private DecapCounter check(Kind kind, long offset, int length) {
        return switch (kind) {
            case IPIP -> decapsulation.ipip(rxBuffer, offset, length);
            case IP6IP6 -> decapsulation.ip6ip6(rxBuffer, offset, length);
            case GUE -> decapsulation.gue(rxBuffer, offset, length);
            case TUN -> throw new IllegalArgumentException("not a tunnel socket");
        };
    }

    private void inject(long offset, int length) {
        long address = rxBuffer.address() + offset;
        for (int attempt = 0; attempt < 3; attempt++) {
            long written = TunFd.write(callState, tunFd, address, length);
            if (written == length) {
                counters.increment(DecapCounter.DECAPSULATED);
                counters.add(DecapCounter.DECAPSULATED_BYTES, length);
                return;
            }
            if (written >= 0 || Libc.errno(callState) != Libc.EINTR) {
                break;
            }
        }
        counters.increment(DecapCounter.DROP_TUN_WRITE);
    }

    private void discardTun(int fd) {
        for (int i = 0; i < ROUNDS * BATCH && !closed.get(); i++) {
            long n = TunFd.read(callState, fd, rxBuffer.address(), SLOT);
            if (n < 0) {
                int errno = Libc.errno(callState);
                if (errno != Libc.EAGAIN && errno != Libc.EINTR) {
                    counters.increment(DecapCounter.RECEIVE_ERRORS);
                }
                return;
            }
            counters.increment(DecapCounter.TUN_DISCARDED);
        }
    }

    /** Builds a {@link TunnelDecapsulator}. Not thread-safe. */
    public static final class Builder {
        private IoEventLoop loop;
        private boolean gue;
        private int guePort = DEFAULT_GUE_PORT;
        private Set<StandardProtocolFamily> families = EnumSet.of(StandardProtocolFamily.INET,
                StandardProtocolFamily.INET6);
        private String tunName = DEFAULT_TUN_NAME;
        private int receiveBuffer = DEFAULT_RECEIVE_BUFFER;
        private final List<InetAddress> sources = new ArrayList<>();

        private Builder() {
        }

        /**
         * Receives IP-in-IP: IPv4 in IPv4 (protocol 4) and IPv6 in IPv6 (protocol 41). The default.
         *
         * @return this
         */
        public Builder ipip() {
            this.gue = false;
            return this;
        }

        /**
         * Receives GUE on {@link #guePort(int)} (default {@value #DEFAULT_GUE_PORT}).
         *
         * @return this
         */
        public Builder gue() {
            this.gue = true;
            return this;
        }

        /**
         * Receives GUE on a port.
         *
         * @param port the UDP port, 1 to 65535
         * @return this
         */
        public Builder gue(int port) {
            return gue().guePort(port);
        }

        /**
         * Sets the UDP port of GUE.
         *
         * @param port 1 to 65535
         * @return this
         */
        public Builder guePort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("GUE port must be in [1, 65535]: " + port);
            }
            this.guePort = port;
            return this;
        }

        /**
         * Sets the outer address families to receive (default both).
         *
         * @param families {@link StandardProtocolFamily#INET} and/or {@link StandardProtocolFamily#INET6}
         * @return this
         */
        public Builder families(StandardProtocolFamily... families) {
            if (families.length == 0) {
                throw new IllegalArgumentException("at least one address family");
            }
            Set<StandardProtocolFamily> set = EnumSet.noneOf(StandardProtocolFamily.class);
            for (StandardProtocolFamily f : families) {
                if (f != StandardProtocolFamily.INET && f != StandardProtocolFamily.INET6) {
                    throw new IllegalArgumentException("not an IP family: " + f);
                }
                set.add(f);
            }
            this.families = set;
            return this;
        }

        /**
         * Sets the TUN device's name.
         *
         * @param name 1 to 15 ASCII characters
         * @return this
         */
        public Builder tunName(String name) {
            if (name.isEmpty() || name.length() > 15 || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/')) {
                throw new IllegalArgumentException("TUN name must have 1 to 15 printable ASCII characters: " + name);
            }
            this.tunName = name;
            return this;
        }

        /**
         * Takes tunnel packets only from these directors (outer source addresses); by default
         * from any source. A raw IPIP socket or a GUE port otherwise lets any host that reaches
         * it inject packets with whatever inner source it likes.
         *
         * @param directors the directors' addresses, IPv4 or IPv6
         * @return this
         */
        public Builder allowedSources(InetAddress... directors) {
            for (InetAddress a : directors) {
                sources.add(Objects.requireNonNull(a, "director"));
            }
            return this;
        }

        /**
         * Sets the receive buffer of each tunnel socket ({@code SO_RCVBUFFORCE}, or
         * {@code SO_RCVBUF} up to {@code net.core.rmem_max} without {@code CAP_NET_ADMIN}); the
         * kernel counts each packet's whole buffer, about 1 KiB for a small one.
         *
         * @param bytes at least 64 KiB (default {@value #DEFAULT_RECEIVE_BUFFER})
         * @return this
         */
        public Builder receiveBufferBytes(int bytes) {
            if (bytes < 65536) {
                throw new IllegalArgumentException("receive buffer must be at least 65536 bytes: " + bytes);
            }
            this.receiveBuffer = bytes;
            return this;
        }

        /**
         * Sets the epoll event loop that serves the sockets and the device.
         *
         * @param loop a loop of a group made with {@code EpollIoHandler.newFactory()}
         * @return this
         */
        public Builder loop(IoEventLoop loop) {
            this.loop = Objects.requireNonNull(loop, "loop");
            return this;
        }

        /**
         * Builds the decapsulator; {@link TunnelDecapsulator#start()} opens it.
         *
         * @return the decapsulator, not started
         * @throws IllegalStateException without a loop
         */
        public TunnelDecapsulator build() {
            if (loop == null) {
                throw new IllegalStateException("loop(IoEventLoop) is required");
            }
            return new TunnelDecapsulator(this);
        }
    }
}

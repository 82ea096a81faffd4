package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Control-path socket calls (open, bind, options, interface queries), each throwing a
 * {@link NativeIoException} on failure. Not for the hot path: every call uses a short-lived
 * arena. Thread-safe.
 */
public final class PacketSocketFd {

    private PacketSocketFd() {
    }

    /**
     * Opens a non-blocking, close-on-exec socket.
     *
     * @param domain the address family
     * @param type the socket type (flags are added)
     * @param protocol the protocol, in the byte order the family wants
     * @return the file descriptor
     * @throws NativeIoException if {@code socket(2)} fails
     */
    public static int open(int domain, int type, int protocol) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            int fd = Libc.socket(cs, domain, type | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw new NativeIoException("socket(" + domain + ", " + type + ")", Libc.errno(cs));
            }
            return fd;
        }
    }

    /**
     * Opens an {@code AF_PACKET}/{@code SOCK_RAW} socket for every protocol and binds it to one
     * interface, so that it never sees other interfaces' frames.
     *
     * @param ifindex the interface index
     * @return the file descriptor
     * @throws NativeIoException if a call fails (the socket is closed then)
     */
    public static int openPacket(int ifindex) throws NativeIoException {
        int fd = openPacketUnbound();
        bindPacket(fd, ifindex);
        return fd;
    }

    /**
     * Opens an {@code AF_PACKET}/{@code SOCK_RAW} socket of protocol 0, which receives nothing
     * until {@link #bindPacket} binds it: the time to set options that must precede receiving,
     * such as a ring.
     *
     * @return the file descriptor
     * @throws NativeIoException if {@code socket(2)} fails
     */
    public static int openPacketUnbound() throws NativeIoException {
        return open(Libc.AF_PACKET, Libc.SOCK_RAW, 0);
    }

    /**
     * Binds a packet socket to one interface for every protocol ({@code ETH_P_ALL}).
     *
     * @param fd the socket, closed if the bind fails
     * @param ifindex the interface index
     * @throws NativeIoException if {@code bind(2)} fails
     */
    public static void bindPacket(int fd, int ifindex) throws NativeIoException {
        bindPacket(fd, ifindex, Libc.ETH_P_ALL);
    }

    /**
     * Binds a packet socket to one interface for one protocol: a socket of {@code ETH_P_IP}
     * alone is served after the netdev ingress hook (and so sees the mark nftables sets there),
     * one of {@code ETH_P_ALL} before it.
     *
     * @param fd the socket, closed if the bind fails
     * @param ifindex the interface index
     * @param protocol the EtherType, host byte order
     * @throws NativeIoException if {@code bind(2)} fails
     */
    public static void bindPacket(int fd, int ifindex, int protocol) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment sll = arena.allocate(Structs.SOCKADDR_LL);
            sll.set(JAVA_SHORT, Structs.SLL_FAMILY, (short) Libc.AF_PACKET);
            sll.set(JAVA_SHORT, Structs.SLL_PROTOCOL, Short.reverseBytes((short) protocol));
            sll.set(JAVA_INT, Structs.SLL_IFINDEX, ifindex);
            if (Libc.bind(cs, fd, sll, (int) sll.byteSize()) < 0) {
                int errno = Libc.errno(cs);
                close(fd);
                throw new NativeIoException("bind(AF_PACKET, ifindex " + ifindex + ")", errno);
            }
        }
    }

    /**
     * Sets up a {@code TPACKET_V3} receive ring ({@code PACKET_VERSION}, {@code PACKET_RX_RING})
     * on an unbound packet socket and maps it.
     *
     * @param fd the socket; its virtio-net header option, if any, is set already
     * @param blockSize bytes per block, a multiple of the page size
     * @param blocks the number of blocks
     * @param retireMillis how long the kernel fills a block before it hands it over unfilled
     * @return the mapped ring, {@code blockSize * blocks} bytes; {@link #unmap} frees it
     * @throws NativeIoException if the kernel refuses the ring or the mapping
     */
    public static MemorySegment mapReceiveRing(int fd, int blockSize, int blocks, int retireMillis)
            throws NativeIoException {
        setInt(fd, Libc.SOL_PACKET, Libc.PACKET_VERSION, Libc.TPACKET_V3);
        int frameSize = 2048;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(Structs.TPACKET_REQ3);
            req.set(JAVA_INT, Structs.REQ3_BLOCK_SIZE, blockSize);
            req.set(JAVA_INT, Structs.REQ3_BLOCK_NR, blocks);
            req.set(JAVA_INT, Structs.REQ3_FRAME_SIZE, frameSize);
            req.set(JAVA_INT, Structs.REQ3_FRAME_NR, blockSize / frameSize * blocks);
            req.set(JAVA_INT, Structs.REQ3_RETIRE_BLK_TOV, retireMillis);
            setOption(fd, Libc.SOL_PACKET, Libc.PACKET_RX_RING, req, (int) req.byteSize(), "PACKET_RX_RING");
            MemorySegment cs = Libc.newCallState(arena);
            long length = (long) blockSize * blocks;
            MemorySegment ring = Libc.mmap(cs, MemorySegment.NULL, length, Libc.PROT_READ_WRITE, Libc.MAP_SHARED, fd, 0);
            if (ring.address() == -1L) {
                throw new NativeIoException("mmap of a " + length + "-byte receive ring", Libc.errno(cs));
            }
            return ring;
        }
    }

    /**
     * Unmaps a ring that {@link #mapReceiveRing} mapped; errors are ignored.
     *
     * @param ring the mapping
     */
    public static void unmap(MemorySegment ring) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.munmap(Libc.newCallState(arena), ring, ring.byteSize());
        }
    }

    /**
     * Sets an integer socket option.
     *
     * @param fd the socket
     * @param level the level
     * @param name the option
     * @param value the value
     * @throws NativeIoException if {@code setsockopt(2)} fails
     */
    public static void setInt(int fd, int level, int name, int value) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            if (Libc.setsockopt(cs, fd, level, name, v, 4) < 0) {
                throw new NativeIoException("setsockopt(" + level + ", " + name + ")", Libc.errno(cs));
            }
        }
    }

    /**
     * Sets a socket option whose value is a structure.
     *
     * @param fd the socket
     * @param level the level
     * @param name the option
     * @param value the value's memory
     * @param length its length in bytes
     * @param what the option's name, for the error message
     * @throws NativeIoException if {@code setsockopt(2)} fails
     */
    public static void setOption(int fd, int level, int name, MemorySegment value, int length, String what)
            throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            if (Libc.setsockopt(cs, fd, level, name, value, length) < 0) {
                throw new NativeIoException("setsockopt(" + what + ") on fd " + fd, Libc.errno(cs));
            }
        }
    }

    /**
     * Sends one datagram without blocking, retrying a call an interrupt cut short (at most
     * three attempts). Allocation-free.
     *
     * @param callState the caller's errno capture
     * @param fd the socket
     * @param data the datagram
     * @param length its length
     * @param address the destination {@code sockaddr}
     * @param addressLength its length
     * @return {@code true} if the kernel took the whole datagram
     */
    public static boolean sendTo(MemorySegment callState, int fd, MemorySegment data, int length,
            MemorySegment address, int addressLength) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long sent = Libc.sendto(callState, fd, data, length, Libc.MSG_DONTWAIT, address, addressLength);
            if (sent == length) {
                return true;
            }
            if (sent >= 0 || Libc.errno(callState) != Libc.EINTR) {
                return false;
            }
        }
        return false;
    }

    /**
     * Sets the classic BPF program of the socket's {@code PACKET_FANOUT_CBPF} group
     * ({@code PACKET_FANOUT_DATA}).
     *
     * @param fd a packet socket that has joined a {@code PACKET_FANOUT_CBPF} group
     * @param program the instructions, {@code {code, jt, jf, k}} each
     * @throws NativeIoException if {@code setsockopt(2)} fails
     */
    public static void setFanoutProgram(int fd, int[][] program) throws NativeIoException {
        setProgram(fd, Libc.SOL_PACKET, Libc.PACKET_FANOUT_DATA, "PACKET_FANOUT_DATA", program);
    }

    /**
     * Attaches a classic BPF socket filter ({@code SO_ATTACH_FILTER}), replacing the socket's.
     *
     * @param fd a socket
     * @param program the instructions, {@code {code, jt, jf, k}} each
     * @throws NativeIoException if {@code setsockopt(2)} fails
     */
    public static void attachFilter(int fd, int[][] program) throws NativeIoException {
        setProgram(fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, "SO_ATTACH_FILTER", program);
    }

    private static void setProgram(int fd, int level, int option, String what, int[][] program)
            throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment filter = arena.allocate(Structs.SOCK_FILTER, program.length);
            for (int i = 0; i < program.length; i++) {
                MemorySegment insn = filter.asSlice(i * Structs.SOCK_FILTER.byteSize(), Structs.SOCK_FILTER);
                insn.set(JAVA_SHORT, Structs.FILTER_CODE, (short) program[i][0]);
                insn.set(JAVA_BYTE, Structs.FILTER_JT, (byte) program[i][1]);
                insn.set(JAVA_BYTE, Structs.FILTER_JF, (byte) program[i][2]);
                insn.set(JAVA_INT, Structs.FILTER_K, program[i][3]);
            }
            MemorySegment fprog = arena.allocate(Structs.SOCK_FPROG);
            fprog.set(JAVA_SHORT, Structs.FPROG_LEN, (short) program.length);
            fprog.set(java.lang.foreign.ValueLayout.ADDRESS, Structs.FPROG_FILTER, filter);
            if (Libc.setsockopt(cs, fd, level, option, fprog, (int) fprog.byteSize()) < 0) {
                throw new NativeIoException("setsockopt(" + what + ")", Libc.errno(cs));
            }
        }
    }

    /**
     * Reads an integer socket option.
     *
     * @param fd the socket
     * @param level the level
     * @param name the option
     * @return the value
     * @throws NativeIoException if {@code getsockopt(2)} fails
     */
    public static int getInt(int fd, int level, int name) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocateFrom(JAVA_INT, 4);
            if (Libc.getsockopt(cs, fd, level, name, v, len) < 0) {
                throw new NativeIoException("getsockopt(" + level + ", " + name + ")", Libc.errno(cs));
            }
            return v.get(JAVA_INT, 0);
        }
    }

    /**
     * Reads {@code PACKET_STATISTICS}, which the kernel resets on every read.
     *
     * @param fd the packet socket
     * @return {@code {packets, drops}} since the previous read
     * @throws NativeIoException if {@code getsockopt(2)} fails
     */
    public static long[] readAndResetStatistics(int fd) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment v = arena.allocate(Structs.TPACKET_STATS);
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) v.byteSize());
            if (Libc.getsockopt(cs, fd, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, v, len) < 0) {
                throw new NativeIoException("getsockopt(PACKET_STATISTICS)", Libc.errno(cs));
            }
            return new long[] {Integer.toUnsignedLong(v.get(JAVA_INT, Structs.TP_PACKETS)),
                Integer.toUnsignedLong(v.get(JAVA_INT, Structs.TP_DROPS))};
        }
    }

    /**
     * Closes a file descriptor, ignoring errors (there is nothing left to do with it).
     *
     * @param fd the file descriptor
     * @return 0, or the {@code errno} of {@code close(2)}
     */
    public static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            return Libc.close(cs, fd) < 0 ? Libc.errno(cs) : 0;
        }
    }

    /**
     * Queries an interface with an {@code ioctl} on a throw-away {@code AF_INET} datagram socket
     * (no privilege needed).
     *
     * @param name the interface name
     * @param request {@link Libc#SIOCGIFINDEX}, {@link Libc#SIOCGIFMTU} or {@link Libc#SIOCGIFHWADDR}
     * @return the 24-byte union of the answered {@code struct ifreq}, on the heap
     * @throws NativeIoException if the interface does not exist or the call fails
     */
    public static byte[] ifreq(String name, long request) throws NativeIoException {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= Structs.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name must have 1 to 15 characters: " + name);
        }
        int fd = open(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment ifr = arena.allocate(Structs.IFREQ);
            MemorySegment.copy(bytes, 0, ifr, JAVA_BYTE, 0, bytes.length);
            if (Libc.ioctl(cs, fd, request, ifr) < 0) {
                throw new NativeIoException("ioctl(" + name + ", 0x" + Long.toHexString(request) + ")", Libc.errno(cs));
            }
            return ifr.asSlice(Structs.IFR_IFINDEX, 24).toArray(JAVA_BYTE);
        } finally {
            close(fd);
        }
    }
}

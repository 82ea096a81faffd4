package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C library calls of the transport, linked once through the Foreign Function and Memory API.
 *
 * <p>Every call that can fail is linked with {@code Linker.Option.captureCallState("errno")}: its
 * first argument is a call-state segment ({@link #newCallState}) from which {@link #errno} reads
 * the error right after the call. A caller on the hot path keeps one call-state segment per
 * thread or socket, so no call allocates. All methods are thread-safe; the segments passed in
 * are the caller's.
 */
@SuppressWarnings("restricted") // this class is the one place that links native code
public final class Libc {

    /** {@code AF_INET}. */
    public static final int AF_INET = 2;
    /** {@code AF_PACKET}. */
    public static final int AF_PACKET = 17;
    /** {@code SOCK_DGRAM}. */
    public static final int SOCK_DGRAM = 2;
    /** {@code SOCK_RAW}. */
    public static final int SOCK_RAW = 3;
    /** {@code SOCK_NONBLOCK} flag of {@code socket(2)}'s type. */
    public static final int SOCK_NONBLOCK = 0x800;
    /** {@code SOCK_CLOEXEC} flag of {@code socket(2)}'s type. */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** {@code ETH_P_ALL}: every protocol, host byte order. */
    public static final int ETH_P_ALL = 0x0003;
    /** {@code SOL_SOCKET}. */
    public static final int SOL_SOCKET = 1;
    /** {@code ETH_P_IP}: IPv4, host byte order. */
    public static final int ETH_P_IP = 0x0800;
    /** {@code SO_ATTACH_FILTER}: a classic BPF socket filter. */
    public static final int SO_ATTACH_FILTER = 26;
    /** {@code SO_MARK}: the type of the control message {@link #SO_RCVMARK} adds. */
    public static final int SO_MARK = 36;
    /** {@code SO_RCVMARK} (Linux 5.19): each received message carries the packet's mark. */
    public static final int SO_RCVMARK = 75;
    /** {@code SO_SNDBUF}. */
    public static final int SO_SNDBUF = 7;
    /** {@code SO_RCVBUF}. */
    public static final int SO_RCVBUF = 8;
    /** {@code SO_SNDBUFFORCE}. */
    public static final int SO_SNDBUFFORCE = 32;
    /** {@code SO_RCVBUFFORCE}. */
    public static final int SO_RCVBUFFORCE = 33;
    /** {@code SOL_PACKET}. */
    public static final int SOL_PACKET = 263;
    /** {@code PACKET_STATISTICS}: reads and resets {@code struct tpacket_stats}. */
    public static final int PACKET_STATISTICS = 6;
    /** {@code PACKET_VNET_HDR}: a {@code struct virtio_net_hdr} before every frame. */
    public static final int PACKET_VNET_HDR = 15;
    /** {@code PACKET_FANOUT}. */
    public static final int PACKET_FANOUT = 18;
    /** {@code PACKET_RX_RING}: a receive ring mapped into user space. */
    public static final int PACKET_RX_RING = 5;
    /** {@code PACKET_VERSION}: the ring's frame format. */
    public static final int PACKET_VERSION = 10;
    /** {@code TPACKET_V3}: frames of variable size packed in blocks. */
    public static final int TPACKET_V3 = 2;
    /** {@code PACKET_QDISC_BYPASS}: transmit straight to the driver, past the queueing discipline. */
    public static final int PACKET_QDISC_BYPASS = 20;
    /** {@code TP_STATUS_KERNEL}: the kernel owns the ring block. */
    public static final int TP_STATUS_KERNEL = 0;
    /** {@code TP_STATUS_USER}: the ring block is user space's to read. */
    public static final int TP_STATUS_USER = 1;
    /** {@code PROT_READ | PROT_WRITE}. */
    public static final int PROT_READ_WRITE = 3;
    /** {@code MAP_SHARED}. */
    public static final int MAP_SHARED = 1;
    /** {@code PACKET_IGNORE_OUTGOING}. */
    public static final int PACKET_IGNORE_OUTGOING = 23;
    /** {@code PACKET_FANOUT_HASH}: by the flow hash, symmetric for one 5-tuple. */
    public static final int PACKET_FANOUT_HASH = 0;
    /** {@code PACKET_FANOUT_CBPF}: by the return value of a classic BPF program. */
    public static final int PACKET_FANOUT_CBPF = 6;
    /** {@code PACKET_FANOUT_DATA}: the program of a {@code PACKET_FANOUT_CBPF} group. */
    public static final int PACKET_FANOUT_DATA = 22;
    /** {@code PACKET_FANOUT_FLAG_DEFRAG}: reassemble fragments before hashing. */
    public static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    /** {@code SIOCGIFINDEX}. */
    public static final long SIOCGIFINDEX = 0x8933;
    /** {@code SIOCGIFHWADDR}. */
    public static final long SIOCGIFHWADDR = 0x8927;
    /** {@code SIOCGIFMTU}. */
    public static final long SIOCGIFMTU = 0x8921;
    /** {@code F_GETFL}. */
    public static final int F_GETFL = 3;
    /** {@code F_SETFL}. */
    public static final int F_SETFL = 4;
    /** {@code O_NONBLOCK}. */
    public static final int O_NONBLOCK = 0x800;
    /** {@code MSG_DONTWAIT}. */
    public static final int MSG_DONTWAIT = 0x40;
    /** {@code MSG_TRUNC}: in {@code msg_flags}, the frame was longer than the buffer. */
    public static final int MSG_TRUNC = 0x20;
    /** {@code EINTR}. */
    public static final int EINTR = 4;
    /** {@code EAGAIN}. */
    public static final int EAGAIN = 11;
    /** {@code EPERM}. */
    public static final int EPERM = 1;
    /** {@code EACCES}. */
    public static final int EACCES = 13;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = link("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = link("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = link("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = link("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle IOCTL = link("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FCNTL = link("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle RECVMMSG = link("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMMSG = link("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle SENDTO = link("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MMAP = link("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = link("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LOOKUP.findOrThrow("strerror"),
            FunctionDescriptor.of(ADDRESS.withTargetLayout(java.lang.foreign.MemoryLayout.sequenceLayout(256,
                    ValueLayout.JAVA_BYTE)), JAVA_INT));

    private Libc() {
    }

    /**
     * Links a C library function with {@code errno} captured (the call state comes first).
     *
     * @param name the symbol
     * @param descriptor its signature, without the call state
     * @param extra further linker options, such as {@code firstVariadicArg}
     * @return the downcall handle
     */
    static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO_OPTION;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LOOKUP.findOrThrow(name), descriptor, options);
    }

    /**
     * Allocates a call-state segment for the {@code errno} of the calls of this class.
     *
     * @param arena the arena owning the segment
     * @return a new call-state segment
     */
    public static MemorySegment newCallState(java.lang.foreign.Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /**
     * Reads the {@code errno} captured by the last call that used this call state.
     *
     * @param callState the segment passed to the call
     * @return the captured {@code errno}
     */
    public static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /**
     * Describes an error number as {@code strerror(3)} does.
     *
     * @param errno the error number
     * @return the C library's message, for example {@code Operation not permitted}
     */
    public static String strerror(int errno) {
        try {
            MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
            return message.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int socket(int domain, int type, int protocol)}. @param cs call state @param domain domain @param type type @param protocol protocol @return fd or -1 */
    public static int socket(MemorySegment cs, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(cs, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)}. @param cs call state @param fd fd @param addr address @param len length @return 0 or -1 */
    public static int bind(MemorySegment cs, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(cs, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int close(int fd)}. @param cs call state @param fd fd @return 0 or -1 */
    public static int close(MemorySegment cs, int fd) {
        try {
            return (int) CLOSE.invokeExact(cs, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setsockopt(2)}. @param cs call state @param fd fd @param level level @param name option @param value value @param len length @return 0 or -1 */
    public static int setsockopt(MemorySegment cs, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(cs, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getsockopt(2)}. @param cs call state @param fd fd @param level level @param name option @param value value @param len in/out {@code socklen_t} @return 0 or -1 */
    public static int getsockopt(MemorySegment cs, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(cs, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int ioctl(int fd, unsigned long request, void *arg)}. @param cs call state @param fd fd @param request request @param arg argument @return result or -1 */
    public static int ioctl(MemorySegment cs, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(cs, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int fcntl(int fd, int cmd, int arg)}. @param cs call state @param fd fd @param cmd command @param arg argument @return result or -1 */
    public static int fcntl(MemorySegment cs, int fd, int cmd, int arg) {
        try {
            return (int) FCNTL.invokeExact(cs, fd, cmd, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code recvmmsg(2)}. @param cs call state @param fd fd @param msgvec {@code struct mmsghdr[]} @param vlen count @param flags flags @param timeout {@code struct timespec *} or NULL @return messages received or -1 */
    public static int recvmmsg(MemorySegment cs, int fd, MemorySegment msgvec, int vlen, int flags, MemorySegment timeout) {
        try {
            return (int) RECVMMSG.invokeExact(cs, fd, msgvec, vlen, flags, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendmmsg(2)}. @param cs call state @param fd fd @param msgvec {@code struct mmsghdr[]} @param vlen count @param flags flags @return messages sent or -1 */
    public static int sendmmsg(MemorySegment cs, int fd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(cs, fd, msgvec, vlen, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendto(2)}. @param cs call state @param fd fd @param buf data @param len length @param flags flags @param addr address or NULL @param addrLen address length @return bytes sent or -1 */
    public static long sendto(MemorySegment cs, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO.invokeExact(cs, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)}. @param cs call state @param addr hint or NULL @param len length @param prot protection @param flags flags @param fd fd @param off offset @return the mapping, {@code len} bytes, or a zero-length segment at {@code MAP_FAILED} (-1) */
    public static MemorySegment mmap(MemorySegment cs, MemorySegment addr, long len, int prot, int flags, int fd, long off) {
        try {
            MemorySegment mapping = (MemorySegment) MMAP.invokeExact(cs, addr, len, prot, flags, fd, off);
            return mapping.address() == -1L ? mapping : mapping.reinterpret(len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int munmap(void *addr, size_t len)}. @param cs call state @param addr mapping @param len length @return 0 or -1 */
    public static int munmap(MemorySegment cs, MemorySegment addr, long len) {
        try {
            return (int) MUNMAP.invokeExact(cs, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}

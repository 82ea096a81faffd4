package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The calls of a TUN device ({@code /dev/net/tun}, see the kernel's
 * {@code Documentation/networking/tuntap.rst}): open and attach ({@code TUNSETIFF} with
 * {@code IFF_TUN | IFF_NO_PI}, so every read and write is one bare IP packet), bring the
 * interface up ({@code SIOCGIFFLAGS}/{@code SIOCSIFFLAGS}), and the hot-path {@code read(2)} and
 * {@code write(2)}, which take a raw address so that no memory segment is sliced per packet.
 * Linked through {@link Libc#link} with {@code errno} captured. Thread-safe.
 */
@SuppressWarnings("restricted") // native calls, as in Libc
public final class TunFd {

    /** {@code IFF_TUN}: an IP-level device, no Ethernet header. */
    public static final int IFF_TUN = 0x0001;
    /** {@code IFF_NO_PI}: no 4-byte packet information before each packet. */
    public static final int IFF_NO_PI = 0x1000;
    /** {@code IFF_UP} of {@code ifr_flags}. */
    public static final int IFF_UP = 0x1;
    /** {@code TUNSETIFF}, {@code _IOW('T', 202, int)}. */
    public static final long TUNSETIFF = 0x400454caL;
    /** {@code SIOCGIFFLAGS}. */
    public static final long SIOCGIFFLAGS = 0x8913;
    /** {@code SIOCSIFFLAGS}. */
    public static final long SIOCSIFFLAGS = 0x8914;
    /** The clone device. */
    public static final String CLONE_DEVICE = "/dev/net/tun";

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    /** Offset of {@code short ifr_flags} in {@code struct ifreq}. */
    private static final long IFR_FLAGS = Structs.IFNAMSIZ;

    private static final MethodHandle OPEN = Libc.link("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = Libc.link("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE = Libc.link("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));

    private TunFd() {
    }

    /**
     * Opens the clone device non-blocking and attaches it to a TUN interface, created if it does
     * not exist; the interface lives in the calling thread's network namespace and disappears
     * with the last descriptor (unless made persistent elsewhere).
     *
     * @param name the interface name, 1 to 15 ASCII characters
     * @return the file descriptor
     * @throws NativeIoException if a call fails (no {@code CAP_NET_ADMIN}, no {@code /dev/net/tun})
     */
    public static int open(String name) throws NativeIoException {
        byte[] bytes = name(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            int fd = (int) invoke(OPEN, cs, arena.allocateFrom(CLONE_DEVICE), O_RDWR | Libc.O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) {
                throw new NativeIoException("open(" + CLONE_DEVICE + ")", Libc.errno(cs));
            }
            MemorySegment ifr = arena.allocate(Structs.IFREQ);
            MemorySegment.copy(bytes, 0, ifr, JAVA_BYTE, 0, bytes.length);
            ifr.set(JAVA_SHORT, IFR_FLAGS, (short) (IFF_TUN | IFF_NO_PI));
            if (Libc.ioctl(cs, fd, TUNSETIFF, ifr) < 0) {
                int errno = Libc.errno(cs);
                PacketSocketFd.close(fd);
                throw new NativeIoException("ioctl(TUNSETIFF, " + name + ")", errno);
            }
            return fd;
        }
    }

    /**
     * Sets {@code IFF_UP} on an interface of the calling thread's namespace (as
     * {@code ip link set NAME up}).
     *
     * @param name the interface name
     * @throws NativeIoException if a call fails
     */
    public static void up(String name) throws NativeIoException {
        byte[] bytes = name(name);
        int fd = PacketSocketFd.open(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment ifr = arena.allocate(Structs.IFREQ);
            MemorySegment.copy(bytes, 0, ifr, JAVA_BYTE, 0, bytes.length);
            if (Libc.ioctl(cs, fd, SIOCGIFFLAGS, ifr) < 0) {
                throw new NativeIoException("ioctl(SIOCGIFFLAGS, " + name + ")", Libc.errno(cs));
            }
            ifr.set(JAVA_SHORT, IFR_FLAGS, (short) (ifr.get(JAVA_SHORT, IFR_FLAGS) | IFF_UP));
            if (Libc.ioctl(cs, fd, SIOCSIFFLAGS, ifr) < 0) {
                throw new NativeIoException("ioctl(SIOCSIFFLAGS, " + name + ")", Libc.errno(cs));
            }
        } finally {
            PacketSocketFd.close(fd);
        }
    }

    /**
     * {@code ssize_t read(int fd, void *buf, size_t count)} on a raw address; allocates nothing.
     *
     * @param cs call state
     * @param fd the descriptor
     * @param address where to read into
     * @param count the buffer's length
     * @return bytes read, or -1 with {@code errno} in the call state
     */
    public static long read(MemorySegment cs, int fd, long address, long count) {
        try {
            return (long) READ.invokeExact(cs, fd, address, count);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * {@code ssize_t write(int fd, const void *buf, size_t count)} on a raw address; allocates
     * nothing. On a TUN descriptor one call injects one packet.
     *
     * @param cs call state
     * @param fd the descriptor
     * @param address the packet
     * @param count its length
     * @return bytes written, or -1 with {@code errno} in the call state
     */
    public static long write(MemorySegment cs, int fd, long address, long count) {
        try {
            return (long) WRITE.invokeExact(cs, fd, address, count);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static long invoke(MethodHandle open, MemorySegment cs, MemorySegment path, int flags) {
        try {
            return (int) open.invokeExact(cs, path, flags, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static byte[] name(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= Structs.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name must have 1 to 15 characters: " + name);
        }
        return bytes;
    }
}

package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code bpf(2)} system call through {@code syscall(2)} (the C library has no wrapper):
 * maps, programs and links, each command filling its part of {@code union bpf_attr}
 * ({@code linux/bpf.h}) at the offsets noted by each method. Every call returns a new file
 * descriptor or throws a {@link NativeIoException}. The control path only (each call uses a
 * short-lived arena); thread-safe.
 */
public final class Bpf {

    /** {@code __NR_bpf} on x86-64. */
    static final long SYS_BPF = 321;
    static final int MAP_CREATE = 0;
    static final int MAP_UPDATE_ELEM = 2;
    static final int MAP_DELETE_ELEM = 3;
    static final int PROG_LOAD = 5;
    static final int PROG_TEST_RUN = 10;
    static final int LINK_CREATE = 28;
    /** {@code BPF_MAP_TYPE_HASH}. */
    public static final int MAP_TYPE_HASH = 1;
    /** {@code BPF_MAP_TYPE_XSKMAP}: {@code AF_XDP} sockets by index. */
    public static final int MAP_TYPE_XSKMAP = 17;
    /** {@code BPF_PROG_TYPE_XDP}. */
    public static final int PROG_TYPE_XDP = 6;
    /** {@code BPF_XDP}: the attach type of an XDP link. */
    public static final int ATTACH_XDP = 37;
    /** {@code XDP_FLAGS_SKB_MODE}: generic XDP, after the driver has built an skb. */
    public static final int XDP_FLAGS_SKB_MODE = 2;
    /** {@code XDP_FLAGS_DRV_MODE}: native XDP, in the driver. */
    public static final int XDP_FLAGS_DRV_MODE = 4;
    /** {@code sizeof(union bpf_attr)} passed: large enough for every command used, the rest zero. */
    static final int ATTR_SIZE = 128;
    private static final int LOG_SIZE = 1 << 16;

    private static final MethodHandle SYSCALL = Libc.link("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private Bpf() {
    }

    private static long bpf(MemorySegment cs, int command, MemorySegment attr) {
        try {
            return (long) SYSCALL.invokeExact(cs, SYS_BPF, (long) command, attr, (long) ATTR_SIZE);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static int call(Arena arena, int command, MemorySegment attr, String what) throws NativeIoException {
        MemorySegment cs = Libc.newCallState(arena);
        long r = bpf(cs, command, attr);
        if (r < 0) {
            throw new NativeIoException(what, Libc.errno(cs));
        }
        return (int) r;
    }

    /**
     * {@code BPF_MAP_CREATE}: map_type @0, key_size @4, value_size @8, max_entries @12,
     * map_name @28.
     *
     * @param type the map type
     * @param keySize key bytes
     * @param valueSize value bytes
     * @param entries capacity
     * @param name a name of at most 15 ASCII characters (shown by bpftool)
     * @return the map's descriptor
     * @throws NativeIoException if the kernel refuses
     */
    public static int createMap(int type, int keySize, int valueSize, int entries, String name) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, type);
            attr.set(JAVA_INT, 4, keySize);
            attr.set(JAVA_INT, 8, valueSize);
            attr.set(JAVA_INT, 12, entries);
            name(attr, 28, name);
            return call(arena, MAP_CREATE, attr, "bpf(BPF_MAP_CREATE " + name + ")");
        }
    }

    /**
     * {@code BPF_MAP_UPDATE_ELEM} (any flag): map_fd @0, key @8, value @16, flags @24.
     *
     * @param map the map
     * @param key the key's bytes
     * @param value the value's bytes
     * @throws NativeIoException if the kernel refuses (a full map, a bad socket for an XSKMAP)
     */
    public static void update(int map, byte[] key, byte[] value) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, map);
            attr.set(ADDRESS, 8, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, key));
            attr.set(ADDRESS, 16, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, value));
            call(arena, MAP_UPDATE_ELEM, attr, "bpf(BPF_MAP_UPDATE_ELEM)");
        }
    }

    /**
     * {@code BPF_MAP_DELETE_ELEM}: map_fd @0, key @8.
     *
     * @param map the map
     * @param key the key's bytes
     * @return {@code false} if there was no such key
     * @throws NativeIoException if the kernel refuses otherwise
     */
    public static boolean delete(int map, byte[] key) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, map);
            attr.set(ADDRESS, 8, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, key));
            MemorySegment cs = Libc.newCallState(arena);
            if (bpf(cs, MAP_DELETE_ELEM, attr) < 0) {
                int errno = Libc.errno(cs);
                if (errno == 2 /* ENOENT */) {
                    return false;
                }
                throw new NativeIoException("bpf(BPF_MAP_DELETE_ELEM)", errno);
            }
            return true;
        }
    }

    /**
     * {@code BPF_PROG_LOAD} of an XDP program: prog_type @0, insn_cnt @4, insns @8, license @16,
     * log_level @24, log_size @28, log_buf @32, prog_name @48, expected_attach_type @68. On a
     * refusal the verifier's log is in the exception's message.
     *
     * @param instructions the program ({@link Ebpf#code()})
     * @param name a name of at most 15 characters
     * @return the program's descriptor
     * @throws NativeIoException if the verifier refuses the program
     */
    public static int loadXdp(long[] instructions, String name) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocateFrom(JAVA_LONG, instructions);
            MemorySegment log = arena.allocate(LOG_SIZE);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, PROG_TYPE_XDP);
            attr.set(JAVA_INT, 4, instructions.length);
            attr.set(ADDRESS, 8, insns);
            attr.set(ADDRESS, 16, arena.allocateFrom("GPL"));
            attr.set(JAVA_INT, 24, 1);
            attr.set(JAVA_INT, 28, LOG_SIZE);
            attr.set(ADDRESS, 32, log);
            name(attr, 48, name);
            attr.set(JAVA_INT, 68, ATTACH_XDP);
            MemorySegment cs = Libc.newCallState(arena);
            long r = bpf(cs, PROG_LOAD, attr);
            if (r < 0) {
                int errno = Libc.errno(cs);
                String text = log.getString(0).strip();
                String verifier = text.isEmpty() ? "" : ", verifier: " + text;
                throw new NativeIoException("bpf(BPF_PROG_LOAD " + name + ")" + verifier, errno);
            }
            return (int) r;
        }
    }

    /**
     * {@code BPF_LINK_CREATE} of an XDP program on an interface: prog_fd @0, target_ifindex @4,
     * attach_type @8, flags @12. The link detaches the program when its last descriptor closes,
     * so a process that dies leaves no program behind.
     *
     * @param program the program
     * @param ifindex the interface
     * @param flags {@link #XDP_FLAGS_DRV_MODE} or {@link #XDP_FLAGS_SKB_MODE}
     * @return the link's descriptor
     * @throws NativeIoException if the kernel refuses (the mode is unsupported, or another
     *     program is attached)
     */
    public static int linkXdp(int program, int ifindex, int flags) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, program);
            attr.set(JAVA_INT, 4, ifindex);
            attr.set(JAVA_INT, 8, ATTACH_XDP);
            attr.set(JAVA_INT, 12, flags);
            return call(arena, LINK_CREATE, attr, "bpf(BPF_LINK_CREATE ifindex " + ifindex + ")");
        }
    }

    /**
     * {@code BPF_PROG_TEST_RUN} of an XDP program on one frame, without a network: prog_fd @0,
     * retval @4 (out), data_size_in @8, data_in @16.
     *
     * @param program the program
     * @param frame the frame's bytes
     * @return the program's return value (an {@code XDP_*} action)
     * @throws NativeIoException if the kernel refuses
     */
    public static int testRun(int program, byte[] frame) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, program);
            attr.set(JAVA_INT, 8, frame.length);
            attr.set(ADDRESS, 16, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, frame));
            call(arena, PROG_TEST_RUN, attr, "bpf(BPF_PROG_TEST_RUN)");
            return attr.get(JAVA_INT, 4);
        }
    }

    private static void name(MemorySegment attr, long offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, attr, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, Math.min(15, bytes.length));
    }
}

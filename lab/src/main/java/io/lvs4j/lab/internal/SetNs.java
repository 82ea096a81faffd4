package io.lvs4j.lab.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Moves the calling thread into a named network namespace with {@code setns(2)}: sockets the
 * thread creates afterwards belong to that namespace. Thread-safe; affects the caller only.
 */
@SuppressWarnings("restricted") // the one place of the test kit that links native code
public final class SetNs {

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = LINKER.downcallHandle(LIBC.findOrThrow("setns"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE);

    private SetNs() {
    }

    /**
     * Moves the calling thread into the network namespace at a path.
     *
     * @param path the namespace file, for example {@code /run/netns/NAME}
     * @throws IOException if the file cannot be opened or {@code setns} fails
     */
    public static void enter(String path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("open(" + path + ") failed, errno " + (int) ERRNO.get(state, 0L));
            }
            try {
                if ((int) SETNS.invokeExact(state, fd, CLONE_NEWNET) < 0) {
                    throw new IOException("setns(" + path + ") failed, errno " + (int) ERRNO.get(state, 0L));
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
                assert ignored >= -1;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}

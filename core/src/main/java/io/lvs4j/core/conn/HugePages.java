package io.lvs4j.core.conn;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Asks Linux for transparent huge pages over a large table ({@code madvise(MADV_HUGEPAGE)}),
 * so that random accesses to hundreds of megabytes do not each miss the TLB. Best effort: on
 * another system, or if the call fails, the memory keeps its normal pages. The method handle
 * is looked up once; calling it needs native access for this module
 * ({@code --enable-native-access}).
 */
final class HugePages {

    /** The huge page size the segments are aligned to. */
    static final long SIZE = 2L << 20;
    private static final int MADV_DONTNEED = 4;
    private static final int MADV_HUGEPAGE = 14;

    private HugePages() {
    }

    private static final class Holder {
        static final MethodHandle MADVISE = lookup();

        @SuppressWarnings("restricted")
        private static MethodHandle lookup() {
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                return null;
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Optional<MemorySegment> symbol = libc.find("madvise");
            return symbol.map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))).orElse(null);
        }
    }

    /**
     * Tells whether advising needs no more permission than this module has: on Linux, with
     * native access enabled for it, so that the call neither warns nor fails.
     *
     * @return true if {@link #advise} may be called silently
     */
    static boolean permitted() {
        return System.getProperty("os.name", "").startsWith("Linux")
                && HugePages.class.getModule().isNativeAccessEnabled();
    }

    /**
     * Advises huge pages for a freshly allocated, all-zero segment aligned to {@link #SIZE},
     * then drops its pages ({@code MADV_DONTNEED}, which reads back as zeros) so that they
     * fault in again as huge pages.
     *
     * @param segment native memory that holds only zeros
     * @return true if the kernel accepted the advice
     */
    static boolean advise(MemorySegment segment) {
        MethodHandle madvise = Holder.MADVISE;
        long length = segment.byteSize() & ~4095L;
        if (madvise == null || length == 0) {
            return false;
        }
        try {
            if ((int) madvise.invokeExact(segment, length, MADV_HUGEPAGE) != 0) {
                return false;
            }
            return (int) madvise.invokeExact(segment, length, MADV_DONTNEED) == 0;
        } catch (Throwable e) {
            return false;
        }
    }
}

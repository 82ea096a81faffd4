package io.lvs4j.core.conn;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A clock that keeps counting across a restart of the process, so that a table kept in a file
 * ({@link ConnectionTableBuilder#file}) can tell how long it lay unused: Linux's
 * {@code CLOCK_BOOTTIME} (read with {@code clock_gettime} through FFM; it counts suspend time
 * too), whose epoch is this boot ({@code /proc/sys/kernel/random/boot_id}); without native
 * access, the wall clock, whose epoch is the same for every boot. A file written under another
 * epoch (before a reboot, or by a process using the other clock) is refused.
 */
interface RestartClock {

    /** @return nanoseconds since the clock's origin */
    long nanos();

    /** @return a number naming the clock's origin: equal numbers, comparable {@link #nanos()} */
    long epoch();

    /** The clock of this machine: boot time if native access allows, else the wall clock. */
    RestartClock SYSTEM = BootTime.available() ? new BootTime() : new WallClock();

    /** {@code CLOCK_BOOTTIME}, one method handle looked up once. */
    final class BootTime implements RestartClock {
        private static final int CLOCK_BOOTTIME = 7;
        private static final MethodHandle CLOCK_GETTIME = lookup();
        private final long epoch = bootId();
        private final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);

        static boolean available() {
            return CLOCK_GETTIME != null && RestartClock.class.getModule().isNativeAccessEnabled();
        }

        @SuppressWarnings("restricted")
        private static MethodHandle lookup() {
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                return null;
            }
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("clock_gettime").map(s -> linker.downcallHandle(s,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
                    .orElse(null);
        }

        private static long bootId() {
            try {
                String id = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII)
                        .trim();
                return 0x4000_0000_0000_0000L | (id.hashCode() & 0xFFFF_FFFFL) << 16 | (id.length() & 0xFFFF);
            } catch (IOException | RuntimeException e) {
                return 2;
            }
        }

        @Override
        public synchronized long nanos() {
            try {
                if ((int) CLOCK_GETTIME.invokeExact(CLOCK_BOOTTIME, timespec) != 0) {
                    throw new IllegalStateException("clock_gettime(CLOCK_BOOTTIME) failed");
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            return timespec.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + timespec.get(ValueLayout.JAVA_LONG, 8);
        }

        @Override
        public long epoch() {
            return epoch;
        }
    }

    /** The wall clock in nanoseconds since 1970 (a step of the clock shifts every remaining time). */
    final class WallClock implements RestartClock {
        @Override
        public long nanos() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public long epoch() {
            return 1;
        }
    }
}

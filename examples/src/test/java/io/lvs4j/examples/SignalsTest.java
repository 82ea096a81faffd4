package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalsTest {

    private static final int SIGHUP = 1;
    private static final long SIG_IGN = 1;

    /**
     * A director started under {@code nohup} inherits SIGHUP as ignored; the JVM then silently
     * declines to handle it, and a reload never happened. The handler must run all the same.
     */
    @Test
    void shouldHandleSighupThatTheProcessInheritedAsIgnored() throws Throwable {
        ignore(SIGHUP);
        CountDownLatch handled = new CountDownLatch(1);
        Signals.handle("HUP", handled::countDown);

        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(ProcessHandle.current().pid()))
                .inheritIO().start();

        assertEquals(0, kill.waitFor());
        assertTrue(handled.await(30, TimeUnit.SECONDS), "SIGHUP reached the handler");
    }

    @SuppressWarnings("restricted")
    private static void ignore(int signal) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle call = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MemorySegment previous = (MemorySegment) call.invokeExact(signal, MemorySegment.ofAddress(SIG_IGN));
        assertNotEquals(-1L, previous.address());
    }
}

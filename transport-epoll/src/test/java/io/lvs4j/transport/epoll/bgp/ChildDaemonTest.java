package io.lvs4j.transport.epoll.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon dies with its parent: the kernel's parent-death signal, armed by setpriv, kills it
 * when the thread that started it ends (as when the JVM dies); and a daemon whose parent is
 * not the expected one does not run at all.
 */
class ChildDaemonTest {

    @TempDir
    Path dir;

    @Test
    void shouldBeKilledWhenTheThreadThatStartedItEnds() throws Exception {
        AtomicReference<ChildDaemon> child = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            ChildDaemon d = new ChildDaemon("sleep", List.of("/bin/sleep", "300"), dir.resolve("sleep.out"));
            try {
                d.start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            child.set(d);
        });
        starter.start();
        starter.join(10_000);
        ProcessHandle process = ProcessHandle.of(child.get().pid()).orElse(null);
        if (process != null) {
            process.onExit().get(10, TimeUnit.SECONDS);
        }
        assertTrue(!child.get().alive(), "the child died with its thread");
        assertEquals(137, child.get().exitCode(), "killed by SIGKILL");
    }

    @Test
    void shouldRunAndStopOnSigtermWhileItsParentLives() throws Exception {
        ChildDaemon d = new ChildDaemon("sleep", List.of("/bin/sleep", "300"), dir.resolve("sleep.out"));
        d.start();
        assertTrue(d.alive());
        d.stop(5_000);
        assertEquals(143, d.exitCode(), "ended by SIGTERM");
    }

    @Test
    void shouldNotRunTheDaemonWhenItsParentIsAnother() throws Exception {
        Path out = dir.resolve("guard.out");
        Process p = new ProcessBuilder(ChildDaemon.guarded(1, List.of("/bin/sh", "-c", "echo ran")))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(111, p.exitValue());
        assertEquals("", Files.readString(out));
    }
}

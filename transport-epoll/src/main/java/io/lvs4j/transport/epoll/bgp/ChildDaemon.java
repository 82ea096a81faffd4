package io.lvs4j.transport.epoll.bgp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon that runs as the director's child and dies with it, {@code kill -9} included: it is
 * started through util-linux's {@code setpriv --pdeathsig KILL}, so the kernel kills it as soon
 * as the thread that started it ends, and a shell checks first that its parent is still this
 * JVM (a director that died before the signal was armed leaves no daemon behind).
 *
 * <p>The parent-death signal follows the thread that forked the child, not the process: start
 * daemons from a thread that lives as long as they should (the announcer's own thread). Not
 * thread-safe.
 */
final class ChildDaemon {

    private static final Logger LOG = LoggerFactory.getLogger(ChildDaemon.class);
    /** util-linux's {@code setpriv}, which arms the parent-death signal and then runs the daemon. */
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final String GUARD = "test \"$PPID\" = \"$1\" || exit 111; shift; exec \"$@\"";

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    /**
     * Describes a daemon; nothing runs before {@link #start()}.
     *
     * @param name a short name for logs
     * @param command the daemon's command line, in the foreground
     * @param log the file its standard output and error are appended to
     */
    ChildDaemon(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /**
     * Returns the full command line: the parent-death guard, then the daemon.
     *
     * @param parentPid this JVM's process id
     * @param command the daemon's command line
     * @return the command to start
     */
    static List<String> guarded(long parentPid, List<String> command) {
        List<String> line = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--", "/bin/sh",
                "-c", GUARD, "lvs4j-child", Long.toString(parentPid)));
        line.addAll(command);
        return line;
    }

    /**
     * Starts the daemon.
     *
     * @throws IOException if it cannot be started, or setpriv is missing
     */
    void start() throws IOException {
        if (!Files.isExecutable(SETPRIV)) {
            throw new IOException(SETPRIV + " (util-linux) is missing: lvs4j starts its BGP daemon through it");
        }
        process = new ProcessBuilder(guarded(ProcessHandle.current().pid(), command))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        LOG.info("{} started (pid {}): {}", name, process.pid(), String.join(" ", command));
    }

    /** @return whether the daemon runs */
    boolean alive() {
        return process != null && process.isAlive();
    }

    /** @return the daemon's exit code, or -1 if it runs or never ran */
    int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    /** @return the daemon's process id, or -1 if it never ran */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    /**
     * Stops the daemon: SIGTERM (a BGP daemon then closes its sessions with a notification),
     * SIGKILL if it has not ended after the grace time.
     *
     * @param graceMillis how long it may take to end
     */
    void stop(long graceMillis) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("{} did not end on SIGTERM within {} ms; killing it", name, graceMillis);
                process.destroyForcibly();
                process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package io.lvs4j.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command to completion with a time limit and captures its output. Thread-safe.
 */
public final class Command {

    /** How long a command may run unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Command() {
    }

    /**
     * The outcome of a command.
     *
     * @param command the command line
     * @param exitCode its exit code
     * @param stdout what it wrote to standard output
     * @param stderr what it wrote to standard error
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** @return {@code true} if the exit code is 0 */
        public boolean ok() {
            return exitCode == 0;
        }

        /**
         * Throws unless the command succeeded.
         *
         * @return this result
         * @throws IllegalStateException with the command, exit code and standard error
         */
        public Result check() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode + ": "
                        + stderr.strip());
            }
            return this;
        }
    }

    /**
     * Runs a command, failing if it does not finish in {@link #DEFAULT_TIMEOUT}.
     *
     * @param command the program and its arguments
     * @return the result, whatever the exit code
     */
    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    /**
     * Runs a command, killing it and failing if it does not finish in time.
     *
     * @param timeout the time limit
     * @param command the program and its arguments
     * @return the result, whatever the exit code
     */
    public static Result run(Duration timeout, List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("lvs4j-cmd", ".out");
            err = Files.createTempFile("lvs4j-cmd", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static void delete(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    /**
     * Tells whether a program is on the {@code PATH}.
     *
     * @param program the program name
     * @return {@code true} if found and executable
     */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}

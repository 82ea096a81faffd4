package io.lvs4j.core.check.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs external commands (MISC_CHECK, notify scripts) without a thread of ours: the JDK's
 * process reaper tells when a process ends. Output goes nowhere, as no one reads it.
 */
public final class Scripts {

    private static final Logger LOG = LoggerFactory.getLogger(Scripts.class);

    private Scripts() {
    }

    /**
     * Splits a keepalived command line into words: blanks separate words, single or double
     * quotes group them, a backslash escapes the next character.
     *
     * @param line the command line
     * @return the words
     */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && quote != '\'') {
                w.append(line.charAt(++i));
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unbalanced quote in: " + line);
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    /**
     * Starts a command.
     *
     * @param command the program and its arguments
     * @return the process
     * @throws IOException if it cannot start
     */
    public static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /**
     * Kills a process and everything it started (SIGKILL), as keepalived does to a script that
     * outlives its timeout.
     *
     * @param p the process
     */
    public static void kill(Process p) {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * Runs a notify script and forgets it; a script that runs past the timeout is killed.
     *
     * @param command the program and its arguments
     * @param timeout the longest it may run
     * @return the exit code, or -1 if it could not start or was killed
     */
    public static CompletableFuture<Integer> notify(List<String> command, Duration timeout) {
        Process p;
        try {
            p = start(command);
        } catch (IOException e) {
            LOG.warn("notify script {} could not start: {}", command, e.toString());
            return CompletableFuture.completedFuture(-1);
        }
        return p.onExit().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).handle((done, error) -> {
            if (error != null) {
                LOG.warn("notify script {} ran past {} and was killed", command, timeout);
                kill(p);
                return -1;
            }
            if (done.exitValue() != 0) {
                LOG.info("notify script {} exited with {}", command, done.exitValue());
            }
            return done.exitValue();
        });
    }
}

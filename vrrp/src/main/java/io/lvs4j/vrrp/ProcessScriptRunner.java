package io.lvs4j.vrrp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs scripts as operating-system processes, waiting for each on a virtual thread. Output
 * is discarded; a process that outlives its timeout is killed (with its descendants).
 * Thread-safe.
 */
public final class ProcessScriptRunner implements ScriptRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessScriptRunner.class);

    /** Creates a runner. */
    public ProcessScriptRunner() {
    }

    @Override
    public CompletionStage<ScriptResult> run(List<String> command, Duration timeout) {
        CompletableFuture<ScriptResult> result = new CompletableFuture<>();
        Thread.ofVirtual().name("vrrp-script").start(() -> result.complete(runNow(command, timeout)));
        return result;
    }

    private static ScriptResult runNow(List<String> command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot start script {}: {}", command, e.toString());
            return new ScriptResult(-1, false);
        }
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return new ScriptResult(process.exitValue(), false);
            }
            LOG.warn("script {} timed out after {}", command, timeout);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return new ScriptResult(-1, true);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new ScriptResult(-1, false);
        }
    }
}

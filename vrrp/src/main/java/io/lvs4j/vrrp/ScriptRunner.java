package io.lvs4j.vrrp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Runs tracked and notify scripts; the I/O side of script tracking. {@link ProcessScriptRunner}
 * starts processes; tests supply their own. Implementations must be thread-safe and must not
 * block the caller.
 */
@FunctionalInterface
public interface ScriptRunner {

    /**
     * Starts a script.
     *
     * @param command the program and its arguments
     * @param timeout the run is killed and counted as failed after this long
     * @return completes with the outcome (never exceptionally)
     */
    CompletionStage<ScriptResult> run(List<String> command, Duration timeout);
}

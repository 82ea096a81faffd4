package io.lvs4j.vrrp;

/**
 * The outcome of one script run.
 *
 * @param exitCode the exit status, or -1 when the script could not start or was killed
 * @param timedOut whether it ran past its timeout (and was killed)
 */
public record ScriptResult(int exitCode, boolean timedOut) {

    /** @return true for exit status 0 within the timeout */
    public boolean success() {
        return exitCode == 0 && !timedOut;
    }
}

package io.lvs4j.vrrp.internal;

import io.lvs4j.core.config.VrrpScriptConfig;

import java.util.List;

/**
 * The rise/fall hysteresis of one tracked script, as keepalived counts it: the script starts
 * bad, one success short of good; {@code rise} successes in a row make it good, {@code fall}
 * failures in a row make it bad. Also holds when the script runs next. Not thread-safe.
 */
public final class ScriptTracker {

    private final VrrpScriptConfig script;
    private final List<String> command;
    private boolean good;
    private int successes;
    private int failures;
    private long nextRun;
    private boolean running;
    private boolean reported;

    /**
     * Creates a tracker, due at once.
     *
     * @param script the script, with its weight
     * @param now the current time in nanoseconds
     * @throws IllegalArgumentException if its command line has an unbalanced quote
     */
    public ScriptTracker(VrrpScriptConfig script, long now) {
        this.script = script;
        this.command = script.script().words();
        this.successes = script.rise() - 1;
        this.nextRun = now;
    }

    /** @return the script */
    public VrrpScriptConfig script() {
        return script;
    }

    /** @return the program and its arguments */
    public List<String> command() {
        return command;
    }

    /** @return whether the script is currently good */
    public boolean good() {
        return good;
    }

    /**
     * Records one outcome.
     *
     * @param success whether the run succeeded
     * @return true when this outcome changed good to bad or back, or was the first (which ends
     *     the wait of a weight-0 script)
     */
    public boolean record(boolean success) {
        running = false;
        boolean first = !reported;
        reported = true;
        if (success) {
            failures = 0;
            if (!good && ++successes >= script.rise()) {
                good = true;
                return true;
            }
        } else {
            successes = 0;
            if (good && ++failures >= script.fall()) {
                good = false;
                failures = 0;
                return true;
            }
        }
        return first;
    }

    /** @return when the next run is due, nanoseconds */
    public long nextRun() {
        return running ? Long.MAX_VALUE : nextRun;
    }

    /**
     * Marks a run started and schedules the next one.
     *
     * @param now the current time in nanoseconds
     */
    public void started(long now) {
        running = true;
        nextRun = now + script.interval().toNanos();
    }

    /**
     * Returns the priority adjustment this script contributes ({@link TrackWeight}).
     *
     * @return +weight when good with a positive weight, weight when bad with a negative one, else
     *     0; negated with {@code reverse}
     */
    public int adjustment() {
        return TrackWeight.adjustment(script.weight(), script.reverse(), good);
    }

    /**
     * Tells whether this script puts the instance in fault: a weight-0 script that is bad, or
     * with {@code reverse} good; either before its first result, as keepalived holds an instance
     * until its unweighted scripts have reported.
     *
     * @return true while the instance must stay in fault for this script
     */
    public boolean faults() {
        return script.weight() == 0 && (!reported || TrackWeight.faults(0, script.reverse(), good));
    }
}

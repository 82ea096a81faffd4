package io.lvs4j.core.check.internal;

/**
 * keepalived's quorum with hysteresis, pure: quorum is gained when the live weight reaches
 * {@code quorum + hysteresis} and lost when it drops below {@code quorum - hysteresis} or to 0.
 * Between the two thresholds the state holds, so a weight wobbling around the quorum does not
 * flap the service.
 *
 * <p>A quorum of 0 counts as 1, or the state would flip at every update with no live weight.
 *
 * <p>Not thread-safe.
 */
public final class QuorumState {

    private int quorum;
    private int hysteresis;
    private boolean up;

    /**
     * Starts as keepalived does: up if the live weight already reaches {@code quorum + hysteresis}.
     *
     * @param quorum the quorum
     * @param hysteresis the hysteresis
     * @param liveWeight the live weight at start
     */
    public QuorumState(int quorum, int hysteresis, long liveWeight) {
        this.quorum = Math.max(1, quorum);
        this.hysteresis = hysteresis;
        this.up = liveWeight >= (long) this.quorum + hysteresis;
    }

    /** @return true while quorum is met */
    public boolean up() {
        return up;
    }

    /**
     * Changes the thresholds (configuration reload); the state is kept until the next update.
     *
     * @param newQuorum the quorum
     * @param newHysteresis the hysteresis
     */
    public void configure(int newQuorum, int newHysteresis) {
        this.quorum = Math.max(1, newQuorum);
        this.hysteresis = newHysteresis;
    }

    /**
     * Takes the current live weight.
     *
     * @param liveWeight the sum of the weights of the live servers
     * @return true if the state changed
     */
    public boolean update(long liveWeight) {
        if (!up && liveWeight >= (long) quorum + hysteresis) {
            up = true;
            return true;
        }
        if (up && (liveWeight == 0 || liveWeight < (long) quorum - hysteresis)) {
            up = false;
            return true;
        }
        return false;
    }
}

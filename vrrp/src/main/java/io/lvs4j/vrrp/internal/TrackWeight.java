package io.lvs4j.vrrp.internal;

/**
 * What one tracked object (an interface's link, a script's result) does to an instance, as
 * keepalived.conf(5) tabulates it for {@code weight N [reverse]}:
 * <pre>
 * weight  reverse  up          down
 *   +N      no     prio + N    -
 *   -N      no     -           prio - N
 *   +N      yes    prio - N    -
 *   -N      yes    -           prio + N
 *    0      no     -           FAULT
 *    0      yes    FAULT       -
 * </pre>
 */
final class TrackWeight {

    private TrackWeight() {
    }

    /**
     * Returns the priority adjustment of one tracked object.
     *
     * @param weight its weight, -253..253
     * @param reverse whether {@code reverse} is set
     * @param up whether it is up (link up, script good)
     * @return the amount to add to the priority
     */
    static int adjustment(int weight, boolean reverse, boolean up) {
        int applied = weight > 0 && up || weight < 0 && !up ? weight : 0;
        return reverse ? -applied : applied;
    }

    /**
     * Tells whether one tracked object puts the instance in fault.
     *
     * @param weight its weight
     * @param reverse whether {@code reverse} is set
     * @param up whether it is up
     * @return true for a weight-0 object that is down, or up with {@code reverse}
     */
    static boolean faults(int weight, boolean reverse, boolean up) {
        return weight == 0 && up == reverse;
    }
}

package io.lvs4j.core.config;

/**
 * One line of a {@code track_interface} block: an interface whose link state changes the
 * priority of a VRRP instance or sync group.
 *
 * @param name the interface name
 * @param weight -253 to 253; 0: the instance goes to FAULT while the interface is down;
 *     positive: added to the priority while up; negative: subtracted while down
 * @param reverse {@code reverse}: subtract a positive weight while up, add a negative one while
 *     down; with weight 0, FAULT while the interface is up
 */
public record TrackedInterface(String name, int weight, boolean reverse) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the name is blank or the weight out of range
     */
    public TrackedInterface {
        Require.name("track_interface name", name);
        Require.range("track_interface weight", weight, -253, 253);
    }

    /**
     * An unweighted tracked interface: its failure means FAULT.
     *
     * @param name the interface name
     * @return the tracked interface
     */
    public static TrackedInterface of(String name) {
        return new TrackedInterface(name, 0, false);
    }
}

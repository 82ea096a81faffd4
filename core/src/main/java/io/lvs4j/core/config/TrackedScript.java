package io.lvs4j.core.config;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One line of a {@code track_script} block: a {@code vrrp_script} whose result changes the
 * priority of a VRRP instance or sync group.
 *
 * @param name the name of the {@code vrrp_script}
 * @param weight -253 to 253; empty: the script's own weight
 * @param reverse reverses the direction of the adjustment
 */
public record TrackedScript(String name, OptionalInt weight, boolean reverse) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the name is blank or the weight out of range
     */
    public TrackedScript {
        Require.name("track_script name", name);
        Objects.requireNonNull(weight, "weight");
        if (weight.isPresent()) {
            Require.range("track_script weight", weight.getAsInt(), -253, 253);
        }
    }

    /**
     * A tracked script with the script's own weight.
     *
     * @param name the name of the {@code vrrp_script}
     * @return the tracked script
     */
    public static TrackedScript of(String name) {
        return new TrackedScript(name, OptionalInt.empty(), false);
    }
}

package io.lvs4j.vrrp;

import java.util.Objects;

/**
 * An interface whose link state an instance follows, as keepalived's {@code track_interface}.
 * Weight 0: link down puts the instance in {@link VrrpState#FAULT}. Negative weight: link down
 * lowers the priority by its magnitude. Positive weight: link up raises the priority by it.
 *
 * @param name the interface name
 * @param weight -254 to 254
 */
public record TrackedInterface(String name, int weight) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when the weight is out of range
     */
    public TrackedInterface {
        Objects.requireNonNull(name, "name");
        if (weight < -254 || weight > 254) {
            throw new IllegalArgumentException("weight out of -254..254: " + weight);
        }
    }
}

package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;

/**
 * The I/O boundary of a {@link VrrpNode}: what it needs from the network. A raw-socket
 * implementation sends adverts with IP protocol 112 and TTL 255 to the multicast group (or to
 * unicast peers), encoding them with {@link VrrpEncoder}, and owns the virtual addresses
 * (ARP/ND answers, gratuitous ARP / unsolicited NA). Events come back through
 * {@link VrrpNode#receiveIpv4}, {@link VrrpNode#receiveIpv6} and {@link VrrpNode#linkChanged}.
 *
 * <p>All methods are called on the node's thread and must not block.
 */
public interface VrrpPort {

    /**
     * Sends an advert of an instance out of its interface.
     *
     * @param instance the instance (interface, source address, unicast peers)
     * @param advert the fields to send
     */
    void sendAdvert(VrrpInstanceConfig instance, Advertisement advert);

    /**
     * Takes the instance's virtual addresses: answer for them and announce them.
     *
     * @param instance the instance becoming master
     */
    void takeOver(VrrpInstanceConfig instance);

    /**
     * Releases the instance's virtual addresses.
     *
     * @param instance the instance leaving master
     */
    void release(VrrpInstanceConfig instance);

    /**
     * A master's virtual addresses changed with a reload: release those it no longer has, take
     * and announce the new ones. By default nothing (for ports that own no addresses).
     *
     * @param before the instance as it was
     * @param after the instance as it is now, still master
     */
    default void addressesChanged(VrrpInstanceConfig before, VrrpInstanceConfig after) {
    }

    /**
     * A master heard an advert of lower priority: announce its addresses again as its
     * {@code garp_lower_prio_repeat} and {@code garp_lower_prio_delay} say. By default nothing.
     *
     * @param instance the instance, master
     */
    default void heardLowerPriority(VrrpInstanceConfig instance) {
    }
}

package io.lvs4j.vrrp;

/**
 * What a {@link VrrpStateMachine} asks its host to do. Called on the machine's thread, inside
 * the call that caused it; implementations must not block.
 */
public interface VrrpActions {

    /**
     * Sends one advert now.
     *
     * @param priority the priority to advertise; 0 when the master is leaving
     */
    void sendAdvert(int priority);

    /** Takes the virtual addresses: answer ARP/ND for them, send gratuitous ARP or unsolicited NA, forward. */
    void takeOver();

    /** Releases the virtual addresses: stop answering for them, stop forwarding. */
    void release();

    /**
     * Reports a state change, after the actions that belong to it.
     *
     * @param from the old state
     * @param to the new state
     * @param priority the effective priority at the change
     */
    void stateChanged(VrrpState from, VrrpState to, int priority);

    /**
     * Tells that the master heard an advert of lower priority (another router that takes itself
     * for master), so that it may announce its addresses again, as keepalived's
     * {@code garp_lower_prio_repeat} does. By default nothing.
     */
    default void heardLowerPriority() {
    }
}

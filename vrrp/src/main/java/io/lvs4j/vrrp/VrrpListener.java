package io.lvs4j.vrrp;

/**
 * Notifications of state changes, the Java form of keepalived's notify scripts. Called on the
 * node's thread after the change's actions; must not block.
 */
public interface VrrpListener {

    /**
     * An instance changed state.
     *
     * @param instance the instance name
     * @param from the old state
     * @param to the new state ({@link VrrpState#INITIALIZE} when stopped)
     * @param priority the effective priority
     */
    void instanceStateChanged(String instance, VrrpState from, VrrpState to, int priority);

    /**
     * All members of a sync group reached one state.
     *
     * @param group the group name
     * @param state the state they share
     */
    default void groupStateChanged(String group, VrrpState state) {
    }
}

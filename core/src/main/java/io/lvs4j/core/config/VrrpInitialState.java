package io.lvs4j.core.config;

/** The state a VRRP instance starts in, keepalived's {@code state} keyword. */
public enum VrrpInitialState {
    /** Start as master (keepalived still waits for adverts unless the priority is 255). */
    MASTER,
    /** Start as backup; the default. */
    BACKUP
}

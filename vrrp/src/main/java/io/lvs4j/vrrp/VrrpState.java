package io.lvs4j.vrrp;

/** The states of a VRRP instance, as RFC 5798 names them plus keepalived's {@code FAULT}. */
public enum VrrpState {
    /** Not running: before {@code start()} or after {@code shutdown()}. */
    INITIALIZE,
    /** Watching the master's adverts, ready to take over when they stop. */
    BACKUP,
    /** Owning the virtual addresses and sending adverts. */
    MASTER,
    /** A tracked interface or script failed: the instance neither sends nor takes over. */
    FAULT
}

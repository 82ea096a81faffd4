package io.lvs4j.core.status;

/** What the health checks of a real server last concluded. */
public enum ServerHealth {
    /** No checker watches this server; it is taken as up. */
    UNCHECKED,
    /** The checkers find the server alive. */
    UP,
    /** The checkers find the server failed (removed, or weight 0 with inhibit_on_failure). */
    DOWN
}

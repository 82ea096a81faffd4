package io.lvs4j.core.check;

import io.lvs4j.core.model.RealServer;
import java.util.List;
import java.util.Objects;

/**
 * The health checking of one real server. The server is up when all its checkers are up (and
 * always, if it has none), as in keepalived.
 *
 * @param server the server, with its configured weight
 * @param checkers its checkers
 * @param inhibitOnFailure on failure set weight 0 (keeping existing connections) instead of
 *     removing the server
 * @param notifyUp {@code notify_up} command (program and arguments), empty for none
 * @param notifyDown {@code notify_down} command, empty for none
 */
public record ServerChecks(RealServer server, List<Checker> checkers, boolean inhibitOnFailure,
        List<String> notifyUp, List<String> notifyDown) {

    /** Copies the lists. */
    public ServerChecks {
        Objects.requireNonNull(server, "server");
        checkers = List.copyOf(checkers);
        notifyUp = List.copyOf(notifyUp);
        notifyDown = List.copyOf(notifyDown);
    }

    /**
     * @param server the server
     * @param checkers its checkers
     * @return checks that remove the server on failure, with no scripts
     */
    public static ServerChecks of(RealServer server, Checker... checkers) {
        return new ServerChecks(server, List.of(checkers), false, List.of(), List.of());
    }

    /**
     * @param inhibit whether to set weight 0 instead of removing the server
     * @return these checks with another {@code inhibit_on_failure}
     */
    public ServerChecks withInhibitOnFailure(boolean inhibit) {
        return new ServerChecks(server, checkers, inhibit, notifyUp, notifyDown);
    }

    /**
     * @param up the {@code notify_up} command, empty for none
     * @param down the {@code notify_down} command, empty for none
     * @return these checks with other notify scripts
     */
    public ServerChecks withNotify(List<String> up, List<String> down) {
        return new ServerChecks(server, checkers, inhibitOnFailure, up, down);
    }
}

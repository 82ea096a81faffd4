package io.lvs4j.core.conn;

import io.lvs4j.core.model.ConnectionCounters;

/**
 * IPVS's accounting of a table's entries in their real servers' {@link ConnectionCounters}
 * ({@code ip_vs_bind_dest}, {@code ip_vs_unbind_dest} and the ESTABLISHED rule of
 * {@code set_tcp_state}): a connection counts in ActiveConn or InActConn as its
 * {@link ConnectionTable#FLAG_INACTIVE} says, a template in PersistConn. A destination id the
 * {@link DestinationRegistry} does not know counts nowhere.
 *
 * <p>Called on the table's owning thread, per connection and per state change, never per
 * packet otherwise. Allocates nothing.
 */
final class ConnectionAccounting {

    private final DestinationRegistry registry;

    ConnectionAccounting(DestinationRegistry registry) {
        this.registry = registry;
    }

    /**
     * Counts a new entry.
     *
     * @param destinationId its real server
     * @param flags its flags: a template, or a connection active or inactive
     */
    void bind(int destinationId, int flags) {
        ConnectionCounters counters = registry.counters(destinationId);
        if (counters == null) {
            return;
        }
        if ((flags & ConnectionTable.FLAG_TEMPLATE) != 0) {
            counters.bindTemplate();
        } else {
            counters.bindConnection((flags & ConnectionTable.FLAG_INACTIVE) != 0);
        }
    }

    /**
     * Stops counting an entry that goes.
     *
     * @param destinationId its real server
     * @param flags its flags
     */
    void unbind(int destinationId, int flags) {
        ConnectionCounters counters = registry.counters(destinationId);
        if (counters == null) {
            return;
        }
        if ((flags & ConnectionTable.FLAG_TEMPLATE) != 0) {
            counters.unbindTemplate();
        } else {
            counters.unbindConnection((flags & ConnectionTable.FLAG_INACTIVE) != 0);
        }
    }

    /**
     * Moves a connection between ActiveConn and InActConn as its new TCP state enters or
     * leaves ESTABLISHED.
     *
     * @param destinationId its real server
     * @param flags its flags
     * @param state the new state (a {@link TcpState} ordinal)
     * @return the flags with {@link ConnectionTable#FLAG_INACTIVE} updated (unchanged for an
     *     unknown destination)
     */
    int stateChanged(int destinationId, int flags, int state) {
        ConnectionCounters counters = registry.counters(destinationId);
        if (counters == null) {
            return flags;
        }
        boolean established = state == TcpState.ESTABLISHED.ordinal();
        if ((flags & ConnectionTable.FLAG_INACTIVE) == 0 && !established) {
            counters.deactivate();
            return flags | ConnectionTable.FLAG_INACTIVE;
        }
        if ((flags & ConnectionTable.FLAG_INACTIVE) != 0 && established) {
            counters.activate();
            return flags & ~ConnectionTable.FLAG_INACTIVE;
        }
        return flags;
    }

    /**
     * Tells whether a template's real server may still be chosen through it (IPVS's
     * {@code ip_vs_check_template}).
     *
     * @param destinationId the template's real server
     * @param expireQuiescent IPVS's {@code expire_quiescent_template}
     * @return false if the server is unavailable, or quiesced (weight 0) while
     *     {@code expireQuiescent} is on
     */
    boolean templateUsable(int destinationId, boolean expireQuiescent) {
        return registry.available(destinationId) && !(expireQuiescent && registry.weight(destinationId) == 0);
    }
}

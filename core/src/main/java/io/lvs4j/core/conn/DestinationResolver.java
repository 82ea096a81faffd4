package io.lvs4j.core.conn;

/**
 * Maps an entry kept from a previous run ({@link ConnectionTableBuilder#file}) to the
 * destination id its real server has in this run, so that an id that changed (another config
 * order, another id given out) does not send a connection to another server. The entry holds
 * its real server's address and port and its virtual service's protocol, address and port.
 */
@FunctionalInterface
public interface DestinationResolver {

    /**
     * Finds the id of a kept entry's real server. Called while the table is built, on the
     * building thread.
     *
     * @param flow the entry's protocol, client (masked, port 0 for a template), virtual and
     *     real server address and port; valid during the call only
     * @param template whether the entry is a persistence template
     * @param storedId the id the entry held in the previous run
     * @return the server's id now, or -1 to drop the entry
     */
    int resolve(FlowTuple flow, boolean template, int storedId);
}

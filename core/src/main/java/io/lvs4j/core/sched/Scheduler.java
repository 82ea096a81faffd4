package io.lvs4j.core.sched;

/**
 * Picks the real server of each new connection of one virtual service, as an IPVS scheduler
 * module does ({@code rr}, {@code wlc}, ...).
 *
 * <p>Threading: {@link #update(DestinationSet)} is called by the control plane, one call at a
 * time, whenever the service's servers change (IPVS's {@code add_dest}, {@code del_dest} and
 * {@code upd_dest}). {@link #pick(FlowKey)} is called by any number of event loops at once; it
 * must be lock-free, allocate nothing, and see a set only after {@code update} published it.
 * Schedulers with a cursor ({@code rr}, {@code wrr}) share it between loops with atomic
 * compare-and-set, so the order of picks over all loops is IPVS's order.
 */
public interface Scheduler {

    /** @return the IPVS name of this scheduler, for example {@code wrr} */
    String name();

    /**
     * Adopts a new set of destinations. The set differs from the previous one by any number of
     * added, removed or changed servers; the scheduler carries over what IPVS carries over
     * (for example {@code rr} keeps its position).
     *
     * @param destinations the new set
     */
    void update(DestinationSet destinations);

    /**
     * Picks the destination of a new connection.
     *
     * @param flow the packet that opens the connection; hashing schedulers read it
     * @return the destination, or {@code null} if no server can take the connection
     */
    Destination pick(FlowKey flow);

    /**
     * Tells whether the pick for a flow depends on the flow and the destinations alone (Maglev),
     * not on earlier picks or connection counts: two directors configured with the same servers
     * then send a flow to the same server, so a director may take over a flow it never saw
     * begin (IPVS's {@code sloppy_tcp}, Katran's behaviour).
     *
     * @return {@code true} for consistent hashing; {@code false} by default
     */
    default boolean consistentHashing() {
        return false;
    }
}

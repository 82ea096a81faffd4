package io.lvs4j.core.status;

import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.packet.DropReason;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What a director tells about itself; the admin endpoint, {@link LvsMetrics} and
 * {@link IpvsadmFormat} read this and nothing else.
 *
 * <p>Every method may be called from any thread at any time and returns a consistent-enough
 * copy: counters summed over the event loops at the moment of the call. Methods are called on
 * the control plane (a scrape, a status request), never per packet.
 */
public interface StatusSource {

    /**
     * Returns the virtual services with their real servers and counters.
     *
     * @return the services, in any order
     */
    List<ServiceStatus> services();

    /**
     * Returns the frames dropped, by reason, summed over the loops.
     *
     * @return counts by reason; a reason missing counts 0
     */
    Map<DropReason, Long> drops();

    /**
     * Returns what the data path counts besides drops, by counter name in lower case: frames
     * forwarded, replies rewritten, frames left to the kernel, ARP answered, and the drops that
     * are the director's own (no connection, no destination, unresolved neighbour ...).
     *
     * @return counts by name; empty for a source that counts nothing of the kind
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /**
     * Returns the VRRP instances.
     *
     * @return the instances, empty if the director runs none
     */
    List<VrrpStatus> vrrp();

    /**
     * Returns what the director announces over BGP.
     *
     * @return the announcement, or null if the director announces nothing
     */
    default AnnouncementStatus announcement() {
        return null;
    }

    /**
     * Returns the size {@code ipvsadm -Ln} prints in its header ({@code size=4096}): the
     * capacity of the connection table.
     *
     * @return the connection table's capacity
     */
    int connectionTableSize();

    /**
     * Lists the connection entries and persistence templates ({@code ipvsadm -Lnc}).
     *
     * @return a stage completed with copies of the entries once every loop has listed its own
     */
    CompletionStage<List<ConnectionEntry>> connections();
}

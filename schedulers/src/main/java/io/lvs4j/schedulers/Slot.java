package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;

/**
 * One real server as the locality caches remember it across updates, as IPVS's cache entries
 * hold a {@code struct ip_vs_dest}: its latest destination and whether it is still in the
 * service (IPVS's {@code IP_VS_DEST_F_AVAILABLE}). Written by the control thread, read by
 * picks.
 */
final class Slot {

    volatile Destination dest;
    volatile boolean available;

    Slot(Destination dest) {
        this.dest = dest;
        this.available = true;
    }
}

package io.lvs4j.core.status;

import io.lvs4j.core.packet.DropReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A snapshot of everything a {@link StatusSource} tells but its connections: what an admin
 * endpoint serves as JSON and what {@link IpvsadmFormat} prints.
 *
 * @param connectionTableSize the connection table's capacity
 * @param services the virtual services
 * @param drops frames dropped by reason (every reason but {@link DropReason#NONE}, zeros included)
 * @param vrrp the VRRP instances
 * @param counters the data path's other counters by name ({@link StatusSource#counters()})
 * @param announcement what the director announces over BGP; null if nothing
 */
public record DirectorStatus(int connectionTableSize, List<ServiceStatus> services,
        Map<DropReason, Long> drops, List<VrrpStatus> vrrp, Map<String, Long> counters,
        AnnouncementStatus announcement) {

    /**
     * Copies the collections.
     *
     * @throws NullPointerException if a collection is null
     */
    public DirectorStatus {
        services = List.copyOf(services);
        Map<DropReason, Long> all = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            if (reason != DropReason.NONE) {
                all.put(reason, Objects.requireNonNullElse(drops.get(reason), 0L));
            }
        }
        drops = Collections.unmodifiableMap(all);
        vrrp = List.copyOf(vrrp);
        counters = counters == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(counters));
    }

    /**
     * A snapshot without an announcement.
     *
     * @param connectionTableSize the connection table's capacity
     * @param services the virtual services
     * @param drops frames dropped by reason
     * @param vrrp the VRRP instances
     * @param counters the data path's other counters by name
     */
    public DirectorStatus(int connectionTableSize, List<ServiceStatus> services, Map<DropReason, Long> drops,
            List<VrrpStatus> vrrp, Map<String, Long> counters) {
        this(connectionTableSize, services, drops, vrrp, counters, null);
    }

    /**
     * A snapshot without the data path's other counters.
     *
     * @param connectionTableSize the connection table's capacity
     * @param services the virtual services
     * @param drops frames dropped by reason
     * @param vrrp the VRRP instances
     */
    public DirectorStatus(int connectionTableSize, List<ServiceStatus> services, Map<DropReason, Long> drops,
            List<VrrpStatus> vrrp) {
        this(connectionTableSize, services, drops, vrrp, Map.of());
    }

    /**
     * Takes a snapshot of a source.
     *
     * @param source the source
     * @return the snapshot
     */
    public static DirectorStatus of(StatusSource source) {
        return new DirectorStatus(source.connectionTableSize(), source.services(), source.drops(),
                source.vrrp(), source.counters(), source.announcement());
    }
}

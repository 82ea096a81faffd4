package io.lvs4j.core.status;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the VRRP instances of one interface sent and received, as keepalived's statistics count
 * adverts: sent, received and accepted, and the received ones dropped by the first receive
 * check they failed, in the order of the RFCs' receive checks.
 *
 * @param interfaceName the interface
 * @param advertsSent adverts sent (priority-0 adverts included)
 * @param advertsReceived adverts received that passed every check
 * @param dropped packets received and dropped, by check in lower case ({@code bad_ttl},
 *     {@code bad_checksum}, {@code unknown_vrid} ...); a check missing counts 0
 */
public record VrrpCounters(String interfaceName, long advertsSent, long advertsReceived, Map<String, Long> dropped) {

    /**
     * Checks the name and copies the map, sorted by check name (none for null).
     *
     * @throws NullPointerException if the name is null
     */
    public VrrpCounters {
        Objects.requireNonNull(interfaceName, "interfaceName");
        dropped = dropped == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(dropped));
    }
}

package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.SourcePosition;
import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.core.config.VrrpInitialState;
import io.lvs4j.core.config.VrrpInstanceConfig;

import java.net.Inet6Address;
import java.time.Duration;
import java.util.List;

/**
 * keepalived's {@code vrrp_strict} / {@code strict_mode} checks of one {@code vrrp_instance}
 * (keepalived's {@code vrrp_complete_instance}): what strict mode forbids is refused (unicast
 * peers, no virtual address) or corrected with a warning, as keepalived corrects it
 * (authentication dropped, {@code state} made to follow the priority, {@code preempt_delay} and
 * repeated gratuitous ARPs after a lower-priority advert cleared). Strict mode also means
 * {@code lower_prio_no_advert} (a master does not answer a lower-priority advert) and, for an
 * address owner, that received adverts are ignored; the VRRP node acts on those at run time.
 * The IPv4/IPv6 rules (IPv6 means version 3) hold in every mode and are checked elsewhere.
 */
final class StrictMode {

    /** The one part of keepalived's strict mode lvs4j does not do, said where strict mode is switched on. */
    static final String NO_FIREWALL = "strict mode is acted on (see the migration guide), except that lvs4j"
            + " installs no firewall rule dropping traffic to a virtual_ipaddress it puts on the kernel interface"
            + " (keepalived's no_accept)";

    /** What a {@code vrrp_instance} block said that strict mode judges; null or empty: not said. */
    static final class Seen {
        Statement unicastPeer;
        Statement authentication;
        Statement preemptDelay;
        Statement lowerPrio;
        Token state;
        VrrpInitialState initialState;
        int priority = 100;
    }

    private StrictMode() {
    }

    /**
     * Applies strict mode to an instance being read.
     *
     * @param name the instance's name
     * @param decl its declaration
     * @param seen what its block said
     * @param vips its virtual addresses
     * @param firstVip where its first virtual address is written, or null
     * @param b its builder
     * @param garp its gratuitous ARP settings
     * @param diagnostics where warnings go
     * @return false if its authentication must be dropped (it is, with a warning)
     * @throws ConfigException for what strict mode refuses
     */
    static boolean apply(String name, Statement decl, Seen seen, List<VirtualIpAddress> vips,
            SourcePosition firstVip, VrrpInstanceConfig.Builder b, GarpConfig.Builder garp, Diagnostics diagnostics) throws ConfigException {
        if (seen.unicastPeer != null) {
            throw new ConfigException(seen.unicastPeer.position(), "vrrp_instance " + name + ": unicast peers are"
                    + " not allowed in strict mode (vrrp_strict or strict_mode), as in keepalived");
        }
        if (vips.isEmpty()) {
            throw new ConfigException(decl.position(), "vrrp_instance " + name + " has no virtual_ipaddress:"
                    + " strict mode requires at least one, as in keepalived");
        }
        boolean owner = seen.priority == 255;
        if (seen.state != null && (seen.initialState == VrrpInitialState.MASTER) != owner) {
            diagnostics.warn(seen.state.position(), "state " + seen.initialState + " with priority " + seen.priority
                    + ": in strict mode only the address owner (priority 255) is MASTER; state "
                    + (owner ? "MASTER" : "BACKUP") + " used, as keepalived does");
            b.initialState(owner ? VrrpInitialState.MASTER : VrrpInitialState.BACKUP);
        }
        if (seen.preemptDelay != null) {
            diagnostics.warn(seen.preemptDelay.position(), "preempt_delay is not allowed in strict mode; cleared,"
                    + " as keepalived does");
            b.preemptDelay(Duration.ZERO);
        }
        if (seen.lowerPrio != null) {
            diagnostics.warn(seen.lowerPrio.position(), "strict mode sends no repeated gratuitous ARPs after a"
                    + " lower-priority advert; " + seen.lowerPrio.name() + " cleared, as keepalived does");
        }
        garp.lowerPrioRepeat(0).lowerPrioDelay(Duration.ZERO);
        b.lowerPrioNoAdvert(true);
        if (vips.getFirst().address() instanceof Inet6Address v6 && !v6.isLinkLocalAddress()) {
            diagnostics.warn(firstVip != null ? firstVip : decl.position(), "in strict mode the first IPv6 virtual_ipaddress must be"
                    + " link-local (RFC 5798); keepalived reports it too");
        }
        if (seen.authentication != null) {
            diagnostics.warn(seen.authentication.position(), "authentication is not allowed in strict mode;"
                    + " ignored, as keepalived does");
            return false;
        }
        return true;
    }
}

package io.lvs4j.core.status;

import java.util.List;
import java.util.Objects;

/**
 * What a director announces over BGP ({@code bgp_announce}): each VIP prefix, whether it is
 * announced and why, whether the operator drained the director, the daemon and its sessions.
 *
 * @param daemon the BGP daemon, such as {@code frr}
 * @param daemonRunning whether the daemon runs now
 * @param drained whether the operator drained the director (every prefix withdrawn, flows still served)
 * @param routes the prefixes, one per VIP
 * @param peers the BGP sessions as the daemon last reported them; empty if it reports none
 */
public record AnnouncementStatus(String daemon, boolean daemonRunning, boolean drained, List<Route> routes,
        List<Peer> peers) {

    /**
     * Checks and copies.
     *
     * @throws NullPointerException if a component is null
     */
    public AnnouncementStatus {
        Objects.requireNonNull(daemon, "daemon");
        routes = List.copyOf(routes);
        peers = List.copyOf(peers);
    }

    /**
     * One VIP prefix.
     *
     * @param prefix the prefix, such as {@code 198.18.0.10/32}
     * @param announced whether the daemon announces it now
     * @param reason why: {@code serving}, {@code drained}, {@code no real server}, {@code loops stopped},
     *     {@code daemon down} ...
     * @param changes announcements and withdrawals since the start
     */
    public record Route(String prefix, boolean announced, String reason, long changes) {

        /**
         * Checks the fields.
         *
         * @throws NullPointerException if prefix or reason is null
         */
        public Route {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * One BGP session of the daemon.
     *
     * @param address the router's address
     * @param state the session's state, such as {@code Established}, {@code Active}, {@code Connect}
     */
    public record Peer(String address, String state) {

        /**
         * Checks the fields.
         *
         * @throws NullPointerException if a field is null
         */
        public Peer {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(state, "state");
        }
    }

    /** @return true if every prefix is announced (and there is one) */
    public boolean announced() {
        return !routes.isEmpty() && routes.stream().allMatch(Route::announced);
    }

    /**
     * Formats the announcement for {@code ./lvs4j status}, below the table.
     *
     * @return lines, each ending with a line separator
     */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("BGP announcement (%s, %s)%s%n", daemon, daemonRunning ? "running" : "not running",
                drained ? ": DRAINED" : ""));
        for (Route r : routes) {
            b.append(String.format("  %-43s %-9s (%s, %d changes)%n", r.prefix(),
                    r.announced() ? "announced" : "withdrawn", r.reason(), r.changes()));
        }
        for (Peer p : peers) {
            b.append(String.format("  peer %-38s %s%n", p.address(), p.state()));
        }
        return b.toString();
    }
}

package io.lvs4j.core.config;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * lvs4j's own {@code bgp_announce} block: the director announces the VIP of each of its virtual
 * servers (as a /32 or /128) through a real BGP daemon while it can serve that VIP, and
 * withdraws it otherwise, so that routers spread clients over several active directors by ECMP.
 * lvs4j decides when; the daemon speaks BGP.
 *
 * <pre>
 * bgp_announce {
 *     local_as 65001
 *     router_id 198.18.0.21                  # default: the director's IPv4 address
 *     neighbor 198.18.0.1 remote_as 65000    # one line per router
 *     hold_time 3                            # seconds (BGP's minimum); keepalives every hold_time / 3
 *     check_interval 0.2                     # how often lvs4j looks whether it can serve
 *     run_dir /run/lvs4j/bgp                 # the daemons' configuration, sockets, pid files, logs
 *     frr_dir /usr/lib/frr                   # where FRR's zebra and bgpd are
 *     vtysh /usr/bin/vtysh
 * }
 * </pre>
 *
 * <p>By default the daemon is FRR: lvs4j writes a {@code zebra} and {@code bgpd} configuration
 * from this block into {@code run_dir}, runs both as its children (they die with it, also on
 * {@code kill -9}), and adds or removes {@code network} statements through {@code vtysh}. With
 * {@code announce_command} and {@code withdraw_command} (and usually {@code daemon_command},
 * the daemon lvs4j runs as its child), any other daemon can be driven instead, such as GoBGP or
 * BIRD; in those commands {@code %prefix%} stands for the prefix ({@code 198.18.0.10/32}),
 * {@code %address%} for the VIP and {@code %family%} for {@code ipv4} or {@code ipv6}.
 *
 * @param localAs the director's autonomous system number (FRR); 0 with commands
 * @param routerId the BGP router id; empty: the director's IPv4 address
 * @param neighbors the routers (FRR); may be empty with commands
 * @param holdTime the BGP hold time, 3 to 65535 s: how long a router keeps the routes of a
 *     director it no longer hears from
 * @param checkInterval how often the director checks whether it can serve each VIP
 * @param runDirectory the directory of the daemons' files; two directors on one host need two
 * @param frrDirectory where FRR's {@code zebra} and {@code bgpd} are
 * @param vtysh FRR's {@code vtysh}
 * @param daemonCommand another daemon to run as lvs4j's child, instead of FRR's
 * @param announceCommand the command that announces a prefix through another daemon
 * @param withdrawCommand the command that withdraws a prefix through another daemon
 */
public record BgpConfig(long localAs, Optional<Inet4Address> routerId, List<BgpNeighbor> neighbors,
        Duration holdTime, Duration checkInterval, Path runDirectory, Path frrDirectory, Path vtysh,
        Optional<Script> daemonCommand, Optional<Script> announceCommand, Optional<Script> withdrawCommand) {

    /** The default hold time: keepalives every 3 s, a silent director's routes gone after 9 s. */
    public static final Duration DEFAULT_HOLD_TIME = Duration.ofSeconds(9);
    /** The default interval of the checks. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(200);
    /** The default directory of the daemons' files. */
    public static final Path DEFAULT_RUN_DIRECTORY = Path.of("/run/lvs4j/bgp");
    /** Where Debian's {@code frr} package puts its daemons. */
    public static final Path DEFAULT_FRR_DIRECTORY = Path.of("/usr/lib/frr");
    /** Where Debian's {@code frr} package puts {@code vtysh}. */
    public static final Path DEFAULT_VTYSH = Path.of("/usr/bin/vtysh");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range; FRR (no commands) lacks
     *     {@code local_as} or a neighbor; a neighbor is listed twice; only one of
     *     {@code announce_command} and {@code withdraw_command} is given, or
     *     {@code daemon_command} without them
     * @throws NullPointerException if a component is null
     */
    public BgpConfig {
        Objects.requireNonNull(routerId, "routerId");
        neighbors = Require.list("neighbors", neighbors);
        Objects.requireNonNull(holdTime, "holdTime");
        if (holdTime.toMillis() < 3000 || holdTime.toSeconds() > 65535 || holdTime.toNanos() % 1_000_000_000 != 0) {
            throw new IllegalArgumentException("hold_time must be whole seconds from 3 to 65535: " + holdTime);
        }
        Require.positive("check_interval", checkInterval);
        Objects.requireNonNull(runDirectory, "runDirectory");
        Objects.requireNonNull(frrDirectory, "frrDirectory");
        Objects.requireNonNull(vtysh, "vtysh");
        Objects.requireNonNull(daemonCommand, "daemonCommand");
        Objects.requireNonNull(announceCommand, "announceCommand");
        Objects.requireNonNull(withdrawCommand, "withdrawCommand");
        if (announceCommand.isPresent() != withdrawCommand.isPresent()) {
            throw new IllegalArgumentException("bgp_announce needs both announce_command and withdraw_command, or"
                    + " neither");
        }
        if (daemonCommand.isPresent() && announceCommand.isEmpty()) {
            throw new IllegalArgumentException("bgp_announce: daemon_command needs announce_command and"
                    + " withdraw_command");
        }
        if (announceCommand.isEmpty()) {
            requireAs("local_as", localAs);
            if (neighbors.isEmpty()) {
                throw new IllegalArgumentException("bgp_announce needs a neighbor to announce to");
            }
        } else if (localAs != 0) {
            requireAs("local_as", localAs);
        }
        Set<Object> seen = new HashSet<>();
        for (BgpNeighbor n : neighbors) {
            if (!seen.add(n.address())) {
                throw new IllegalArgumentException("bgp_announce lists neighbor " + n.address().getHostAddress()
                        + " twice");
            }
        }
    }

    static long requireAs(String what, long as) {
        if (as < 1 || as > 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " must be an AS number from 1 to 4294967295: " + as);
        }
        return as;
    }

    /** @return true if lvs4j runs FRR itself; false if the commands drive another daemon */
    public boolean frr() {
        return announceCommand.isEmpty();
    }

    /**
     * Starts a builder with the defaults and nothing announced to.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BgpConfig}; not thread-safe. */
    public static final class Builder {
        private long localAs;
        private Inet4Address routerId;
        private final List<BgpNeighbor> neighbors = new ArrayList<>();
        private Duration holdTime = DEFAULT_HOLD_TIME;
        private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
        private Path runDirectory = DEFAULT_RUN_DIRECTORY;
        private Path frrDirectory = DEFAULT_FRR_DIRECTORY;
        private Path vtysh = DEFAULT_VTYSH;
        private Script daemonCommand;
        private Script announceCommand;
        private Script withdrawCommand;

        private Builder() {
        }

        /** @param as {@code local_as} @return this builder */
        public Builder localAs(long as) {
            this.localAs = as;
            return this;
        }

        /** @param id {@code router_id} @return this builder */
        public Builder routerId(Inet4Address id) {
            this.routerId = Objects.requireNonNull(id, "id");
            return this;
        }

        /** @param neighbor a {@code neighbor} line @return this builder */
        public Builder neighbor(BgpNeighbor neighbor) {
            neighbors.add(Objects.requireNonNull(neighbor, "neighbor"));
            return this;
        }

        /** @param value {@code hold_time}, whole seconds @return this builder */
        public Builder holdTime(Duration value) {
            this.holdTime = value;
            return this;
        }

        /** @param value {@code check_interval} @return this builder */
        public Builder checkInterval(Duration value) {
            this.checkInterval = value;
            return this;
        }

        /** @param dir {@code run_dir} @return this builder */
        public Builder runDirectory(Path dir) {
            this.runDirectory = dir;
            return this;
        }

        /** @param dir {@code frr_dir} @return this builder */
        public Builder frrDirectory(Path dir) {
            this.frrDirectory = dir;
            return this;
        }

        /** @param path {@code vtysh} @return this builder */
        public Builder vtysh(Path path) {
            this.vtysh = path;
            return this;
        }

        /** @param command {@code daemon_command} @return this builder */
        public Builder daemonCommand(Script command) {
            this.daemonCommand = command;
            return this;
        }

        /** @param command {@code announce_command} @return this builder */
        public Builder announceCommand(Script command) {
            this.announceCommand = command;
            return this;
        }

        /** @param command {@code withdraw_command} @return this builder */
        public Builder withdrawCommand(Script command) {
            this.withdrawCommand = command;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the configuration
         * @throws IllegalArgumentException as {@link BgpConfig#BgpConfig} does
         */
        public BgpConfig build() {
            return new BgpConfig(localAs, Optional.ofNullable(routerId), neighbors, holdTime, checkInterval,
                    runDirectory, frrDirectory, vtysh, Optional.ofNullable(daemonCommand),
                    Optional.ofNullable(announceCommand), Optional.ofNullable(withdrawCommand));
        }
    }
}

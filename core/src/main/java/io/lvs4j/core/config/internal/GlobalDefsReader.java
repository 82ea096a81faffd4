package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.GlobalDefs;
import io.lvs4j.core.config.LvsTimeouts;
import io.lvs4j.core.config.SyncDaemonConfig;
import io.lvs4j.core.sync.SyncDefaults;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code global_defs} blocks into {@link GlobalDefs}. */
final class GlobalDefsReader {

    private static final Set<String> SUPPORTED = Set.of("router_id", "vrrp_garp_interval", "vrrp_gna_interval",
            "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_lower_prio_delay",
            "vrrp_garp_lower_prio_repeat", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat",
            "vrrp_min_garp", "vrrp_version", "vrrp_skip_check_adv_addr", "vrrp_strict", "script_user",
            "enable_script_security", "lvs_timeouts", "lvs_sync_daemon");

    /** The longest delay keepalived accepts for GARP timers (2^32 microseconds). */
    static final Duration MAX_DELAY = Duration.ofSeconds(4294);

    private final Diagnostics diagnostics;

    GlobalDefsReader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    GlobalDefs read(List<Statement> blocks) throws ConfigException {
        GlobalDefs.Builder b = GlobalDefs.builder();
        GarpConfig.Builder garp = GarpConfig.builder();
        for (Statement block : blocks) {
            block.maxArgs(0);
            for (Statement s : block.requireBlock()) {
                if (!garp(s, garp, "vrrp_")) {
                    global(s, b);
                }
            }
        }
        return b.garp(garp.build()).build();
    }

    private void global(Statement s, GlobalDefs.Builder b) throws ConfigException {
        switch (s.name()) {
            case "router_id" -> b.routerId(single(s, "a name").text());
            case "vrrp_version" -> b.vrrpVersion(Values.integer(single(s, "2 or 3"), "vrrp_version", 2, 3));
            case "vrrp_skip_check_adv_addr" -> {
                boolean skip = Values.optionalBool(s, 0);
                b.vrrpSkipCheckAdvAddr(skip);
                if (skip) {
                    diagnostics.warn(s.position(), NotActedOn.SKIP_CHECK_ADV_ADDR);
                }
            }
            case "vrrp_strict" -> {
                boolean strict = Values.optionalBool(s, 0);
                b.vrrpStrict(strict);
                if (strict) {
                    diagnostics.warn(s.position(), StrictMode.NO_FIREWALL);
                }
            }
            case "script_user" -> {
                s.noBlock();
                s.maxArgs(2);
                String user = s.arg(0, "a user name").text();
                b.scriptUser(s.args().size() > 1 ? user + ":" + s.args().get(1).text().replaceFirst("^:", "") : user);
            }
            case "enable_script_security" -> b.enableScriptSecurity(Values.optionalBool(s, 0));
            case "lvs_timeouts" -> b.lvsTimeouts(lvsTimeouts(s));
            case "lvs_sync_daemon" -> b.syncDaemon(syncDaemon(s));
            default -> Keywords.other(s, "global_defs", Keywords.GLOBAL_DEFS, SUPPORTED, diagnostics);
        }
    }

    /** Reads {@code lvs_timeouts [tcp N] [tcpfin N] [udp N]}, in any order, at least one. */
    private static LvsTimeouts lvsTimeouts(Statement s) throws ConfigException {
        s.noBlock();
        s.arg(0, "tcp, tcpfin or udp and a number of seconds");
        Map<String, Duration> values = new HashMap<>();
        List<Token> args = s.args();
        for (int i = 0; i < args.size(); i += 2) {
            Token option = args.get(i);
            if (!option.is("tcp") && !option.is("tcpfin") && !option.is("udp")) {
                throw new ConfigException(option.position(), "lvs_timeouts takes tcp, tcpfin or udp, not "
                        + option.describe());
            }
            Token value = s.arg(i + 1, "a number of seconds after " + option.text());
            values.put(option.text(), Duration.ofSeconds(Values.integer(value, "lvs_timeouts " + option.text(), 1,
                    LvsTimeouts.MAX.toSeconds())));
        }
        return new LvsTimeouts(Optional.ofNullable(values.get("tcp")), Optional.ofNullable(values.get("tcpfin")),
                Optional.ofNullable(values.get("udp")));
    }

    /** {@code lvs_sync_daemon IFACE INSTANCE [id N] [maxlen N] [port N] [ttl N] [group ADDR] [peer ADDR]...}. */
    private static SyncDaemonConfig syncDaemon(Statement s) throws ConfigException {
        s.noBlock();
        List<Token> args = s.args();
        String iface = s.arg(0, "an interface").text();
        String instance = s.arg(1, "a vrrp_instance").text();
        int id = 0;
        int maxlen = 0;
        int port = SyncDefaults.PORT;
        int ttl = SyncDefaults.TTL;
        Optional<InetAddress> group = Optional.empty();
        List<InetAddress> peers = new ArrayList<>();
        for (int i = 2; i < args.size(); i += 2) {
            Token option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new ConfigException(option.position(), "'" + option.text() + "' needs a value");
            }
            Token value = args.get(i + 1);
            switch (option.text()) {
                case "id" -> id = Values.integer(value, "sync id", 0, 255);
                case "maxlen" -> maxlen = Values.integer(value, "maxlen", 1, 65507);
                case "port" -> port = Values.integer(value, "port", 1, 65535);
                case "ttl" -> ttl = Values.integer(value, "ttl", 1, 255);
                case "group" -> group = Optional.of(Values.address(value, "a sync group"));
                case "peer" -> peers.add(Values.address(value, "a sync peer"));
                default -> throw new ConfigException(option.position(), "unknown lvs_sync_daemon option "
                        + option.describe() + " (expected id, maxlen, port, ttl, group or peer)");
            }
        }
        return new SyncDaemonConfig(iface, instance, id, maxlen, port, ttl, group, peers);
    }

    /**
     * Applies a gratuitous ARP keyword, with or without keepalived's global {@code vrrp_} prefix.
     *
     * @return false if the statement is not a GARP keyword
     */
    static boolean garp(Statement s, GarpConfig.Builder garp, String prefix) throws ConfigException {
        if (!s.name().startsWith(prefix)) {
            return false;
        }
        String name = s.name().substring(prefix.length());
        switch (name) {
            case "garp_master_delay" -> garp.masterDelay(delay(s));
            case "garp_master_repeat" -> garp.masterRepeat(count(s));
            case "garp_lower_prio_delay" -> garp.lowerPrioDelay(delay(s));
            case "garp_lower_prio_repeat" -> garp.lowerPrioRepeat(count(s));
            case "garp_master_refresh" -> garp.masterRefresh(delay(s));
            case "garp_master_refresh_repeat" -> garp.masterRefreshRepeat(count(s));
            case "garp_interval" -> garp.interval(seconds(s));
            case "gna_interval" -> garp.gnaInterval(seconds(s));
            case "min_garp" -> {
                if (Values.optionalBool(s, 0)) {
                    garp.masterRepeat(1).masterDelay(Duration.ZERO);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Duration delay(Statement s) throws ConfigException {
        return Duration.ofSeconds(Values.integer(single(s, "a number of seconds"), s.name(), 0, MAX_DELAY.getSeconds()));
    }

    private static Duration seconds(Statement s) throws ConfigException {
        return Values.seconds(single(s, "a number of seconds"), s.name(), Duration.ZERO, MAX_DELAY);
    }

    private static int count(Statement s) throws ConfigException {
        return Values.integer(single(s, "a count"), s.name(), 0, Integer.MAX_VALUE);
    }

    /** Returns the one argument of a statement that takes exactly one. */
    static Token single(Statement s, String what) throws ConfigException {
        s.noBlock();
        Token t = s.arg(0, what);
        s.maxArgs(1);
        return t;
    }
}

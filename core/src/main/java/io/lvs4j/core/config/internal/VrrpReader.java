package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.GlobalDefs;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.SourcePosition;
import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.core.config.VrrpInitialState;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpScriptConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code vrrp_script}, {@code vrrp_instance} and {@code vrrp_sync_group} blocks. The
 * scripts come first: a {@code track_script} line becomes the {@code vrrp_script} it names, with
 * the line's weight, so that keepalived's references end here.
 */
final class VrrpReader {

    private static final Set<String> SCRIPT_KEYWORDS = Set.of("script", "interval", "timeout", "weight", "rise",
            "fall", "user", "init_fail");
    private static final Set<String> INSTANCE_KEYWORDS = Set.of("state", "interface", "virtual_router_id",
            "priority", "advert_int", "version", "authentication", "virtual_ipaddress", "virtual_ipaddress_excluded",
            "unicast_src_ip", "mcast_src_ip", "unicast_peer", "nopreempt", "preempt", "preempt_delay",
            "track_interface", "track_script", "notify_master", "notify_backup", "notify_fault", "notify_stop",
            "notify", "garp_master_delay", "garp_master_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat",
            "garp_master_refresh", "garp_master_refresh_repeat", "skip_check_adv_addr", "strict_mode",
            "dont_track_primary");
    private static final Set<String> GROUP_KEYWORDS = Set.of("group", "track_interface", "track_script",
            "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify");
    private static final Set<String> VIP_FLAGS = Set.of("home", "nodad", "mngtmpaddr", "autojoin", "no_track",
            "use_vmac");
    private static final Set<String> VIP_VALUES = Set.of("peer", "preferred_lft", "track_group");

    /** The most IPv4 addresses an advert holds: its count field is 8 bits. */
    static final int MAX_IPV4_VIPS = 255;
    /** The most IPv6 addresses an advert holds in a 1500-byte frame, as keepalived counts it. */
    static final int MAX_IPV6_VIPS = (1500 - 14 - 40 - 8) / 16;

    private final Diagnostics diagnostics;
    private final GlobalDefs globals;
    private final Map<String, Statement> scriptDeclarations = new HashMap<>();
    private final Map<String, VrrpScriptConfig> scripts = new HashMap<>();
    private final Map<String, Statement> instanceDeclarations = new HashMap<>();
    private final Map<VirtualIpAddress, SourcePosition> vipPositions = new HashMap<>();

    VrrpReader(Diagnostics diagnostics, GlobalDefs globals) {
        this.diagnostics = diagnostics;
        this.globals = globals;
    }

    // ---------------------------------------------------------------- vrrp_script

    VrrpScriptConfig script(Statement decl) throws ConfigException {
        String name = name(decl, "vrrp_script", scriptDeclarations);
        VrrpScriptConfig.Builder b = VrrpScriptConfig.builder(name);
        Statement command = null;
        Optional<String> user = Optional.empty();
        for (Statement s : decl.requireBlock()) {
            switch (s.name()) {
                case "script" -> {
                    s.noBlock();
                    s.arg(0, "a command");
                    command = s;
                }
                case "interval" -> b.interval(Values.seconds(GlobalDefsReader.single(s, "a number of seconds"),
                        "interval", Duration.ofMillis(1), Duration.ofDays(1)));
                case "timeout" -> b.timeout(Values.seconds(GlobalDefsReader.single(s, "a number of seconds"),
                        "timeout", Duration.ofMillis(1), Duration.ofDays(1)));
                case "weight" -> {
                    s.noBlock();
                    int weight = Values.integer(s.arg(0, "a weight -253..253"), "weight", -253, 253);
                    s.maxArgs(2);
                    boolean reverse = s.args().size() > 1 && TrackReader.reverse(s.args().get(1));
                    b.weight(weight, reverse);
                }
                case "rise" -> b.rise(Values.integer(GlobalDefsReader.single(s, "a count"), "rise", 1,
                        Integer.MAX_VALUE));
                case "fall" -> b.fall(Values.integer(GlobalDefsReader.single(s, "a count"), "fall", 1,
                        Integer.MAX_VALUE));
                case "user" -> user = Optional.of(user(s, 0));
                case "init_fail" -> b.initFail(Values.optionalBool(s, 0));
                default -> Keywords.other(s, "vrrp_script", Keywords.VRRP_SCRIPT, SCRIPT_KEYWORDS, diagnostics);
            }
        }
        if (command == null) {
            throw new ConfigException(decl.position(), "vrrp_script " + name + " has no 'script'");
        }
        b.script(new Script(joined(command), user));
        VrrpScriptConfig script = build(decl, b::build);
        scripts.put(name, script);
        return script;
    }

    // ---------------------------------------------------------------- vrrp_instance

    VrrpInstanceConfig instance(Statement decl) throws ConfigException {
        String name = name(decl, "vrrp_instance", instanceDeclarations);
        VrrpInstanceConfig.Builder b = VrrpInstanceConfig.builder(name, globals);
        GarpConfig.Builder garp = globals.garp().toBuilder();
        boolean garpSet = false;
        StrictMode.Seen seen = new StrictMode.Seen();
        boolean strict = globals.vrrpStrict();
        boolean hasInterface = false;
        boolean hasRouterId = false;
        int version = globals.vrrpVersion();
        Token versionToken = null;
        Token advertToken = null;
        Statement authentication = null;
        String authPass = null;
        List<VirtualIpAddress> vips = new ArrayList<>();
        for (Statement s : decl.requireBlock()) {
            if (GlobalDefsReader.garp(s, garp, "")) {
                garpSet = true;
                if (s.name().startsWith("garp_lower_prio_")) {
                    seen.lowerPrio = s;
                }
                continue;
            }
            switch (s.name()) {
                case "state" -> {
                    Token t = GlobalDefsReader.single(s, "MASTER or BACKUP");
                    seen.state = t;
                    seen.initialState = switch (t.text()) {
                        case "MASTER" -> VrrpInitialState.MASTER;
                        case "BACKUP" -> VrrpInitialState.BACKUP;
                        default -> throw new ConfigException(t.position(), "state must be MASTER or BACKUP, not "
                                + t.describe());
                    };
                    b.initialState(seen.initialState);
                }
                case "interface" -> {
                    b.interfaceName(GlobalDefsReader.single(s, "an interface name").text());
                    hasInterface = true;
                }
                case "virtual_router_id" -> {
                    b.virtualRouterId(Values.integer(GlobalDefsReader.single(s, "a number 1..255"),
                            "virtual_router_id", 1, 255));
                    hasRouterId = true;
                }
                case "priority" -> {
                    seen.priority = Values.integer(GlobalDefsReader.single(s, "a number 1..255"), "priority", 1, 255);
                    b.priority(seen.priority);
                }
                case "advert_int" -> advertToken = GlobalDefsReader.single(s, "a number of seconds");
                case "version" -> {
                    versionToken = GlobalDefsReader.single(s, "2 or 3");
                    version = Values.integer(versionToken, "version", 2, 3);
                }
                case "authentication" -> {
                    s.maxArgs(0);
                    authentication = s;
                    seen.authentication = s;
                    authPass = authentication(s);
                }
                case "virtual_ipaddress" -> {
                    s.maxArgs(0);
                    for (Statement line : s.requireBlock()) {
                        vips.add(vip(line));
                    }
                }
                case "virtual_ipaddress_excluded" -> {
                    s.maxArgs(0);
                    for (Statement line : s.requireBlock()) {
                        b.virtualIpAddressExcluded(vip(line));
                    }
                }
                case "unicast_src_ip", "mcast_src_ip" -> b.sourceAddress(Values.address(
                        GlobalDefsReader.single(s, "an address"), s.name()));
                case "unicast_peer" -> {
                    s.maxArgs(0);
                    seen.unicastPeer = s;
                    for (Statement line : s.requireBlock()) {
                        b.unicastPeer(peer(line));
                    }
                }
                case "nopreempt" -> {
                    s.noBlock();
                    s.maxArgs(0);
                    b.preempt(false);
                }
                case "preempt" -> {
                    s.noBlock();
                    s.maxArgs(0);
                    b.preempt(true);
                }
                case "preempt_delay" -> {
                    seen.preemptDelay = s;
                    b.preemptDelay(Values.seconds(GlobalDefsReader.single(s, "a number of seconds"), "preempt_delay",
                            Duration.ZERO, VrrpInstanceConfig.MAX_PREEMPT_DELAY));
                }
                case "track_interface" -> {
                    s.maxArgs(0);
                    for (Statement line : s.requireBlock()) {
                        b.trackInterface(TrackReader.trackInterface(line));
                    }
                }
                case "track_script" -> {
                    s.maxArgs(0);
                    for (Statement line : s.requireBlock()) {
                        b.trackScript(TrackReader.trackScript(line, "vrrp_instance " + name, scripts));
                    }
                }
                case "notify_master" -> b.notifyMaster(notify(s));
                case "notify_backup" -> b.notifyBackup(notify(s));
                case "notify_fault" -> b.notifyFault(notify(s));
                case "notify_stop" -> b.notifyStop(notify(s));
                case "notify" -> b.notifyAny(notify(s));
                case "skip_check_adv_addr" -> {
                    boolean skip = Values.optionalBool(s, 0);
                    b.skipCheckAdvAddr(skip);
                    if (skip) {
                        diagnostics.warn(s.position(), NotActedOn.SKIP_CHECK_ADV_ADDR);
                    }
                }
                case "strict_mode" -> {
                    strict = Values.optionalBool(s, 0);
                    b.strictMode(strict);
                    if (strict) {
                        diagnostics.warn(s.position(), StrictMode.NO_FIREWALL);
                    }
                }
                case "dont_track_primary" -> b.dontTrackPrimary(Values.optionalBool(s, 0));
                default -> Keywords.other(s, "vrrp_instance", Keywords.VRRP_INSTANCE, INSTANCE_KEYWORDS, diagnostics);
            }
        }
        if (!hasInterface) {
            throw new ConfigException(decl.position(), "vrrp_instance " + name + " has no 'interface'");
        }
        if (!hasRouterId) {
            throw new ConfigException(decl.position(), "vrrp_instance " + name + " has no 'virtual_router_id'");
        }
        version = vipFamily(vips, version, versionToken);
        b.version(version);
        vipLimit(name, vips, b);
        if (strict) {
            if (!StrictMode.apply(name, decl, seen, vips, vips.isEmpty() ? null : vipPositions.get(vips.getFirst()),
                    b, garp, diagnostics)) {
                authPass = null;
            }
            garpSet = true;
        }
        for (VirtualIpAddress vip : vips) {
            b.virtualIpAddress(vip);
        }
        if (garpSet) {
            b.garp(garp.build());
        }
        if (authPass != null) {
            if (version == 3) {
                diagnostics.warn(authentication.position(), "authentication is not part of VRRP version 3;"
                        + " ignored as keepalived does");
            } else {
                b.authPass(authPass);
            }
        }
        if (advertToken != null) {
            b.advertInterval(advert(advertToken, version));
        }
        return build(decl, b::build);
    }

    /**
     * Moves the virtual addresses an advert has no room for to {@code virtual_ipaddress_excluded},
     * as keepalived does: at most 255 (the count field is 8 bits), and what fits a 1500-byte
     * frame (89 for IPv6).
     */
    private void vipLimit(String name, List<VirtualIpAddress> vips, VrrpInstanceConfig.Builder b) {
        if (vips.isEmpty()) {
            return;
        }
        int max = vips.getFirst().address() instanceof Inet6Address ? MAX_IPV6_VIPS : MAX_IPV4_VIPS;
        if (vips.size() <= max) {
            return;
        }
        diagnostics.warn(vipPositions.get(vips.get(max)), "vrrp_instance " + name + " has " + vips.size()
                + " virtual_ipaddress, more than an advert holds (" + max + "); the rest are moved to"
                + " virtual_ipaddress_excluded, as keepalived does");
        List<VirtualIpAddress> excess = new ArrayList<>(vips.subList(max, vips.size()));
        vips.subList(max, vips.size()).clear();
        excess.forEach(b::virtualIpAddressExcluded);
    }

    /** Checks that all VIPs are of one family; IPv6 VIPs mean version 3. Returns the version. */
    private int vipFamily(List<VirtualIpAddress> vips, int version, Token versionToken) throws ConfigException {
        if (vips.isEmpty()) {
            return version;
        }
        boolean v6 = vips.getFirst().address() instanceof Inet6Address;
        for (int i = 1; i < vips.size(); i++) {
            if ((vips.get(i).address() instanceof Inet6Address) != v6) {
                throw new ConfigException(vipPositions.get(vips.get(i)), "virtual_ipaddress mixes IPv4 and IPv6;"
                        + " put the other family in virtual_ipaddress_excluded");
            }
        }
        if (v6 && version == 2) {
            if (versionToken != null) {
                diagnostics.warn(versionToken.position(), "IPv6 instances use VRRP version 3; version 2 ignored");
            }
            return 3;
        }
        return version;
    }

    private Duration advert(Token t, int version) throws ConfigException {
        if (version == 2) {
            Duration d = Values.seconds(t, "advert_int", Duration.ofMillis(500), Duration.ofSeconds(255));
            if (d.toNanosPart() != 0) {
                long rounded = Math.max(1, Math.round(d.toNanos() / 1e9));
                diagnostics.warn(t.position(), "advert_int " + t.text() + " rounded to " + rounded
                        + " s: VRRP version 2 counts whole seconds");
                return Duration.ofSeconds(rounded);
            }
            return d;
        }
        Duration d = Values.seconds(t, "advert_int", Duration.ofMillis(10), Duration.ofMillis(40_950));
        long centis = Math.round(d.toNanos() / 1e7);
        Duration rounded = Duration.ofMillis(centis * 10);
        if (!rounded.equals(d)) {
            diagnostics.warn(t.position(), "advert_int " + t.text() + " rounded to " + Values.format(rounded)
                    + " s: VRRP version 3 counts centiseconds");
        }
        return rounded;
    }

    private String authentication(Statement s) throws ConfigException {
        String type = null;
        Token pass = null;
        for (Statement a : s.requireBlock()) {
            switch (a.name()) {
                case "auth_type" -> {
                    Token t = GlobalDefsReader.single(a, "PASS or AH");
                    if (t.text().equals("AH")) {
                        throw new ConfigException(t.position(), "auth_type AH (IPsec authentication header) is not"
                                + " supported by lvs4j; use PASS");
                    }
                    if (!t.text().equals("PASS")) {
                        throw new ConfigException(t.position(), "auth_type must be PASS or AH, not " + t.describe());
                    }
                    type = t.text();
                }
                case "auth_pass" -> pass = GlobalDefsReader.single(a, "a password");
                default -> Keywords.other(a, "authentication", Set.of(), Set.of("auth_type", "auth_pass"),
                        diagnostics);
            }
        }
        if (type == null) {
            throw new ConfigException(s.position(), "authentication has no 'auth_type'");
        }
        if (pass == null) {
            throw new ConfigException(s.position(), "authentication has no 'auth_pass'");
        }
        String p = pass.text();
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) > 0x7e || p.charAt(i) < 0x20) {
                throw new ConfigException(pass.position(), "auth_pass must be printable ASCII");
            }
        }
        if (p.length() > 8) {
            diagnostics.warn(pass.position(), "auth_pass is longer than 8 characters; only the first 8 are used,"
                    + " as keepalived does");
            p = p.substring(0, 8);
        }
        return p;
    }

    private VirtualIpAddress vip(Statement line) throws ConfigException {
        line.noBlock();
        Token addr = line.keyword();
        String text = addr.text();
        int slash = text.indexOf('/');
        InetAddress address = Values.addressOrNull(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            throw new ConfigException(addr.position(), "a virtual address must be an IPv4 or IPv6 address"
                    + " (optionally /prefix), not " + addr.describe());
        }
        int max = address instanceof Inet4Address ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            Token prefixToken = new Token(Token.Kind.WORD, text.substring(slash + 1), addr.position(), false);
            prefix = Values.integer(prefixToken, "prefix length of " + text, 0, max);
        }
        Optional<String> device = Optional.empty();
        Optional<String> label = Optional.empty();
        Optional<InetAddress> broadcast = Optional.empty();
        int scope = VirtualIpAddress.SCOPE_GLOBAL;
        boolean noDad = true;
        boolean noPrefixRoute = false;
        List<Token> args = line.args();
        for (int i = 0; i < args.size(); i++) {
            Token opt = args.get(i);
            String o = opt.text();
            if (o.equals("dev") || o.equals("label") || o.equals("brd") || o.equals("broadcast") || o.equals("scope")) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException(line.endOfLine(), "'" + o + "' needs a value");
                }
                Token value = args.get(++i);
                switch (o) {
                    case "dev" -> device = Optional.of(value.text());
                    case "label" -> label = Optional.of(value.text());
                    case "scope" -> {
                        scope = VirtualIpAddress.scope(value.text());
                        if (scope < 0) {
                            throw new ConfigException(value.position(), "unknown scope " + value.describe()
                                    + " (expected global, site, link, host, nowhere or 0-255)");
                        }
                    }
                    default -> {
                        InetAddress b = Values.addressOrNull(value.text());
                        if (!(b instanceof Inet4Address) || !(address instanceof Inet4Address)) {
                            throw new ConfigException(value.position(), "'" + o + "' takes an IPv4 address of an"
                                    + " IPv4 virtual address, not " + value.describe());
                        }
                        broadcast = Optional.of(b);
                    }
                }
            } else if (o.equals("-nodad")) {
                noDad = false;
            } else if (o.equals("noprefixroute")) {
                noPrefixRoute = true;
            } else if (VIP_VALUES.contains(o)) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException(line.endOfLine(), "'" + o + "' needs a value");
                }
                i++;
                diagnostics.warn(opt.position(), "virtual address option '" + o + "' is not supported by lvs4j;"
                        + " ignored");
            } else if (VIP_FLAGS.contains(o)) {
                diagnostics.warn(opt.position(), "virtual address option '" + o + "' is not supported by lvs4j;"
                        + " ignored");
            } else {
                throw new ConfigException(opt.position(), "unknown virtual address option " + opt.describe()
                        + " (expected dev, label, brd, scope, ...)");
            }
        }
        VirtualIpAddress vip = new VirtualIpAddress(address, prefix, device, label, broadcast, scope, noDad,
                noPrefixRoute);
        vipPositions.putIfAbsent(vip, addr.position());
        return vip;
    }

    private InetAddress peer(Statement line) throws ConfigException {
        line.noBlock();
        InetAddress address = Values.address(line.keyword(), "a unicast peer");
        List<Token> args = line.args();
        for (int i = 0; i < args.size(); i += 2) {
            Token opt = args.get(i);
            if (!opt.text().equals("min_ttl") && !opt.text().equals("max_ttl")) {
                throw new ConfigException(opt.position(), "unknown unicast_peer option " + opt.describe()
                        + " (expected min_ttl or max_ttl)");
            }
            if (i + 1 >= args.size()) {
                throw new ConfigException(line.endOfLine(), "'" + opt.text() + "' needs a value 0..255");
            }
            Values.integer(args.get(i + 1), opt.text(), 0, 255);
            diagnostics.warn(opt.position(), "unicast_peer option '" + opt.text() + "' is not supported by lvs4j;"
                    + " ignored");
        }
        return address;
    }

    // ---------------------------------------------------------------- vrrp_sync_group

    VrrpSyncGroupConfig syncGroup(Statement decl, Map<String, Token> memberTokens) throws ConfigException {
        String name = decl.arg(0, "a group name").text();
        decl.maxArgs(1);
        VrrpSyncGroupConfig.Builder b = VrrpSyncGroupConfig.builder(name);
        boolean hasGroup = false;
        for (Statement s : decl.requireBlock()) {
            switch (s.name()) {
                case "group" -> {
                    s.maxArgs(0);
                    for (Statement member : s.requireBlock()) {
                        member.noBlock();
                        member.maxArgs(0);
                        b.instance(member.name());
                        memberTokens.putIfAbsent(name + "/" + member.name(), member.keyword());
                        hasGroup = true;
                    }
                }
                case "track_interface" -> {
                    s.maxArgs(0);
                    for (Statement line : s.requireBlock()) {
                        b.trackInterface(TrackReader.trackInterface(line));
                    }
                }
                case "track_script" -> {
                    s.maxArgs(0);
                    for (Statement line : s.requireBlock()) {
                        b.trackScript(TrackReader.trackScript(line, "vrrp_sync_group " + name, scripts));
                    }
                }
                case "notify_master" -> b.notifyMaster(notify(s));
                case "notify_backup" -> b.notifyBackup(notify(s));
                case "notify_fault" -> b.notifyFault(notify(s));
                case "notify_stop" -> b.notifyStop(notify(s));
                case "notify" -> b.notifyAny(notify(s));
                default -> {
                    if (s.block() == null && s.args().isEmpty() && instanceDeclarations.containsKey(s.name())) {
                        throw new ConfigException(s.position(), "vrrp_instance " + s.name()
                                + " must be listed inside 'group { ... }' of vrrp_sync_group " + name);
                    }
                    Keywords.other(s, "vrrp_sync_group", Keywords.VRRP_SYNC_GROUP, GROUP_KEYWORDS, diagnostics);
                }
            }
        }
        if (!hasGroup) {
            throw new ConfigException(decl.position(), "vrrp_sync_group " + name + " has no 'group' of instances");
        }
        return build(decl, b::build);
    }

    // ---------------------------------------------------------------- shared

    /** Reads {@code notify_* COMMAND [user [:][group]]}. */
    static Script notify(Statement s) throws ConfigException {
        s.noBlock();
        Token command = s.arg(0, "a command");
        s.maxArgs(3);
        Optional<String> user = s.args().size() > 1 ? Optional.of(user(s, 1)) : Optional.empty();
        return new Script(command.text(), user);
    }

    /** Reads {@code user [:][group]} from an argument index. */
    static String user(Statement s, int index) throws ConfigException {
        s.noBlock();
        String user = s.arg(index, "a user name").text();
        s.maxArgs(index + 2);
        if (s.args().size() > index + 1) {
            String group = s.args().get(index + 1).text();
            return user + (group.startsWith(":") ? group : ":" + group);
        }
        return user;
    }

    /** Joins all arguments: an unquoted command line with its parameters. */
    static String joined(Statement s) {
        List<String> words = new ArrayList<>();
        for (Token t : s.args()) {
            words.add(t.quoted() && t.text().indexOf(' ') >= 0 && s.args().size() > 1 ? "'" + t.text() + "'" : t.text());
        }
        return String.join(" ", words);
    }

    private String name(Statement decl, String kind, Map<String, Statement> seen) throws ConfigException {
        String name = decl.arg(0, "a name").text();
        decl.maxArgs(1);
        Statement previous = seen.putIfAbsent(name, decl);
        if (previous != null) {
            throw new ConfigException(decl.args().getFirst().position(), kind + " " + name
                    + " is already declared at " + previous.position());
        }
        return name;
    }

    /** A builder call that may throw the model's IllegalArgumentException. */
    interface ModelBuild<T> {
        T build();
    }

    /** Builds a record, reporting a model check that failed at the declaration. */
    static <T> T build(Statement decl, ModelBuild<T> build) throws ConfigException {
        try {
            return build.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(decl.position(), decl.name() + ": " + e.getMessage(), e);
        }
    }
}
